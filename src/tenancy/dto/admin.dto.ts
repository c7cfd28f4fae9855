import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { TOKEN_SCOPES, TokenScope } from '../api-token.entity';

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

  @ApiProperty({ enum: TOKEN_SCOPES, description: 'publish: write events to the project; read: query it; admin: everything' })
  @IsIn(TOKEN_SCOPES as unknown as TokenScope[])
  scope: TokenScope;
}
