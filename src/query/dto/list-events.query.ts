import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../event-query';

export class ListEventsQueryDto {
  @ApiPropertyOptional({ description: 'Project id; default: the token’s own project, or `default` for an admin token' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  @IsString()
  project?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  @IsInt()
  limit?: number;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page' })
  @IsOptional()
  @MaxLength(512)
  @IsString()
  cursor?: string;
}
