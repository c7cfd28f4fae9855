import { createHash } from 'node:crypto';
import { EVENT_COLUMNS } from '../ingestion/event-store/audit-event-store';

/**
 * The columns a seal covers: everything an event was stored with, except what the service fills in
 * later on purpose (the identity columns, resolved after the fact for events stored `pending`).
 */
export const SEALED_COLUMNS = EVENT_COLUMNS.filter(
  (c) => !['actor_guid', 'actor_username', 'actor_email', 'actor_dn', 'identity_status'].includes(c),
);

const BOOLEAN_COLUMNS = new Set(['is_failure', 'is_anonymous']);
const INTEGER_COLUMNS = new Set(['seq', 'created_at', 'received_at']);

/** The first seal of a project links to this. */
export const GENESIS = '0'.repeat(64);

const KIND = SEALED_COLUMNS.map((c) => (BOOLEAN_COLUMNS.has(c) ? 'boolean' : INTEGER_COLUMNS.has(c) ? 'integer' : 'text'));

/**
 * One stored event's digest, from the values of SEALED_COLUMNS in order as the driver returns them
 * (bigint as text or number, booleans as true/false or 1/0), normalised to the same bytes.
 */
export function valuesDigest(values: readonly unknown[]): string {
  const normalised = values.map((value, i) => {
    if (value === null || value === undefined) return null;
    return KIND[i] === 'boolean' ? Boolean(Number(value)) : String(value);
  });
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex');
}

/** The digest of a run of events, in sequence order. */
export function eventsDigest(digests: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const digest of digests) hash.update(`${digest}\n`);
  return hash.digest('hex');
}

/** A seal: what it covers, bound to the seal before it. */
export function sealHash(previous: string, projectId: string, seqFrom: number, seqTo: number, digest: string): string {
  return createHash('sha256').update(`${previous}\n${projectId}\n${seqFrom}\n${seqTo}\n${digest}`).digest('hex');
}
