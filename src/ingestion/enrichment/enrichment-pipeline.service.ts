import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { AuditEventDraft, CompleteAuditEvent } from '../audit-event';
import { AuditEventEnricher, EventEnricher, IngestContext } from './event-enricher';

/** Runs every discovered enricher over each event, in ascending order. */
@Injectable()
export class EnrichmentPipeline implements OnModuleInit {
  private readonly logger = new Logger(EnrichmentPipeline.name);
  private enrichers: { name: string; order: number; enricher: EventEnricher }[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.enrichers = this.discovery
      .getProviders({ metadataKey: AuditEventEnricher.KEY })
      .filter((wrapper) => wrapper.instance && typeof wrapper.instance.enrich === 'function')
      .map((wrapper) => ({
        name: wrapper.name as string,
        order: this.discovery.getMetadataByDecorator(AuditEventEnricher, wrapper)?.order ?? 1000,
        enricher: wrapper.instance as EventEnricher,
      }))
      .sort((a, b) => a.order - b.order);
    this.logger.log({ msg: 'enrichment pipeline ready', enrichers: this.enrichers.map((e) => `${e.order}:${e.name}`) });
  }

  /** The names of the enrichers in the order they run. */
  get order(): string[] {
    return this.enrichers.map((e) => e.name);
  }

  async enrich(events: AuditEventDraft[], context: IngestContext): Promise<CompleteAuditEvent[]> {
    for (const { enricher } of this.enrichers) {
      // The events of one request are enriched concurrently (a bulk request's live lookups overlap);
      // each enricher finishes before the next starts.
      let pending: Promise<void>[] | undefined;
      for (const event of events) {
        const result = enricher.enrich(event, context);
        if (result) (pending ??= []).push(result);
      }
      if (pending) await Promise.all(pending);
    }
    for (const event of events) {
      if (event.received === undefined || event.created === undefined) {
        throw new Error('enrichment left an event without received/created time');
      }
    }
    return events as CompleteAuditEvent[];
  }
}
