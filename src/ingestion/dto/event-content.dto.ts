import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsDateTime } from '../../infrastructure/validation/is-date-time';
import { IsStringMap } from '../../infrastructure/validation/is-string-map';
import { MaxUtf8Bytes } from '../../infrastructure/validation/max-utf8-bytes';
import { GroupDto, TargetDto } from './event-parts.dto';

/** What both ingestion APIs accept alike; each API's DTO adds its own fields and rules. */
export class EventContentDto {
  @ApiProperty({ description: 'Machine readable name of the event', example: 'user.login.success' })
  @IsNotEmpty()
  @MaxLength(1024)
  @MaxUtf8Bytes(1024)
  @IsString()
  action: string;

  @ApiPropertyOptional({ description: 'Human readable description of the event', example: 'john@example.com logged in successfully' })
  @IsOptional()
  @MaxLength(65536)
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: TargetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetDto)
  @IsObject()
  target?: TargetDto;

  @ApiPropertyOptional({ type: GroupDto, description: 'The end customer (tenant) inside the project' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupDto)
  @IsObject()
  group?: GroupDto;

  @ApiPropertyOptional({ description: 'When it happened (ISO 8601); defaults to when it was received' })
  @IsOptional()
  @IsDateTime()
  created?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_failure?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  fields?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Idempotency key, unique within the project, forever' })
  @IsOptional()
  @IsNotEmpty()
  @MaxLength(1024)
  @MaxUtf8Bytes(1024)
  @IsString()
  external_id?: string;
}
