import { Injectable } from '@nestjs/common';
import type { AuditEventDraft } from '../audit-event';
import { AuditEventEnricher, EventEnricher, IngestContext } from './event-enricher';

/**
 * Records where the action came from when the caller did not say: the address behind any
 * trusted proxies (X-Forwarded-For, unwrapped as far as TRUST_PROXY allows), else the peer.
 */
@Injectable()
@AuditEventEnricher({ order: 20 })
export class ClientAddressEnricher implements EventEnricher {
  enrich(event: AuditEventDraft, context: IngestContext): void {
    event.sourceIp ??= normaliseIp(context.clientIp);
  }
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is stored as `1.2.3.4`. */
export function normaliseIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
