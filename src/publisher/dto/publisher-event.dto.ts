import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsIpAddress } from '../../infrastructure/validation/is-ip-address';
import type { Crud } from '../../event-store/audit-event';
import { EventContentDto } from '../../ingestion/dto/event-content.dto';
import { ActorDto } from '../../ingestion/dto/event-parts.dto';

/** A Retraced publisher event, validated by Retraced's rules. */
export class PublisherEventDto extends EventContentDto {
  @ApiProperty({ enum: ['c', 'r', 'u', 'd'] })
  @IsIn(['c', 'r', 'u', 'd'])
  crud: Crud;

  @ApiPropertyOptional({ type: ActorDto, description: 'Required unless is_anonymous is true' })
  @ValidateIf((event: PublisherEventDto) => event.is_anonymous !== true || event.actor !== undefined)
  @ValidateNested()
  @Type(() => ActorDto)
  @IsObject()
  @IsDefined({ message: 'actor is required unless is_anonymous is true' })
  actor?: ActorDto;

  @ApiPropertyOptional({ example: '2600:1900:0:2107::' })
  @IsOptional()
  @IsIpAddress()
  source_ip?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_anonymous?: boolean;

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
}
