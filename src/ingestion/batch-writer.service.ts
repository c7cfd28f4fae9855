import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../infrastructure/database/database-unavailable';
import { IngestionMetrics } from './ingestion.metrics';
import type { CommittedEvent, CompleteAuditEvent } from '../event-store/audit-event';
import { AUDIT_EVENT_STORE, AuditEventStore, UnknownProjectError } from '../event-store/event-writer';
import { StorageUnavailableError } from './storage-unavailable.error';

interface PendingUnit {
  /** Committed together or not at all (one request's events). */
  events: CompleteAuditEvent[];
  resolve: (committed: CommittedEvent[]) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: units submitted while transactions are in flight, or within the short wait,
 * go into the next transaction together. A unit's promise resolves only after its commit.
 * Up to `store.maxConcurrentCommits` transactions overlap (PostgreSQL: 2, so one is prepared
 * while the other commits; the per-project sequence row lock keeps commit order = sequence order).
 */
@Injectable()
export class BatchWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BatchWriter.name);
  private queue: PendingUnit[] = [];
  private queuedEvents = 0;
  private waiting: { timer?: NodeJS.Timeout; immediate?: NodeJS.Immediate } | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    @Inject(AUDIT_EVENT_STORE) private readonly store: AuditEventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: IngestionMetrics,
  ) {}

  /**
   * Resolves once every event of the unit is durably committed (an idempotent retry resolves to the
   * original's id and hash); rejects if none of them is.
   */
  submit(events: CompleteAuditEvent[]): Promise<CommittedEvent[]> {
    if (this.closed) return Promise.reject(new StorageUnavailableError('the service is shutting down'));
    return new Promise<CommittedEvent[]>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queuedEvents += events.length;
      this.schedule();
    });
  }

  /** Stop taking units and commit everything already accepted. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Commits everything queued now, without waiting for companions. */
  async drain(): Promise<void> {
    this.cancelWait();
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      this.launch();
      await Promise.race(this.inFlight);
    }
  }

  private schedule(): void {
    if (this.inFlight.size >= this.store.maxConcurrentCommits) return; // a finishing commit takes the queue
    if (this.queuedEvents >= this.config.batch.maxSize) {
      this.cancelWait();
      this.launch();
    } else if (!this.waiting) {
      // Wait for companions: until the end of this I/O phase (0), or a few milliseconds.
      const start = () => {
        this.waiting = undefined;
        this.launch();
      };
      this.waiting = this.config.batch.maxWaitMs === 0 ? { immediate: setImmediate(start) } : { timer: setTimeout(start, this.config.batch.maxWaitMs) };
    }
  }

  private cancelWait(): void {
    if (this.waiting?.timer) clearTimeout(this.waiting.timer);
    if (this.waiting?.immediate) clearImmediate(this.waiting.immediate);
    this.waiting = undefined;
  }

  /** Starts a transaction for the oldest queued units, if a commit slot is free. */
  private launch(): void {
    if (this.queue.length === 0 || this.inFlight.size >= this.store.maxConcurrentCommits) return;
    const commit: Promise<void> = this.commit(this.take()).finally(() => {
      this.inFlight.delete(commit);
      // What queued during the commit had its wait already: commit it now.
      if (this.queue.length > 0) {
        this.cancelWait();
        this.launch();
      }
    });
    this.inFlight.add(commit);
  }

  private countAccepted(events: CompleteAuditEvent[]): void {
    const byApi = new Map<string, number>();
    for (const event of events) byApi.set(event.sourceApi, (byApi.get(event.sourceApi) ?? 0) + 1);
    for (const [api, count] of byApi) this.metrics.accepted.inc({ api }, count);
  }

  /** The oldest units up to the batch size; a unit is never split. */
  private take(): PendingUnit[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length && (taken === 0 || count + this.queue[taken].events.length <= this.config.batch.maxSize)) {
      count += this.queue[taken].events.length;
      taken++;
    }
    this.queuedEvents -= count;
    return this.queue.splice(0, taken);
  }

  private async commit(units: PendingUnit[]): Promise<void> {
    const stopTimer = this.metrics.commitSeconds.startTimer();
    try {
      const outcomes = await this.store.commit(units.map((unit) => unit.events));
      stopTimer();
      const stored = units.filter((_, i) => outcomes[i].ok).flatMap((unit) => unit.events);
      this.metrics.batchSize.observe(stored.length);
      this.countAccepted(stored);
      units.forEach((unit, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) unit.resolve(outcome.events);
        else unit.reject(outcome.error);
      });
    } catch (error) {
      if (units.length > 1 && !isDatabaseUnavailable(error)) {
        // One bad unit must not fail the others: commit each on its own.
        for (const unit of units) await this.commit([unit]);
        return;
      }
      // An unknown project is the caller's mistake (answered 404), not the store's.
      const log = error instanceof UnknownProjectError ? this.logger.debug.bind(this.logger) : this.logger.error.bind(this.logger);
      log({ msg: 'batch commit failed', events: units.reduce((n, u) => n + u.events.length, 0), error: String(error) });
      // Unavailability is worth a retry (503); any other failure is a defect, not the client's to retry.
      const refusal =
        error instanceof UnknownProjectError || !isDatabaseUnavailable(error)
          ? (error as Error)
          : new StorageUnavailableError('the event store is unavailable; nothing was stored', 1, { cause: error });
      for (const unit of units) unit.reject(refusal);
    }
  }
}
