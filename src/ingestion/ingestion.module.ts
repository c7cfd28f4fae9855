import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditApiController } from './audit-api.controller';
import { BatchWriter } from './batch-writer.service';
import { ClientAddressEnricher } from './enrichment/client-address.enricher';
import { EnrichmentPipeline } from './enrichment/enrichment-pipeline.service';
import { EventHashEnricher } from './enrichment/event-hash.enricher';
import { ReceivedTimeEnricher } from './enrichment/received-time.enricher';
import { IngestionMetrics } from './ingestion.metrics';
import { IngestionService } from './ingestion.service';

/** Accepts events, enriches them, and commits them in groups. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditApiController],
  providers: [BatchWriter, EnrichmentPipeline, IngestionMetrics, IngestionService, ReceivedTimeEnricher, ClientAddressEnricher, EventHashEnricher],
  exports: [IngestionService],
})
export class IngestionModule {}
