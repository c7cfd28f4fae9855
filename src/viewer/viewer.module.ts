import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { QueryModule } from '../query/query.module';
import { EnterpriseController } from './enterprise.controller';
import { EnterpriseSearchService } from './enterprise-search.service';
import { EnterpriseTokenService } from './enterprise-token.service';
import { installViewerCors } from './viewer-cors';
import { VIEWER_ENTITIES } from './viewer.entities';
import { EnterpriseTokenAuthenticator, ViewerSessionAuthenticator } from './viewer.authenticators';
import { ViewerController } from './viewer.controller';
import { ViewerExportService } from './viewer-export.service';
import { ViewerSessionService } from './viewer-session.service';
import { ViewerTokenController } from './viewer-token.controller';

/**
 * Retraced's embedded viewer: viewer tokens and sessions, the viewer API the official widget calls,
 * saved exports, and the groups' enterprise tokens (with the credential kinds they bring).
 */
@Module({
  imports: [TypeOrmModule.forFeature(VIEWER_ENTITIES), QueryModule, AuditTrailModule],
  controllers: [ViewerController, ViewerTokenController, EnterpriseController],
  providers: [
    ViewerSessionService,
    ViewerExportService,
    EnterpriseTokenService,
    EnterpriseSearchService,
    ViewerSessionAuthenticator,
    EnterpriseTokenAuthenticator,
  ],
  exports: [EnterpriseTokenService],
})
export class ViewerModule implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    installViewerCors(this.adapter.httpAdapter.getInstance(), this.config.viewer);
  }
}
