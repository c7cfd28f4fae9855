import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { MaxLength } from '../../infrastructure/validation/max-length';

/** A user record pushed by a provisioner (the Replicated Provisioning API payload, plus dn/upn/groups). */
export class ProvisioningUserDto {
  @ApiProperty({
    description: 'The permanent identifier (the directory GUID); usernames may change, this may not',
    example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  })
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  uuid: string;

  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() user_id?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() username?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() first_name?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() last_name?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() full_name?: string;
  @ApiPropertyOptional({ description: 'Accepted for compatibility; passwords are never stored' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  password_format?: string;
  @ApiPropertyOptional({ description: 'Accepted for compatibility; passwords are never stored' }) @IsOptional() @MaxLength(4096) @IsString() password?: string;
  @ApiPropertyOptional() @IsOptional() @MaxLength(1024) @IsString() email?: string;
  @ApiPropertyOptional({ description: 'Extension: the entry DN' }) @IsOptional() @MaxLength(4096) @IsString() dn?: string;
  @ApiPropertyOptional({ description: 'Extension: the userPrincipalName' }) @IsOptional() @MaxLength(1024) @IsString() upn?: string;
  @ApiPropertyOptional({ description: 'Extension: group names or DNs, nested membership already resolved', type: [String] })
  @IsOptional()
  @MaxLength(4096, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(10_000)
  @IsArray()
  groups?: string[];
}
