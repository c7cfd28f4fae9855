import { hash } from 'node:crypto';
import type { AuditEventDraft } from '../event-store/audit-event';

/** JSON with object keys sorted, so equal content always serialises the same way. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

const pick = <T extends object>(value: T | undefined, keys: readonly (keyof T)[]) =>
  value === undefined ? undefined : Object.fromEntries(keys.map((k) => [k, value[k]]));

/**
 * v1, the first idempotency digest: SHA-256 of the stable JSON of exactly these parts of what the
 * client sent (before enrichment), named here once and for all, so a property added to the draft
 * later never changes the digest of an honest retry of an event stored before. Stored bare (hex).
 */
function projectionV1(d: AuditEventDraft): Record<string, unknown> {
  return {
    projectId: d.projectId,
    action: d.action,
    crud: d.crud,
    name: d.name,
    title: d.title,
    description: d.description,
    group: pick(d.group, ['id', 'name']),
    actor: pick(d.actor, ['id', 'name', 'href', 'fields']),
    target: pick(d.target, ['id', 'name', 'type', 'href', 'fields']),
    sourceIp: d.sourceIp,
    isFailure: d.isFailure,
    isAnonymous: d.isAnonymous,
    fields: d.fields,
    metadata: d.metadata,
    created: d.created,
    component: d.component,
    version: d.version,
    externalId: d.externalId,
  };
}

/**
 * The digest versions, oldest first. A later version is stored as `<version>:<hex>`; a retry is
 * compared in the version its original was stored with, so changing what is digested never turns
 * a retry of an older event into a 409.
 */
const VERSIONS: Readonly<Record<string, (draft: AuditEventDraft) => string>> = {
  v1: (draft) => hash('sha256', stableJson(projectionV1(draft)), 'hex'),
};
const CURRENT = 'v1';

/** The version a stored digest was made with (bare hex: v1). */
function versionOf(stored: string): string {
  const colon = stored.indexOf(':');
  return colon < 0 ? 'v1' : stored.slice(0, colon);
}

/** The draft's digest in every known version, as each would be stored; computed before enrichment. */
export function idempotencyDigests(draft: AuditEventDraft): { current: string; byVersion: Record<string, string> } {
  const byVersion: Record<string, string> = {};
  for (const [version, digest] of Object.entries(VERSIONS)) byVersion[version] = version === 'v1' ? digest(draft) : `${version}:${digest(draft)}`;
  return { current: byVersion[CURRENT], byVersion };
}

/** Whether an event carries the same content as the stored digest of the event that first used its external_id. */
export function sameContent(stored: string | null, event: Pick<AuditEventDraft, 'contentDigest' | 'contentDigests'>): boolean {
  if (stored === null) return event.contentDigest === undefined;
  return (event.contentDigests?.[versionOf(stored)] ?? event.contentDigest) === stored;
}
