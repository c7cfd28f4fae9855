import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsDecimalInteger } from '../../infrastructure/validation/is-decimal-integer';
import { IsIpAddress } from '../../infrastructure/validation/is-ip-address';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../event-store/event-query';

/** The filters every read of events accepts (listing and export). */
export class EventFiltersDto {
  @ApiPropertyOptional({ description: 'Project id; default: the token’s own project, or `default` for an admin token' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  @IsString()
  project?: string;

  @ApiPropertyOptional({
    description:
      'Any name of a person (GUID, username, DOMAIN\\user, email, UPN, DN): every event of that person, however it was logged. A name the directory does not know matches the raw actor id.',
  })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  actor?: string;

  @ApiPropertyOptional({ description: 'A directory group (name or DN): events of its members, nested membership included' })
  @IsOptional()
  @MaxLength(4096)
  @IsString()
  member_of?: string;

  @ApiPropertyOptional({ description: 'Exact action, or a prefix with a trailing * (user.login.*)', example: 'user.login.*' })
  @IsOptional()
  @Matches(/^[^*]+\*?$/, { message: 'action must be an action name, optionally ending with * for a prefix' })
  @MaxLength(512)
  @IsString()
  action?: string;

  @ApiPropertyOptional({ description: 'Retraced group (end-customer tenant) id' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  group?: string;

  @ApiPropertyOptional({ description: 'Target id' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  target?: string;

  @ApiPropertyOptional({ description: "Any name of a person: events whose target is one of that person's names (what was done to them)" })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  target_person?: string;

  @ApiPropertyOptional({ description: 'Source IP address (IPv4 or IPv6)' })
  @IsOptional()
  @IsIpAddress()
  @IsString()
  ip?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events that happened at or after it', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  @IsString()
  since?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events that happened before it (half-open)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  @IsString()
  until?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'failure must be true or false' })
  failure?: string;

  @ApiPropertyOptional({
    enum: ['exclude', 'include', 'only'],
    description: 'The events recording reads of the log (audit.log.view, .search, .export): excluded by default (included when action asks for audit.log.*)',
  })
  @IsOptional()
  @IsIn(['exclude', 'include', 'only'], { message: 'reads must be exclude, include or only' })
  reads?: 'exclude' | 'include' | 'only';

  @ApiPropertyOptional({
    enum: ['exclude', 'include', 'only'],
    description:
      'The events recording administration (audit.project.*, audit.token.*, audit.integrity.seal, audit.directory.*, audit.provisioning.*): excluded by default (included when action asks for audit.*)',
  })
  @IsOptional()
  @IsIn(['exclude', 'include', 'only'], { message: 'admin must be exclude, include or only' })
  admin?: 'exclude' | 'include' | 'only';

  @ApiPropertyOptional({
    description:
      'Free text over description, action, actor, target, group and fields; every word must match; a trailing * searches by the start of a word (invoic*, at least 3 characters)',
  })
  @IsOptional()
  @Matches(/[\p{L}\p{N}]/u, { message: 'q must contain at least one letter or digit' })
  @MaxLength(1024)
  @IsString()
  q?: string;
}

export class ListEventsQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @IsDecimalInteger(1, MAX_PAGE_SIZE)
  limit?: string;

  @ApiPropertyOptional({
    enum: ['people'],
    description: '`people`: add `people`, each actor GUID on the page with the person as the directory names them now (after a rename)',
  })
  @IsOptional()
  @IsIn(['people'], { message: 'with must be people' })
  with?: 'people';

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page' })
  @IsOptional()
  @MaxLength(512)
  @IsString()
  cursor?: string;
}

export class HistogramQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({
    enum: ['auto', 'minute', 'hour', 'day'],
    default: 'auto',
    description: 'Bucket width; auto picks one that gives at most ~200 buckets over the range',
  })
  @IsOptional()
  @IsIn(['auto', 'minute', 'hour', 'day'], { message: 'interval must be auto, minute, hour or day' })
  interval?: 'auto' | 'minute' | 'hour' | 'day';

  @ApiPropertyOptional({
    type: Number,
    description: "Minutes east of UTC of the reader's time zone, so days start at local midnight (-840 to 840)",
    default: 0,
  })
  @IsOptional()
  @Matches(/^-?[0-9]{1,3}$/, { message: 'tz_offset must be a whole number of minutes from -840 to 840' })
  @IsString()
  tz_offset?: string;
}

export class FacetsQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 50, default: 10, description: 'Values per field' })
  @IsOptional()
  @IsDecimalInteger(1, 50)
  top?: string;
}

export class ExportEventsQueryDto extends EventFiltersDto {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'], { message: 'format must be csv or ndjson' })
  format?: 'ndjson' | 'csv';
}
