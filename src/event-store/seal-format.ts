import { createHash } from 'node:crypto';

/**
 * How a seal reads an event: which columns, in which order, encoded how. A format is frozen the day
 * it is first used — its column list is written out here, never derived from the events table —
 * and every seal stores the format it was made with, so adding a column to the table (or changing
 * what new seals cover, as a new format) leaves every existing seal verifying as it was made.
 */
export interface SealFormat {
  readonly version: string;
  /** The columns, in order. */
  readonly columns: readonly string[];
  readonly booleanColumns: ReadonlySet<string>;
  readonly integerColumns: ReadonlySet<string>;
}

/**
 * v1, the first seals: everything an event was stored with except the identity columns the service
 * fills in later on purpose (events stored `pending` are resolved after the fact). Per database the
 * bytes are: PostgreSQL, SHA-256 of `json_build_array(<columns>)::text` per row; SQLite (and any
 * store read row by row), SHA-256 of the JSON array of the values, booleans as true/false and
 * integers and text as strings, NULL as null.
 */
export const SEAL_FORMAT_V1: SealFormat = {
  version: 'v1',
  columns: [
    'id',
    'project_id',
    'seq',
    'source_api',
    'action',
    'crud',
    'name',
    'title',
    'description',
    'group_id',
    'group_name',
    'actor_id',
    'actor_name',
    'actor_href',
    'target_id',
    'target_name',
    'target_type',
    'target_href',
    'source_ip',
    'is_failure',
    'is_anonymous',
    'fields',
    'metadata',
    'created_at',
    'received_at',
    'component',
    'version',
    'external_id',
    'hash',
    'actor_fields',
    'target_fields',
    'content_digest',
  ],
  booleanColumns: new Set(['is_failure', 'is_anonymous']),
  integerColumns: new Set(['seq', 'created_at', 'received_at']),
};

/** Every format a seal may carry, by the version stored with it. */
export const SEAL_FORMATS: Readonly<Record<string, SealFormat>> = { v1: SEAL_FORMAT_V1 };

/** What new seals are made with. */
export const CURRENT_SEAL_FORMAT = SEAL_FORMAT_V1;

/** The first seal of a project links to this. */
export const GENESIS = '0'.repeat(64);

/**
 * One stored event's digest, from the values of the format's columns in order as the driver
 * returns them (bigint as text or number, booleans as true/false or 1/0), normalised to the same bytes.
 */
export function valuesDigest(format: SealFormat, values: readonly unknown[]): string {
  const normalised = values.map((value, i) => {
    if (value === null || value === undefined) return null;
    return format.booleanColumns.has(format.columns[i]) ? Boolean(Number(value)) : String(value);
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

/** PostgreSQL computes a range's count and digest where the rows are: each row's columns as JSON text, hashed; the hashes in order, hashed. */
export function postgresRangeDigestSql(format: SealFormat): string {
  return `
SELECT count(*) AS count,
  encode(sha256(convert_to(string_agg(encode(sha256(convert_to(json_build_array(${format.columns.join(', ')})::text, 'UTF8')), 'hex') || E'\\n', '' ORDER BY seq), 'UTF8')), 'hex') AS digest
FROM audit_events WHERE project_id = $1 AND seq >= $2 AND seq <= $3`;
}
