import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { IsIpAddress } from '../../infrastructure/validation/is-ip-address';
import { IsStringMap } from '../../infrastructure/validation/is-string-map';
import type { Crud } from '../../ingestion/audit-event';
import { GroupDto } from '../../ingestion/dto/event-parts.dto';

export class PublisherActorDto {
  @ApiProperty({ example: 'jdoe@corp.example.com' })
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  id: string;

  @ApiPropertyOptional()
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

export class PublisherTargetDto extends PublisherActorDto {
  @ApiPropertyOptional({ example: 'document' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  type?: string;
}

/** A Retraced publisher event, validated by Retraced's rules. */
export class PublisherEventDto {
  @ApiProperty({ example: 'document.share' })
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  action: string;

  @ApiProperty({ enum: ['c', 'r', 'u', 'd'] })
  @IsIn(['c', 'r', 'u', 'd'])
  crud: Crud;

  @ApiPropertyOptional({ type: GroupDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupDto)
  @IsObject()
  group?: GroupDto;

  @ApiPropertyOptional({ type: PublisherActorDto, description: 'Required unless is_anonymous is true' })
  @ValidateIf((event: PublisherEventDto) => event.is_anonymous !== true || event.actor !== undefined)
  @ValidateNested()
  @Type(() => PublisherActorDto)
  @IsObject()
  @IsDefined({ message: 'actor is required unless is_anonymous is true' })
  actor?: PublisherActorDto;

  @ApiPropertyOptional({ type: PublisherTargetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PublisherTargetDto)
  @IsObject()
  target?: PublisherTargetDto;

  @ApiPropertyOptional({ example: '2600:1900:0:2107::' })
  @IsOptional()
  @IsIpAddress()
  source_ip?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(65536)
  @IsString()
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_failure?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_anonymous?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  fields?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringMap()
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ description: 'ISO 8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  created?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(256)
  @IsString()
  component?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(256)
  @IsString()
  version?: string;

  @ApiPropertyOptional({ description: 'Idempotency key, unique within the project, forever' })
  @IsOptional()
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  external_id?: string;
}
