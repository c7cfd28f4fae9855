import type { AuditEventEntity } from '../event-store/audit-event.entity';
import type { LineFormat, LineValue } from '../event-store/event-search-dialect';

/** The JSON shape of a stored event in every read API. */
export interface AuditEventView {
  id: string;
  project_id: string;
  seq: number;
  action: string;
  crud: string | null;
  name: string | null;
  title: string | null;
  description: string | null;
  actor: {
    id: string;
    name: string | null;
    href: string | null;
    fields: Record<string, string> | null;
    guid: string | null;
    username: string | null;
    email: string | null;
    dn: string | null;
  } | null;
  target: { id: string; name: string | null; type: string | null; href: string | null; fields: Record<string, string> | null } | null;
  group: { id: string; name: string | null } | null;
  source_ip: string | null;
  is_failure: boolean;
  is_anonymous: boolean;
  fields: Record<string, string> | null;
  metadata: Record<string, string> | null;
  created: string;
  received: string;
  component: string | null;
  version: string | null;
  external_id: string | null;
  hash: string | null;
  identity_status: string;
  source_api: string;
}

export function toEventView(e: AuditEventEntity): AuditEventView {
  return {
    id: e.id,
    project_id: e.projectId,
    seq: e.seq,
    action: e.action,
    crud: e.crud,
    name: e.name,
    title: e.title,
    description: e.description,
    actor:
      e.actorId === null
        ? null
        : {
            id: e.actorId,
            name: e.actorName,
            href: e.actorHref,
            fields: e.actorFields,
            guid: e.actorGuid,
            username: e.actorUsername,
            email: e.actorEmail,
            dn: e.actorDn,
          },
    target: e.targetId === null ? null : { id: e.targetId, name: e.targetName, type: e.targetType, href: e.targetHref, fields: e.targetFields },
    group: e.groupId === null ? null : { id: e.groupId, name: e.groupName },
    source_ip: e.sourceIp,
    is_failure: Boolean(e.isFailure),
    is_anonymous: Boolean(e.isAnonymous),
    fields: e.fields,
    metadata: e.metadata,
    created: new Date(e.createdAt).toISOString(),
    received: new Date(e.receivedAt).toISOString(),
    component: e.component,
    version: e.version,
    external_id: e.externalId,
    hash: e.hash,
    identity_status: e.identityStatus,
    source_api: e.sourceApi,
  };
}

const text = (column: string, unless?: string): LineValue => ({ text: column, unless });
const json = (column: string, unless?: string): LineValue => ({ json: column, unless });

/**
 * `JSON.stringify(toEventView(row))` as the database renders it for exports (EventSearchDialect
 * .renderedLines): the same keys in the same order. test/export-lines.e2e-spec.ts checks the bytes.
 */
export const EVENT_VIEW_LINE: LineFormat = {
  ndjson: [
    ['id', text('id')],
    ['project_id', text('project_id')],
    ['seq', { integer: 'seq' }],
    ['action', text('action')],
    ['crud', text('crud')],
    ['name', text('name')],
    ['title', text('title')],
    ['description', text('description')],
    [
      'actor',
      {
        unless: 'actor_id',
        object: [
          ['id', text('actor_id')],
          ['name', text('actor_name')],
          ['href', text('actor_href')],
          ['fields', json('actor_fields')],
          ['guid', text('actor_guid')],
          ['username', text('actor_username')],
          ['email', text('actor_email')],
          ['dn', text('actor_dn')],
        ],
      },
    ],
    [
      'target',
      {
        unless: 'target_id',
        object: [
          ['id', text('target_id')],
          ['name', text('target_name')],
          ['type', text('target_type')],
          ['href', text('target_href')],
          ['fields', json('target_fields')],
        ],
      },
    ],
    [
      'group',
      {
        unless: 'group_id',
        object: [
          ['id', text('group_id')],
          ['name', text('group_name')],
        ],
      },
    ],
    ['source_ip', text('source_ip')],
    ['is_failure', { boolean: 'is_failure' }],
    ['is_anonymous', { boolean: 'is_anonymous' }],
    ['fields', json('fields')],
    ['metadata', json('metadata')],
    ['created', { time: 'created_at' }],
    ['received', { time: 'received_at' }],
    ['component', text('component')],
    ['version', text('version')],
    ['external_id', text('external_id')],
    ['hash', text('hash')],
    ['identity_status', text('identity_status')],
    ['source_api', text('source_api')],
  ],
};
