import type { AuditEventDraft } from '../event-store/audit-event';
import type { PublisherEventDto } from './dto/publisher-event.dto';

/** A validated Retraced event as a draft of the given project. */
export function publisherDraft(dto: PublisherEventDto, projectId: string, id: string): AuditEventDraft {
  return {
    id,
    projectId,
    sourceApi: 'publisher',
    action: dto.action,
    crud: dto.crud,
    description: dto.description,
    group: dto.group && { id: dto.group.id, name: dto.group.name },
    actor: dto.actor && { id: dto.actor.id, name: dto.actor.name, href: dto.actor.href, fields: dto.actor.fields },
    target: dto.target && { id: dto.target.id, name: dto.target.name, type: dto.target.type, href: dto.target.href, fields: dto.target.fields },
    sourceIp: dto.source_ip,
    isFailure: dto.is_failure ?? false,
    isAnonymous: dto.is_anonymous ?? false,
    fields: dto.fields,
    metadata: dto.metadata,
    created: dto.created === undefined ? undefined : Date.parse(dto.created),
    component: dto.component,
    version: dto.version,
    externalId: dto.external_id,
    identity: { status: 'unknown' },
  };
}
