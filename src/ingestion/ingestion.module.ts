import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditApiController } from './audit-api.controller';
import { BatchWriter } from './batch-writer.service';
import { ClientAddressEnricher } from './enrichment/client-address.enricher';
import { EnrichmentPipeline } from './enrichment/enrichment-pipeline.service';
import { EventHashEnricher } from './enrichment/event-hash.enricher';
import { ReceivedTimeEnricher } from './enrichment/received-time.enricher';
import { AUDIT_EVENT_STORE, AuditEventStore } from './event-store/audit-event-store';
import { PostgresAuditEventStore } from './event-store/postgres-audit-event-store';
import { SqliteAuditEventStore } from './event-store/sqlite-audit-event-store';
import { IngestionMetrics } from './ingestion.metrics';
import { IngestionService } from './ingestion.service';

/** Event stores by TypeORM driver type; a module may override AUDIT_EVENT_STORE for another database. */
const STORES: Record<string, new (dataSource: DataSource) => AuditEventStore> = {
  'better-sqlite3': SqliteAuditEventStore,
  postgres: PostgresAuditEventStore,
};

/** Accepts events, enriches them, and commits them in groups. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditApiController],
  providers: [
    {
      provide: AUDIT_EVENT_STORE,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource): AuditEventStore => {
        const Store = STORES[dataSource.options.type];
        if (!Store) throw new Error(`no audit event store for database type ${dataSource.options.type}`);
        return new Store(dataSource);
      },
    },
    BatchWriter,
    EnrichmentPipeline,
    IngestionMetrics,
    IngestionService,
    ReceivedTimeEnricher,
    ClientAddressEnricher,
    EventHashEnricher,
  ],
  exports: [IngestionService],
})
export class IngestionModule {}
