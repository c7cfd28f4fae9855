import { Injectable } from '@nestjs/common';
import { retracedHash } from '../../retraced/retraced-hash';
import type { AuditEventDraft } from '../../event-store/audit-event';
import type { EventEnricher } from './event-enricher';

/**
 * Seals each event with Retraced's published hash over its id and content, stored with the event
 * and returned on every read, so clients (and auditors) can verify nothing was altered. Not a
 * discovered enricher: the pipeline runs it itself, after every other step, so nothing can change a
 * hashed field after it.
 */
@Injectable()
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
