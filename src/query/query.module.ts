import { Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../ingestion/audit-event.entity';
import { DisplayTemplateEntity } from './display/display-template.entity';
import { DisplayTemplateService } from './display/display-template.service';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { IntegrityModule } from '../integrity/integrity.module';
import { EventDetailService } from './event-detail.service';
import { AuditEventReader } from './audit-event.reader';
import { EventsController } from './events.controller';
import { EventExportService } from './export/event-export.service';
import { RetracedGraphqlController } from './graphql/retraced-graphql.controller';
import { RetracedGraphqlService } from './graphql/retraced-graphql.service';
import { QueryService } from './query.service';
import { ReadAuditService } from './read-audit.service';
import { EVENT_SEARCH_DIALECT, EventSearchDialect } from './search-dialect/event-search-dialect';
import { PostgresEventSearch } from './search-dialect/postgres-event-search';
import { SqliteEventSearch } from './search-dialect/sqlite-event-search';

/** Search dialects by TypeORM driver type; a module may provide EVENT_SEARCH_DIALECT for another database. */
const DIALECTS: Record<string, (dataSource: DataSource) => EventSearchDialect> = {
  'better-sqlite3': () => new SqliteEventSearch(),
  postgres: (dataSource) => new PostgresEventSearch(dataSource),
};

/** Reading events back: the REST listing, exports and the Retraced search, on one query object and one reader. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, DisplayTemplateEntity]), AuditTrailModule, IntegrityModule],
  controllers: [EventsController, RetracedGraphqlController],
  providers: [
    {
      provide: EVENT_SEARCH_DIALECT,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): EventSearchDialect => {
        const create = DIALECTS[dataSource.options.type];
        if (!create) throw new Error(`no event search dialect for database type ${dataSource.options.type}`);
        return create(dataSource);
      },
    },
    AuditEventReader,
    QueryService,
    EventExportService,
    ReadAuditService,
    RetracedGraphqlService,
    DisplayTemplateService,
    EventDetailService,
  ],
  exports: [QueryService, RetracedGraphqlService, ReadAuditService, EventExportService, DisplayTemplateService],
})
export class QueryModule {}
