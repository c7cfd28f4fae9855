import { NotFoundException } from '@nestjs/common';
import type { CompleteAuditEvent } from '../audit-event';
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

/** The event table's columns in insert order; `eventRow` yields values in the same order. */
export const EVENT_COLUMNS = [
  'id', 'project_id', 'seq', 'source_api', 'action', 'crud', 'name', 'title', 'description',
  'group_id', 'group_name', 'actor_id', 'actor_name', 'actor_href',
  'target_id', 'target_name', 'target_type', 'target_href', 'source_ip', 'is_failure', 'is_anonymous',
  'fields', 'metadata', 'created_at', 'received_at', 'component', 'version', 'external_id', 'hash',
  'actor_guid', 'actor_username', 'actor_email', 'actor_dn', 'identity_status',
  'actor_fields', 'target_fields', 'content_digest',
] as const;

export function eventRow(e: CompleteAuditEvent, seq: number): unknown[] {
  return [
    e.id, e.projectId, seq, e.sourceApi, e.action, e.crud ?? null, e.name ?? null, e.title ?? null, e.description ?? null,
    e.group?.id ?? null, e.group?.name ?? null, e.actor?.id ?? null, e.actor?.name ?? null, e.actor?.href ?? null,
    e.target?.id ?? null, e.target?.name ?? null, e.target?.type ?? null, e.target?.href ?? null,
    e.sourceIp ?? null, e.isFailure, e.isAnonymous,
    json(e.fields), json(e.metadata),
    e.created, e.received, e.component ?? null, e.version ?? null, e.externalId ?? null, e.hash ?? null,
    e.identity.guid ?? null, e.identity.username ?? null, e.identity.email ?? null, e.identity.dn ?? null, e.identity.status,
    json(e.actor?.fields), json(e.target?.fields), e.contentDigest ?? null,
  ];
}

/** What free text searches in an event, as stored (`fields` as its JSON text, which the caller may already hold). */
export function searchableParts(e: CompleteAuditEvent, fieldsJson: string | null = json(e.fields)): Array<string | null | undefined> {
  return [e.action, e.description, e.actor?.id, e.actor?.name, e.target?.id, e.target?.name, e.target?.type, e.group?.name, fieldsJson];
}

function json(value: Record<string, string> | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** How many events of each project a batch holds, in first-seen order. */
export function countByProject(events: CompleteAuditEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.projectId, (counts.get(event.projectId) ?? 0) + 1);
  return counts;
}

/** Raised when a batch names a project that does not exist. */
export class UnknownProjectError extends NotFoundException {
  constructor(readonly projectId: string) {
    super(`project ${projectId} does not exist`);
  }
}
