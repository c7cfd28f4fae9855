import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsScopeList } from '../infrastructure/validation/is-scope-list';
import { INSTANCE_SCOPES, PROJECT_SCOPES } from '../tenancy/token-scope';

export class CreateProjectDto {
  @ApiProperty({ example: 'CRM' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  name: string;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'crm-production-publisher' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  name: string;

  @ApiProperty({
    example: 'publish read',
    description: 'One scope or a space-separated list: publish (write events to the project), read (query it), admin (administer it: its tokens, sealing); "publish read" is a Retraced API token',
  })
  @IsScopeList(PROJECT_SCOPES)
  @IsString()
  scope: string;
}

export class CreateInstanceTokenDto {
  @ApiProperty({ example: 'hr-provisioner' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  name: string;

  @ApiProperty({
    example: 'provision',
    description: 'One scope or a space-separated list: admin (the whole instance), provision (the Provisioning API), directory (directory reads)',
  })
  @IsScopeList(INSTANCE_SCOPES)
  @IsString()
  scope: string;
}
