import { DiscoveryService } from '@nestjs/core';
import type { AuditEventDraft } from '../../event-store/audit-event';

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
 * A contributed enricher that throws, rejects or runs past ENRICHER_BUDGET_MS costs the event
 * nothing but its own contribution: the event is stored without it, the failure recorded on the
 * event (`metadata["enrichment.failed"]`), logged and counted (`audit_enricher_failures_total`).
 */
export interface EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void | Promise<void>;
}

/** The service's own steps, each at a fixed place; the Retraced hash runs after all of them. */
export const BUILT_IN_STEPS = { 'received-time': 10, 'client-address': 20, identity: 500 } as const;
export type BuiltInStep = keyof typeof BUILT_IN_STEPS;

/** Contributed enrichers run after the client address and before the hash: orders in this window. */
export const CONTRIBUTED_ORDERS = { min: 21, max: 899 } as const;

export interface EventEnricherOptions {
  /**
   * Lower runs first. Built-in steps: received time 10, client address 20, identity 500; the
   * Retraced hash runs last, after 899. A contributed enricher takes an order from 21 to 899.
   */
  order: number;
  /** The service's own steps only: which one this is (it then runs at its fixed order, unbudgeted). */
  builtIn?: BuiltInStep;
}

/**
 * Marks a provider as an enricher. Any module contributes one by declaring the decorated class
 * among its providers; the pipeline discovers it at start-up.
 */
export const AuditEventEnricher = DiscoveryService.createDecorator<EventEnricherOptions>();
