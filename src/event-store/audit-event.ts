export type Crud = 'c' | 'r' | 'u' | 'd';
export type IdentityStatus = 'resolved' | 'pending' | 'unknown';
/** Which API an event came in through. */
export type SourceApi = 'audit-api' | 'publisher' | 'read-audit' | 'admin-audit';

export interface EventActor {
  id: string;
  name?: string;
  href?: string;
  fields?: Record<string, string>;
}

export interface EventTarget {
  id: string;
  name?: string;
  type?: string;
  href?: string;
  fields?: Record<string, string>;
}

export interface EventGroup {
  id: string;
  name?: string;
}

/** What the identity enricher learns about the actor; kept as it was when the event happened. */
export interface ActorIdentity {
  status: IdentityStatus;
  guid?: string;
  username?: string;
  email?: string;
  dn?: string;
}

/**
 * An accepted event on its way to the database. Enrichers fill in and adjust it;
 * the batch writer assigns `seq` inside the committing transaction.
 */
export interface AuditEventDraft {
  id: string;
  projectId: string;
  sourceApi: SourceApi;
  action: string;
  crud?: Crud;
  name?: string;
  title?: string;
  description?: string;
  group?: EventGroup;
  actor?: EventActor;
  target?: EventTarget;
  sourceIp?: string;
  isFailure: boolean;
  isAnonymous: boolean;
  fields?: Record<string, string>;
  metadata?: Record<string, string>;
  /** Epoch milliseconds the client says the event happened; defaults to `received`. */
  created?: number;
  /** Epoch milliseconds the service accepted the event. */
  received?: number;
  component?: string;
  version?: string;
  externalId?: string;
  /** Digest of what the client sent (idempotency-digest.ts), to tell an idempotent retry from a conflicting reuse of external_id. */
  contentDigest?: string;
  /** The same digest in every known version, to compare with an original stored in an older one. */
  contentDigests?: Readonly<Record<string, string>>;
  /** Retraced's event hash over the stored event. */
  hash?: string;
  identity: ActorIdentity;
}

/** A draft after enrichment: every column the event table requires is present. */
export interface CompleteAuditEvent extends AuditEventDraft {
  created: number;
  received: number;
}

/** What the caller learns about a committed event: its id and hash (for a retry, the original's). */
export interface CommittedEvent {
  id: string;
  hash: string | null;
}
