import { Injectable } from '@nestjs/common';
import type { AuditEventDraft } from './audit-event';
import { BatchWriter } from './batch-writer.service';
import { EnrichmentPipeline } from './enrichment/enrichment-pipeline.service';
import type { IngestContext } from './enrichment/event-enricher';

/** Validated drafts → enrichment pipeline → group-committing writer. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly pipeline: EnrichmentPipeline,
    private readonly writer: BatchWriter,
  ) {}

  /** Resolves once all the events are durably committed, atomically. */
  async ingest(drafts: AuditEventDraft[], context: IngestContext): Promise<void> {
    const events = await this.pipeline.enrich(drafts, context);
    await this.writer.submit(events);
  }
}
