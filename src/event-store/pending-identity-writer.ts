import type { ActorIdentity } from './audit-event';

/**
 * Events stored `pending` (the directory could not be asked in time) and the one change the log
 * allows after a commit: their identity columns, once the directory answers.
 */
export interface PendingIdentityWriter {
  /** Up to `limit` pending events after `afterId` (ids are time-ordered), oldest first. */
  next(limit: number, afterId?: string): Promise<{ id: string; actorId: string | null }[]>;
  /** Sets the identity of those of `ids` still pending; returns how many changed. */
  resolve(ids: string[], identity: ActorIdentity): Promise<number>;
}

export const PENDING_IDENTITY_WRITER = Symbol('PENDING_IDENTITY_WRITER');
