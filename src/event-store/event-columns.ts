import type { CompleteAuditEvent } from './audit-event';

/** The event table's columns in insert order; `eventRow` yields values in the same order. */
export const EVENT_COLUMNS = [
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
  'actor_guid',
  'actor_username',
  'actor_email',
  'actor_dn',
  'identity_status',
  'actor_fields',
  'target_fields',
  'content_digest',
] as const;

/**
 * An event as its table row, keyed by column (all but `seq`, which the store assigns); `undefined`
 * where the column is NULL. One object literal, so every row has the same shape (cheap to build
 * and to serialise).
 */
export function eventRecord(e: CompleteAuditEvent) {
  return {
    id: e.id,
    project_id: e.projectId,
    source_api: e.sourceApi,
    action: e.action,
    crud: e.crud,
    name: e.name,
    title: e.title,
    description: e.description,
    group_id: e.group?.id,
    group_name: e.group?.name,
    actor_id: e.actor?.id,
    actor_name: e.actor?.name,
    actor_href: e.actor?.href,
    target_id: e.target?.id,
    target_name: e.target?.name,
    target_type: e.target?.type,
    target_href: e.target?.href,
    source_ip: e.sourceIp,
    is_failure: e.isFailure,
    is_anonymous: e.isAnonymous,
    fields: json(e.fields),
    metadata: json(e.metadata),
    created_at: e.created,
    received_at: e.received,
    component: e.component,
    version: e.version,
    external_id: e.externalId,
    hash: e.hash,
    actor_guid: e.identity.guid,
    actor_username: e.identity.username,
    actor_email: e.identity.email,
    actor_dn: e.identity.dn,
    identity_status: e.identity.status,
    actor_fields: json(e.actor?.fields),
    target_fields: json(e.target?.fields),
    content_digest: e.contentDigest,
  };
}

export type EventRecord = ReturnType<typeof eventRecord>;
// Every column but seq is in the record, and nothing else.
const RECORD_MATCHES_COLUMNS: [Exclude<(typeof EVENT_COLUMNS)[number], 'seq'>] extends [keyof EventRecord]
  ? [keyof EventRecord] extends [(typeof EVENT_COLUMNS)[number]]
    ? true
    : never
  : never = true;
void RECORD_MATCHES_COLUMNS;

/**
 * Appends the row's values to `values` in EVENT_COLUMNS order, NULL as null, booleans as 1 and 0
 * (positional parameters of a multi-row INSERT). Written out rather than read from `eventRecord`:
 * no record object and no lookup by column name per value (a 1,000-event batch spent 2.5 µs per
 * event there). `event-columns.spec.ts` holds it to `eventRecord`, column by column.
 */
export function appendEventRow(values: unknown[], e: CompleteAuditEvent, seq: number): void {
  const { group, actor, target, identity } = e;
  values.push(
    e.id,
    e.projectId,
    seq,
    e.sourceApi,
    e.action,
    e.crud ?? null,
    e.name ?? null,
    e.title ?? null,
    e.description ?? null,
    group?.id ?? null,
    group?.name ?? null,
    actor?.id ?? null,
    actor?.name ?? null,
    actor?.href ?? null,
    target?.id ?? null,
    target?.name ?? null,
    target?.type ?? null,
    target?.href ?? null,
    e.sourceIp ?? null,
    e.isFailure ? 1 : 0,
    e.isAnonymous ? 1 : 0,
    json(e.fields) ?? null,
    json(e.metadata) ?? null,
    e.created,
    e.received,
    e.component ?? null,
    e.version ?? null,
    e.externalId ?? null,
    e.hash ?? null,
    identity.guid ?? null,
    identity.username ?? null,
    identity.email ?? null,
    identity.dn ?? null,
    identity.status,
    json(actor?.fields) ?? null,
    json(target?.fields) ?? null,
    e.contentDigest ?? null,
  );
}

/** The columns free text searches, as stored (`fields` as its JSON text). */
export const SEARCHABLE_COLUMNS = [
  'action',
  'description',
  'actor_id',
  'actor_name',
  'target_id',
  'target_name',
  'target_type',
  'group_name',
  'fields',
] as const;

/** The searchable values of a row (an event's record, or a stored row read back), in SEARCHABLE_COLUMNS order. */
export function searchableValues(row: Partial<Record<(typeof SEARCHABLE_COLUMNS)[number], string | null | undefined>>): Array<string | null | undefined> {
  return SEARCHABLE_COLUMNS.map((column) => row[column]);
}

function json(value: Record<string, string> | undefined): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** How many events of each project a batch holds, in first-seen order. */
export function countByProject(events: CompleteAuditEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.projectId, (counts.get(event.projectId) ?? 0) + 1);
  return counts;
}

/**
 * How many events of a batch fall in each (project, group, crud, source API), for audit_group_counts;
 * events without a group are not counted there. A missing crud is counted as ''.
 */
export function groupCounts(events: CompleteAuditEvent[]): Map<string, { key: [string, string, string, string]; events: number }> {
  const counts = new Map<string, { key: [string, string, string, string]; events: number }>();
  for (const event of events) {
    if (event.group?.id === undefined) continue;
    const key: [string, string, string, string] = [event.projectId, event.group.id, event.crud ?? '', event.sourceApi];
    // NUL never reaches the store (refused at the door), so it separates the parts unambiguously.
    const name = key.join('\0');
    const entry = counts.get(name);
    if (entry) entry.events++;
    else counts.set(name, { key, events: 1 });
  }
  return counts;
}
