import type { AuditEventEntity } from '../event-store/audit-event.entity';

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
