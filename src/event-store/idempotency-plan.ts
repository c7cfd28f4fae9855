import { HttpStatus } from '@nestjs/common';
import { InvalidInputException } from '../infrastructure/http/api-error';
import type { CommittedEvent, CompleteAuditEvent } from './audit-event';
import { sameContent } from '../ingestion/idempotency-digest';

/** A stored event that holds an external_id one of the batch's events also carries. */
export interface ExistingExternalId {
  projectId: string;
  externalId: string;
  id: string;
  hash: string | null;
  contentDigest: string | null;
}

export type UnitOutcome = { ok: true; events: CommittedEvent[] } | { ok: false; error: Error };

export interface BatchPlan {
  /** The events to insert, in order. */
  inserts: CompleteAuditEvent[];
  outcomes: UnitOutcome[];
}

const key = (projectId: string, externalId: string) => `${projectId}\u0000${externalId}`;

/** The (project, external_id) pairs a batch carries, by project. */
export function externalIdsByProject(units: CompleteAuditEvent[][]): Map<string, string[]> {
  const byProject = new Map<string, Set<string>>();
  for (const unit of units) {
    for (const event of unit) {
      if (event.externalId === undefined) continue;
      const ids = byProject.get(event.projectId) ?? new Set<string>();
      ids.add(event.externalId);
      byProject.set(event.projectId, ids);
    }
  }
  return new Map([...byProject].map(([projectId, ids]) => [projectId, [...ids]]));
}

/**
 * Decides, per unit, what a batch stores. external_id is unique within a project forever: an event
 * whose external_id is already stored (or earlier in this batch) with the same content is an
 * idempotent retry and answers the original id and hash without storing anything; with different
 * content its whole unit is refused with 409, so a bulk request stays all-or-nothing.
 */
export function planBatch(units: CompleteAuditEvent[][], existing: ExistingExternalId[]): BatchPlan {
  const known = new Map<string, { id: string; hash: string | null; contentDigest: string | null }>();
  for (const row of existing) known.set(key(row.projectId, row.externalId), row);
  const inserts: CompleteAuditEvent[] = [];
  const outcomes: UnitOutcome[] = [];
  for (const unit of units) {
    const accepted = new Map<string, CompleteAuditEvent>();
    const toInsert: CompleteAuditEvent[] = [];
    const committed: CommittedEvent[] = [];
    let conflict: Error | undefined;
    unit.forEach((event, index) => {
      if (conflict) return;
      if (event.externalId === undefined) {
        toInsert.push(event);
        committed.push({ id: event.id, hash: event.hash ?? null });
        return;
      }
      const k = key(event.projectId, event.externalId);
      const original = known.get(k) ?? accepted.get(k);
      if (!original) {
        accepted.set(k, event);
        toInsert.push(event);
        committed.push({ id: event.id, hash: event.hash ?? null });
      } else if (sameContent(original.contentDigest ?? null, event)) {
        committed.push({ id: original.id, hash: original.hash ?? null });
      } else {
        const field = unit.length > 1 ? `events[${index}].external_id` : 'external_id';
        conflict = new InvalidInputException(
          [
            {
              field,
              rule: 'isUniqueExternalId',
              message: `${field} "${event.externalId}" was already used for an event with different content (${original.id})`,
            },
          ],
          HttpStatus.CONFLICT,
        );
      }
    });
    if (conflict) {
      outcomes.push({ ok: false, error: conflict });
      continue;
    }
    for (const [k, event] of accepted) known.set(k, { id: event.id, hash: event.hash ?? null, contentDigest: event.contentDigest ?? null });
    inserts.push(...toInsert);
    outcomes.push({ ok: true, events: committed });
  }
  return { inserts, outcomes };
}
