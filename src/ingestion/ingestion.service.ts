import { Injectable } from '@nestjs/common';
import type { AuditEventDraft, CommittedEvent } from '../event-store/audit-event';
import { BatchWriter } from './batch-writer.service';
import { idempotencyDigests } from './idempotency-digest';
import { EnrichmentPipeline } from './enrichment/enrichment-pipeline.service';
import type { IngestContext } from './enrichment/event-enricher';

/** Validated drafts → enrichment pipeline → group-committing writer. */
@Injectable()
export class IngestionService {
  constructor(
    private readonly pipeline: EnrichmentPipeline,
    private readonly writer: BatchWriter,
  ) {}

  /** Resolves once all the events are durably committed, atomically, with their ids and hashes. */
  async ingest(drafts: AuditEventDraft[], context: IngestContext): Promise<CommittedEvent[]> {
    for (const draft of drafts) {
      if (draft.externalId === undefined) continue;
      const digests = idempotencyDigests(draft);
      draft.contentDigest = digests.current;
      draft.contentDigests = digests.byVersion;
    }
    const events = await this.pipeline.enrich(drafts, context);
    return this.writer.submit(events);
  }
}
