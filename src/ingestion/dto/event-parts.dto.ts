import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsStringMap } from '../../infrastructure/validation/is-string-map';
import { MaxUtf8Bytes } from '../../infrastructure/validation/max-utf8-bytes';

export class ActorDto {
  @ApiProperty({ description: 'Who acted: a directory GUID, username, email, UPN or DN', example: 'jdoe' })
  @IsNotEmpty()
  @MaxLength(1024)
  @MaxUtf8Bytes(1024)
  @IsString()
  id: string;

  @ApiPropertyOptional({ example: 'John Doe' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(2048)
  @IsString()
  href?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  fields?: Record<string, string>;
}

export class TargetDto {
  @ApiProperty({ example: 'doc-42' })
  @IsNotEmpty()
  @MaxLength(1024)
  @MaxUtf8Bytes(1024)
  @IsString()
  id: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  name?: string;

  @ApiPropertyOptional({ example: 'document' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(2048)
  @IsString()
  href?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  fields?: Record<string, string>;
}

export class GroupDto {
  @ApiProperty({ description: 'The end customer (tenant) inside the project', example: 'acme' })
  @IsNotEmpty()
  @MaxLength(1024)
  @MaxUtf8Bytes(1024)
  @IsString()
  id: string;

  @ApiPropertyOptional({ example: 'Acme Corp' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  name?: string;
}
