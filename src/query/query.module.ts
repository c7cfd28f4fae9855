import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from '../ingestion/audit-event.entity';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AuditEventReader } from './audit-event.reader';
import { EventsController } from './events.controller';
import { RetracedGraphqlController } from './graphql/retraced-graphql.controller';
import { QueryService } from './query.service';

/** Reading events back: the REST listing now, search and exports on the same query object. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity]), TenancyModule],
  controllers: [EventsController, RetracedGraphqlController],
  providers: [AuditEventReader, QueryService],
  exports: [QueryService],
})
export class QueryModule {}
