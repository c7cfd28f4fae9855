/**
 * The database's share of bulk ingest, without HTTP: the service's own PostgreSQL event store
 * (PostgresEventWriter.commit: the one-statement insert with sequence numbers and free-text
 * words) fed prebuilt Retraced events, 1,000 per commit, two commits in flight as the batch writer
 * runs them. Whatever the HTTP side does, bulk ingest on this machine cannot pass this rate.
 */
import { DataSource } from 'typeorm';
import type { PublisherEventDto } from '../src/publisher/dto/publisher-event.dto';
import { publisherDraft } from '../src/publisher/publisher-event.mapper';
import { dataSourceOptions } from '../src/infrastructure/database/data-source-options';
import type { CompleteAuditEvent } from '../src/event-store/audit-event';
import { newEventId } from '../src/ingestion/event-id';
import { PostgresEventWriter } from '../src/event-store/postgres/postgres-event-writer';
import { createTestDatabase } from '../test/support/databases';

export interface StoreCeilingResult {
  events_per_s: number;
  commit_p50_ms: number;
  commit_p99_ms: number;
  events_per_commit: number;
}

export async function postgresStoreCeiling(event: (i: number) => object, durationS: number, eventsPerCommit = 1000): Promise<StoreCeilingResult> {
  const db = await createTestDatabase('postgres');
  const dataSource = new DataSource(dataSourceOptions({ type: 'postgres', url: db.url }));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const store = new PostgresEventWriter(dataSource);
    const batch = (): CompleteAuditEvent[] => {
      const now = Date.now();
      return Array.from({ length: eventsPerCommit }, (_, i) => ({
        ...publisherDraft(event(i) as PublisherEventDto, 'default', newEventId(now)),
        created: now,
        received: now,
        hash: 'f'.repeat(64),
      }));
    };
    const latencies: number[] = [];
    let committed = 0;
    const loop = async (until: number) => {
      while (performance.now() < until) {
        const events = batch();
        const started = performance.now();
        await store.commit([events]);
        latencies.push(performance.now() - started);
        committed += events.length;
      }
    };
    await Promise.all([loop(performance.now() + 2000), loop(performance.now() + 2000)]); // warm-up
    latencies.length = 0;
    committed = 0;
    const started = performance.now();
    const until = started + durationS * 1000;
    await Promise.all([loop(until), loop(until)]);
    const elapsedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
    return { events_per_s: Math.round(committed / elapsedS), commit_p50_ms: at(0.5), commit_p99_ms: at(0.99), events_per_commit: eventsPerCommit };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await db.drop();
  }
}
