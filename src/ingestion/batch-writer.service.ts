import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { requestContext } from '../infrastructure/http/request-context';
import { IngestionMetrics } from './ingestion.metrics';
import type { CompleteAuditEvent } from './audit-event';
import { AUDIT_EVENT_STORE, AuditEventStore, UnknownProjectError } from './event-store/audit-event-store';
import { StorageUnavailableError } from './storage-unavailable.error';

interface PendingUnit {
  /** Committed together or not at all (one request's events). */
  events: CompleteAuditEvent[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: units submitted while a transaction is in flight, or within the short wait,
 * go into the next transaction together. A unit's promise resolves only after its commit.
 */
@Injectable()
export class BatchWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BatchWriter.name);
  private queue: PendingUnit[] = [];
  private queuedEvents = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    @Inject(AUDIT_EVENT_STORE) private readonly store: AuditEventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: IngestionMetrics,
  ) {}

  /** Resolves once every event of the unit is durably committed; rejects if none of them is. */
  submit(events: CompleteAuditEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new StorageUnavailableError('the service is shutting down'));
    return new Promise<void>((resolve, reject) => {
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

  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running && this.queue.length > 0) this.running = this.run();
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.running) return; // the running loop takes the queue when its transaction ends
    // The loop serves many requests, so it runs outside the submitting request's log context.
    requestContext.exit(() => {
      if (this.queuedEvents >= this.config.batch.maxSize || this.config.batch.maxWaitMs === 0) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.running = this.run();
      } else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (!this.running) this.running = this.run();
        }, this.config.batch.maxWaitMs);
      }
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.take());
    } finally {
      this.running = undefined;
    }
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
    const events = units.length === 1 ? units[0].events : units.flatMap((unit) => unit.events);
    const stopTimer = this.metrics.commitSeconds.startTimer();
    try {
      await this.store.commit(events);
      stopTimer();
      this.metrics.batchSize.observe(events.length);
      for (const event of events) this.metrics.accepted.inc({ api: event.sourceApi });
      for (const unit of units) unit.resolve();
    } catch (error) {
      if (units.length > 1 && !isConnectionError(error)) {
        // One bad unit must not fail the others: commit each on its own.
        for (const unit of units) await this.commit([unit]);
        return;
      }
      this.logger.error({ msg: 'batch commit failed', events: events.length, error: String(error) });
      const refusal =
        error instanceof UnknownProjectError
          ? error
          : new StorageUnavailableError('the event store is unavailable; nothing was stored', 1, { cause: error });
      for (const unit of units) unit.reject(refusal);
    }
  }
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', 'SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_FULL']);

function isConnectionError(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError, (error as { cause?: unknown })?.cause];
  return candidates.some((candidate) => {
    const code = (candidate as { code?: unknown })?.code;
    if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08'))) return true;
    return /Connection terminated|connection timeout|not queryable|Client has encountered a connection error|not currently accepting connections|too many clients/i.test(String((candidate as Error)?.message ?? ''));
  });
}
