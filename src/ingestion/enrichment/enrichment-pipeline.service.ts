import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Counter } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { MetricsRegistry } from '../../infrastructure/metrics/metrics.registry';
import type { AuditEventDraft, CompleteAuditEvent } from '../../event-store/audit-event';
import { EventHashEnricher } from './event-hash.enricher';
import { AuditEventEnricher, BUILT_IN_STEPS, BuiltInStep, CONTRIBUTED_ORDERS, EventEnricher, IngestContext } from './event-enricher';

/** Where a contributed enricher's failure is written on the event. */
export const ENRICHMENT_FAILED = 'enrichment.failed';

interface Step {
  name: string;
  order: number;
  enricher: EventEnricher;
  builtIn?: BuiltInStep;
}

/**
 * Runs the enrichment steps over each request's events: the built-in steps at their fixed places
 * (received time 10, client address 20, identity 500), contributed enrichers in the window between
 * (21–899), each within ENRICHER_BUDGET_MS and on a copy of the event, and Retraced's hash last of
 * all. A contributed enricher asking for a place outside its window stops start-up, naming it.
 */
@Injectable()
export class EnrichmentPipeline implements OnModuleInit {
  private readonly logger = new Logger(EnrichmentPipeline.name);
  private steps: Step[] = [];
  private readonly budgetMs: number;
  private readonly failures: Counter<'enricher' | 'reason'>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly hash: EventHashEnricher,
    @Inject(APP_CONFIG) config: AppConfig,
    registry: MetricsRegistry,
  ) {
    this.budgetMs = config.enricherBudgetMs;
    this.failures = registry.counter({
      name: 'audit_enricher_failures_total',
      help: "Events stored without a contributed enricher's contribution, by enricher and reason (error, timeout)",
      labelNames: ['enricher', 'reason'],
    });
  }

  onModuleInit(): void {
    const steps: Step[] = this.discovery
      .getProviders({ metadataKey: AuditEventEnricher.KEY })
      .filter((wrapper) => wrapper.instance && typeof wrapper.instance.enrich === 'function')
      .map((wrapper) => {
        const options = this.discovery.getMetadataByDecorator(AuditEventEnricher, wrapper);
        return {
          name: wrapper.name as string,
          order: options?.order ?? CONTRIBUTED_ORDERS.max,
          builtIn: options?.builtIn,
          enricher: wrapper.instance as EventEnricher,
        };
      });
    for (const step of steps) {
      if (step.builtIn !== undefined) {
        if (BUILT_IN_STEPS[step.builtIn] !== step.order)
          throw new Error(`enricher ${step.name}: the built-in step ${step.builtIn} runs at order ${BUILT_IN_STEPS[step.builtIn]}, not ${step.order}`);
        if (steps.some((other) => other !== step && other.builtIn === step.builtIn))
          throw new Error(`enricher ${step.name}: the built-in step ${step.builtIn} is declared twice`);
      } else if (!(step.order >= CONTRIBUTED_ORDERS.min && step.order <= CONTRIBUTED_ORDERS.max)) {
        throw new Error(
          `enricher ${step.name} asks for order ${step.order}: contributed enrichers run from ${CONTRIBUTED_ORDERS.min} (after the client address) to ${CONTRIBUTED_ORDERS.max}; the Retraced hash runs after them and nothing may change an event after it`,
        );
      }
    }
    this.steps = steps.sort((a, b) => a.order - b.order);
    this.logger.log({ msg: 'enrichment pipeline ready', enrichers: [...this.steps.map((e) => `${e.order}:${e.name}`), 'last:EventHashEnricher'] });
  }

  /** The names of the steps in the order they run. */
  get order(): string[] {
    return [...this.steps.map((e) => e.name), EventHashEnricher.name];
  }

  async enrich(events: AuditEventDraft[], context: IngestContext): Promise<CompleteAuditEvent[]> {
    for (const step of this.steps) {
      if (step.builtIn !== undefined) await this.runBuiltIn(step.enricher, events, context);
      else await this.runContributed(step, events, context);
    }
    for (const event of events) {
      if (event.received === undefined || event.created === undefined) {
        throw new Error('enrichment left an event without received/created time');
      }
      this.hash.enrich(event);
    }
    return events as CompleteAuditEvent[];
  }

  /** The events of one request are enriched concurrently (a bulk request's live lookups overlap); each step finishes before the next starts. */
  private async runBuiltIn(enricher: EventEnricher, events: AuditEventDraft[], context: IngestContext): Promise<void> {
    let pending: Promise<void>[] | undefined;
    for (const event of events) {
      const result = enricher.enrich(event, context);
      if (result) (pending ??= []).push(result);
    }
    if (pending) await Promise.all(pending);
  }

  /**
   * A contributed enricher works on a copy of each event; its changes are kept only when it
   * finished that event in time without failing, so one still running after its budget cannot
   * change an event that has gone on to be hashed and stored.
   */
  private async runContributed(step: Step, events: AuditEventDraft[], context: IngestContext): Promise<void> {
    const outcomes: ('done' | 'running' | Error)[] = events.map(() => 'running');
    const copies = events.map((event) => structuredClone(event));
    const pending: Promise<void>[] = [];
    copies.forEach((copy, i) => {
      try {
        const result = step.enricher.enrich(copy, context);
        if (!result) outcomes[i] = 'done';
        else
          pending.push(
            Promise.resolve(result).then(
              () => void (outcomes[i] = 'done'),
              (error: unknown) => void (outcomes[i] = asError(error)),
            ),
          );
      } catch (error) {
        outcomes[i] = asError(error);
      }
    });
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.budgetMs)));
      await Promise.race([Promise.all(pending), expired]);
      clearTimeout(timer);
    }
    outcomes.forEach((outcome, i) => {
      if (outcome === 'done') {
        replaceContent(events[i], copies[i]);
        return;
      }
      const reason = outcome === 'running' ? 'timeout' : 'error';
      const detail = outcome === 'running' ? `no answer within ${this.budgetMs} ms` : outcome.message;
      this.failures.inc({ enricher: step.name, reason });
      this.logger.warn({
        msg: 'enricher failed; the event is stored without its contribution',
        enricher: step.name,
        reason,
        error: detail,
        request_id: context.requestId,
        event_id: events[i].id,
      });
      const earlier = events[i].metadata?.[ENRICHMENT_FAILED];
      events[i].metadata = { ...events[i].metadata, [ENRICHMENT_FAILED]: `${earlier ? `${earlier}; ` : ''}${step.name}: ${reason}` };
    });
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The event becomes the enriched copy (properties the enricher removed are removed). */
function replaceContent(event: AuditEventDraft, copy: AuditEventDraft): void {
  for (const key of Object.keys(event)) if (!(key in copy)) delete (event as unknown as Record<string, unknown>)[key];
  Object.assign(event, copy);
}
