import { IsOptional, IsString, MinLength } from 'class-validator';
import { MaxLength } from '../infrastructure/validation/max-length';

/** Directory credentials, or an API token. */
export class SignInDto {
  @IsOptional()
  @MinLength(1)
  @MaxLength(1024)
  @IsString()
  username?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(1024)
  @IsString()
  password?: string;

  @IsOptional()
  @MinLength(1)
  @MaxLength(1024)
  @IsString()
  token?: string;
}
