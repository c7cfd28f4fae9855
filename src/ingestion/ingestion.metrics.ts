import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../infrastructure/metrics/metrics.registry';

@Injectable()
export class IngestionMetrics {
  readonly accepted: Counter<'api'>;
  readonly batchSize: Histogram;
  readonly commitSeconds: Histogram;

  constructor(registry: MetricsRegistry) {
    this.accepted = registry.counter({
      name: 'audit_events_accepted_total',
      help: 'Events durably committed, by ingestion API',
      labelNames: ['api'],
    });
    this.batchSize = registry.histogram({
      name: 'audit_batch_size',
      help: 'Events per group-commit transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    });
    this.commitSeconds = registry.histogram({
      name: 'audit_commit_duration_seconds',
      help: 'Time to commit one batch',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    });
  }
}
