import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsIpAddress } from '../../infrastructure/validation/is-ip-address';
import type { Crud } from '../../event-store/audit-event';
import { EventContentDto } from './event-content.dto';
import { ActorDto } from './event-parts.dto';

/** The Replicated Audit API body (name, title, description, ip_address, action), plus the optional Retraced-style fields. */
export class AuditApiEventDto extends EventContentDto {
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

  @ApiPropertyOptional({ enum: ['c', 'r', 'u', 'd'] })
  @IsOptional()
  @IsIn(['c', 'r', 'u', 'd'])
  crud?: Crud;
}
