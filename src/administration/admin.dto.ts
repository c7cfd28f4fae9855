import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, ValidateNested } from 'class-validator';
import { MaxLength } from '../infrastructure/validation/max-length';
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
    description:
      'One scope or a space-separated list: publish (write events to the project), read (query it), admin (administer it: its tokens, sealing); "publish read" is a Retraced API token',
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

export class DisplayTemplateDto {
  @ApiProperty({ example: 'user.login*', description: 'An exact action, or a prefix with a trailing *' })
  @IsNotEmpty()
  @MaxLength(512)
  @IsString()
  action: string;

  @ApiProperty({
    example: '**{{actor.name}}** signed in from {{source_ip}}',
    description:
      'Markdown with {{placeholders}}: action, crud, description, source_ip, actor.id, actor.name, target.id, target.name, target.type, group.id, group.name, fields.<name>',
  })
  @IsNotEmpty()
  @MaxLength(2048)
  @IsString()
  template: string;
}

export class DisplayTemplatesDto {
  @ApiProperty({ type: [DisplayTemplateDto] })
  @ValidateNested({ each: true })
  @Type(() => DisplayTemplateDto)
  @ArrayMaxSize(100)
  @IsArray()
  templates: DisplayTemplateDto[];
}
