import { NotFoundException } from '@nestjs/common';
import type { CompleteAuditEvent } from './audit-event';
import type { UnitOutcome } from './idempotency-plan';

/**
 * Writes batches of events in one transaction, per database dialect. A batch is a list of units
 * (one request's events each); a unit is stored whole or not at all, and idempotent retries are
 * answered from what is stored (see planBatch). The store assigns per-project sequence numbers
 * inside the transaction.
 */
export interface AuditEventStore {
  /** How many batches may be committing at once (1 for a synchronous, single-writer store). */
  readonly maxConcurrentCommits: number;
  commit(units: CompleteAuditEvent[][]): Promise<UnitOutcome[]>;
}

export const AUDIT_EVENT_STORE = Symbol('AUDIT_EVENT_STORE');

/** Raised when a batch names a project that does not exist. */
export class UnknownProjectError extends NotFoundException {
  constructor(readonly projectId: string) {
    super(`project ${projectId} does not exist`);
  }
}
