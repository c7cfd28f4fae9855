import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleSessionAuthenticator } from './console.authenticator';
import { ConsoleSessionController } from './console-session.controller';
import { ConsoleSessionEntity } from './console-session.entity';
import { ConsoleSessionService } from './console-session.service';

/**
 * The admins' web console: its built pages at /console, and signing in and out (a session cookie
 * the authorization guard accepts for reads). The console reads through the same endpoints as any
 * client, under the same policy.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsoleSessionEntity]), AuditTrailModule, TenancyModule],
  controllers: [ConsoleSessionController, ConsoleAssetsController],
  providers: [ConsoleSessionService, ConsoleSessionAuthenticator],
})
export class ConsoleModule {}
