import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MinLength } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';
import { IsDecimalInteger } from '../../infrastructure/validation/is-decimal-integer';
import { MIN_SUGGEST_LENGTH } from '../mirror/people-search';

/** Most suggestions one request answers. */
export const MAX_SUGGESTIONS = 50;

export class PeopleQueryDto {
  @ApiProperty({ description: `The start of any of a person's names, at least ${MIN_SUGGEST_LENGTH} characters`, example: 'jsm' })
  @MaxLength(256)
  @MinLength(MIN_SUGGEST_LENGTH, { message: `q must be at least ${MIN_SUGGEST_LENGTH} characters` })
  @IsString()
  q: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_SUGGESTIONS, default: 10 })
  @IsOptional()
  @IsDecimalInteger(1, MAX_SUGGESTIONS)
  limit?: string;
}

/** Directory credentials (the Replicated Identity API's login body). */
export class LoginDto {
  @ApiProperty({ description: 'Any name of the person: username, email, UPN, DOMAIN\\user or DN', example: 'jdoe' })
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  username: string;

  @ApiProperty({ description: 'Sent to the directory in a bind; never stored or logged' })
  @IsNotEmpty()
  @MaxLength(1024)
  @IsString()
  password: string;
}
