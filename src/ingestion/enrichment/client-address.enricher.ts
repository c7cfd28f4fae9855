import { Injectable } from '@nestjs/common';
import type { AuditEventDraft } from '../../event-store/audit-event';
import { AuditEventEnricher, EventEnricher, IngestContext } from './event-enricher';

/**
 * Audit API events: records where the action came from when the caller did not say, the address
 * behind any trusted proxies (X-Forwarded-For, unwrapped as far as TRUST_PROXY allows), else the
 * peer. Publisher (Retraced) events are left alone: there the peer is the application server, not
 * the person, and the client's hash covers source_ip as it was sent.
 */
@Injectable()
@AuditEventEnricher({ order: 20, builtIn: 'client-address' })
export class ClientAddressEnricher implements EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void {
    if (event.sourceApi === 'audit-api') event.sourceIp ??= normaliseIp(context.clientIp);
  }
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is stored as `1.2.3.4`. */
export function normaliseIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
