import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdministrationModule } from './administration/administration.module';
import { AuditTrailModule } from './audit-trail/audit-trail.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { EventStoreModule, EventStoreOptions } from './event-store/event-store.module';
import { HealthModule } from './infrastructure/health/health.module';
import { HttpExceptionFilter } from './infrastructure/http/http-exception.filter';
import { MetricsModule } from './infrastructure/metrics/metrics.module';
import { IdentityModule, IdentityModuleOptions } from './identity/identity.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { IntegrityModule } from './integrity/integrity.module';
import { PublisherModule } from './publisher/publisher.module';
import { QueryModule } from './query/query.module';
import { AuthGuard } from './tenancy/authorization/auth.guard';
import { TenancyModule } from './tenancy/tenancy.module';
import { ViewerModule } from './viewer/viewer.module';

@Module({})
export class AppModule {
  /**
   * For a team embedding the service: `options.identity.resolver` swaps the identity resolver,
   * `options.eventStore.dialect` how the event log is stored.
   */
  static forRoot(config: AppConfig, options: { identity?: IdentityModuleOptions; eventStore?: EventStoreOptions } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.database),
        EventStoreModule.forRoot(options.eventStore),
        MetricsModule,
        HealthModule,
        TenancyModule,
        IngestionModule,
        AuditTrailModule,
        AdministrationModule,
        IdentityModule.forRoot(options.identity),
        PublisherModule,
        QueryModule,
        IntegrityModule,
        ViewerModule,
        ConsoleModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        // One gate for every route: a route without an @Authorize or @Public rule is refused.
        { provide: APP_GUARD, useExisting: AuthGuard },
      ],
    };
  }
}
