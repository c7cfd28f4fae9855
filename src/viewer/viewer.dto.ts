import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { MaxLength } from '../infrastructure/validation/max-length';
import { IsDateTime } from '../infrastructure/validation/is-date-time';

export class ViewerSessionDto {
  @ApiProperty({ description: 'A viewer token from GET /publisher/v1/project/{id}/viewertoken' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  token: string;
}

/** What the widget saves as an export: its search and CRUD boxes, and optionally a time range (ms). */
export class ExportBodyDto {
  @ApiPropertyOptional() @IsOptional() @MaxLength(4096) @IsString() searchQuery?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showCreate?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showRead?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showUpdate?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showDelete?: boolean;
  @ApiPropertyOptional() @IsOptional() @Min(0) @Max(8.64e15) @IsInt() startTime?: number;
  @ApiPropertyOptional() @IsOptional() @Min(0) @Max(8.64e15) @IsInt() endTime?: number;
  @ApiPropertyOptional() @IsOptional() @Min(1) @Max(1) @IsInt() version?: number;
}

export class CreateExportDto {
  @ApiProperty({ example: 'Last week' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  name: string;

  @ApiProperty({ type: ExportBodyDto })
  @ValidateNested()
  @Type(() => ExportBodyDto)
  @IsObject()
  exportBody: ExportBodyDto;
}

export class EnterpriseTokenNameDto {
  @ApiProperty({ example: 'SIEM connector' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  displayName: string;

  @ApiPropertyOptional({ description: 'Ignored: the id is the path’s (the widget sends it)' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  id?: string;
}

export class PublisherEnterpriseTokenDto {
  @ApiProperty({ example: 'SIEM connector' })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  display_name: string;

  @ApiPropertyOptional({ example: 'audit.log.view' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  view_log_action?: string;
}

export class SavedSearchDto {
  @ApiProperty({ example: 'Logins' }) @IsNotEmpty() @MaxLength(256) @IsString() name: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @MaxLength(512, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  actions?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @MaxLength(1024, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @IsArray()
  actor_ids?: string[];
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsDateTime() start?: string;
}

export class ActiveSearchDto {
  @ApiProperty() @IsNotEmpty() @MaxLength(64) @IsString() saved_search_id: string;
}
