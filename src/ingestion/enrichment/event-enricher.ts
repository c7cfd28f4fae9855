import { DiscoveryService } from '@nestjs/core';
import type { AuditEventDraft } from '../audit-event';

/** What the service knows about the request an event arrived in. */
export interface IngestContext {
  readonly requestId: string;
  /** The client address after X-Forwarded-For unwrapping as far as TRUST_PROXY allows. */
  readonly clientIp: string;
  /** Epoch milliseconds the request was accepted. */
  readonly receivedAt: number;
}

/**
 * One step of the enrichment pipeline between validation and the batch writer.
 * Implementations may be synchronous; returning a promise is allowed but costs a microtask per event.
 * An enricher must not throw for a valid event: ingestion never refuses an event because enrichment failed.
 */
export interface EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void | Promise<void>;
}

export interface EventEnricherOptions {
  /** Lower runs first. Built-ins use 0-99; the identity enricher uses 500. */
  order: number;
}

/**
 * Marks a provider as an enricher. Any module contributes one by declaring the decorated class
 * among its providers; the pipeline discovers it at start-up.
 */
export const AuditEventEnricher = DiscoveryService.createDecorator<EventEnricherOptions>();
