import type { CompleteAuditEvent } from '../../src/event-store/audit-event';

let next = 0;

/**
 * An event as the event store receives it (enriched, ready to commit), with the least every event
 * has; `parts` fill in or override the rest. Ids are unique and time-ordered within a run.
 */
export function completeEvent(parts: Partial<CompleteAuditEvent> = {}): CompleteAuditEvent {
  next += 1;
  return {
    id: `0000${Date.now().toString(16)}${String(next).padStart(8, '0')}`.slice(-24),
    projectId: 'default',
    sourceApi: 'publisher',
    action: 'document.read',
    isFailure: false,
    isAnonymous: false,
    created: 1_767_225_600_000 + next,
    received: 1_767_225_600_000 + next,
    identity: { status: 'unknown' },
    ...parts,
  };
}
