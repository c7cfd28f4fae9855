import { createHash } from 'node:crypto';
import type { AuditEventDraft } from './audit-event';

/** JSON with object keys sorted, so equal content always serialises the same way. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 of what the client sent (before enrichment), so a retry with the same external_id can be
 * told apart from a reuse of that external_id for different content.
 */
export function contentDigest(draft: AuditEventDraft): string {
  const { id: _id, received: _received, identity: _identity, hash: _hash, contentDigest: _digest, sourceApi: _api, ...content } = draft;
  return createHash('sha256').update(stableJson(content)).digest('hex');
}
