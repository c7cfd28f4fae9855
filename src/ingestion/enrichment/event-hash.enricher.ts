import { Injectable } from '@nestjs/common';
import { retracedHash } from '../../retraced/retraced-hash';
import type { AuditEventDraft } from '../audit-event';
import { AuditEventEnricher, EventEnricher } from './event-enricher';

/**
 * Seals each event with Retraced's published hash over its id and content, stored with the event
 * and returned on every read, so clients (and auditors) can verify nothing was altered. Runs last:
 * enrichers after it must not change hashed fields.
 */
@Injectable()
@AuditEventEnricher({ order: 900 })
export class EventHashEnricher implements EventEnricher {
  enrich(event: AuditEventDraft): void {
    event.hash = retracedHash(
      {
        action: event.action,
        group: event.group,
        actor: event.actor,
        target: event.target,
        source_ip: event.sourceIp,
        is_failure: event.isFailure,
        is_anonymous: event.isAnonymous,
        fields: event.fields,
        metadata: event.metadata,
        external_id: event.externalId,
      },
      event.id,
    );
  }
}
