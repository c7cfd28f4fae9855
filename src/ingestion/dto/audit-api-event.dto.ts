import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsIpAddress } from '../../infrastructure/validation/is-ip-address';
import { IsStringMap } from '../../infrastructure/validation/is-string-map';
import type { Crud } from '../audit-event';
import { ActorDto, GroupDto, TargetDto } from './event-parts.dto';

/** The Replicated Audit API body, plus the optional Retraced-style fields. */
export class AuditApiEventDto {
  @ApiProperty({ description: 'Machine readable name of the event', example: 'user.login.success' })
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  action: string;

  @ApiPropertyOptional({ description: 'Name of the event', example: 'user.login' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  name?: string;

  @ApiPropertyOptional({ description: 'Title of the event', example: 'User Login Success' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  title?: string;

  @ApiPropertyOptional({ description: 'Human readable description of the event', example: 'john@example.com logged in successfully' })
  @IsOptional()
  @MaxLength(65536)
  @IsString()
  description?: string;

  @ApiPropertyOptional({ description: 'IP address of the user who took the action; defaults to the unwrapped client address', example: '192.30.252.12' })
  @IsOptional()
  @IsIpAddress()
  ip_address?: string;

  @ApiPropertyOptional({ type: ActorDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ActorDto)
  @IsObject()
  actor?: ActorDto;

  @ApiPropertyOptional({ type: TargetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetDto)
  @IsObject()
  target?: TargetDto;

  @ApiPropertyOptional({ type: GroupDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupDto)
  @IsObject()
  group?: GroupDto;

  @ApiPropertyOptional({ enum: ['c', 'r', 'u', 'd'] })
  @IsOptional()
  @IsIn(['c', 'r', 'u', 'd'])
  crud?: Crud;

  @ApiPropertyOptional({ description: 'When it happened (ISO 8601); defaults to when it was received' })
  @IsOptional()
  @IsISO8601({ strict: true })
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

  @ApiPropertyOptional({ description: 'Idempotency key, unique within the project' })
  @IsOptional()
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  external_id?: string;
}
