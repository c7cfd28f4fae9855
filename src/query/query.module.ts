import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DisplayTemplateEntity } from './display/display-template.entity';
import { DisplayTemplateService } from './display/display-template.service';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { IntegrityModule } from '../integrity/integrity.module';
import { EventDetailService } from './event-detail.service';
import { EventsController } from './events.controller';
import { EventExportService } from './export/event-export.service';
import { RetracedGraphqlController } from './graphql/retraced-graphql.controller';
import { RetracedGraphqlService } from './graphql/retraced-graphql.service';
import { QueryService } from './query.service';
import { ReadAuditService } from './read-audit.service';

/** Reading events back: the REST listing, exports and the Retraced search, on one query object and one reader. */
@Module({
  imports: [TypeOrmModule.forFeature([DisplayTemplateEntity]), AuditTrailModule, IntegrityModule],
  controllers: [EventsController, RetracedGraphqlController],
  providers: [QueryService, EventExportService, ReadAuditService, RetracedGraphqlService, DisplayTemplateService, EventDetailService],
  exports: [QueryService, RetracedGraphqlService, ReadAuditService, EventExportService, DisplayTemplateService],
})
export class QueryModule {}
