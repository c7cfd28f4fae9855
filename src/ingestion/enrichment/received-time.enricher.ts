import { Injectable } from '@nestjs/common';
import type { AuditEventDraft } from '../../event-store/audit-event';
import { AuditEventEnricher, EventEnricher, IngestContext } from './event-enricher';

/** Stamps the time the service accepted the event; `created` defaults to it. */
@Injectable()
@AuditEventEnricher({ order: 10, builtIn: 'received-time' })
export class ReceivedTimeEnricher implements EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void {
    event.received = context.receivedAt;
    event.created ??= context.receivedAt;
  }
}
