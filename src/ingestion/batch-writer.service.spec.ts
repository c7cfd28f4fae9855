import type { AppConfig } from '../config/app-config';
import { MetricsRegistry } from '../infrastructure/metrics/metrics.registry';
import type { CompleteAuditEvent } from '../event-store/audit-event';
import { BatchWriter } from './batch-writer.service';
import type { AuditEventStore } from '../event-store/event-writer';
import type { UnitOutcome } from '../event-store/idempotency-plan';
import { IngestionMetrics } from './ingestion.metrics';
import { completeEvent } from '../../test/factories/complete-event';
import { StorageUnavailableError } from './storage-unavailable.error';

/** An in-memory store whose commits can be held open and made to fail, to observe grouping. */
class FakeStore implements AuditEventStore {
  maxConcurrentCommits = 1;
  batches: string[][] = [];
  failWhen: (ids: string[]) => Error | undefined = () => undefined;
  gate: Promise<void> = Promise.resolve();

  async commit(units: CompleteAuditEvent[][]): Promise<UnitOutcome[]> {
    const ids = units.flat().map((e) => e.id);
    await this.gate;
    const error = this.failWhen(ids);
    if (error) throw error;
    this.batches.push(ids);
    return units.map((unit) => ({ ok: true, events: unit.map((e) => ({ id: e.id, hash: null })) }));
  }
}

const event = (id: string): CompleteAuditEvent => completeEvent({ id, sourceApi: 'audit-api', action: 'a' });

function writer(store: FakeStore, batch = { maxSize: 4, maxWaitMs: 5 }): BatchWriter {
  return new BatchWriter(store, { batch } as AppConfig, new IngestionMetrics(new MetricsRegistry()));
}

describe('BatchWriter (group commit)', () => {
  it('resolves a submission only after its batch is committed', async () => {
    const store = new FakeStore();
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const w = writer(store);
    let done = false;
    const pending = w.submit([event('a')]).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    open();
    await pending;
    expect(store.batches).toEqual([['a']]);
  });

  it('groups submissions that arrive within the wait into one transaction', async () => {
    const store = new FakeStore();
    const w = writer(store, { maxSize: 100, maxWaitMs: 10 });
    await Promise.all(['a', 'b', 'c'].map((id) => w.submit([event(id)])));
    expect(store.batches).toEqual([['a', 'b', 'c']]);
  });

  it('commits at once when the batch is full and never splits a unit', async () => {
    const store = new FakeStore();
    const w = writer(store, { maxSize: 4, maxWaitMs: 1000 });
    await Promise.all([w.submit([event('a'), event('b'), event('c')]), w.submit([event('d'), event('e')]), w.submit([event('f')])]);
    expect(store.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('gathers what arrives during a commit into the next batch', async () => {
    const store = new FakeStore();
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const w = writer(store, { maxSize: 100, maxWaitMs: 0 });
    const first = w.submit([event('a')]);
    await new Promise((r) => setTimeout(r, 5));
    const later = [w.submit([event('b')]), w.submit([event('c')])];
    open();
    await Promise.all([first, ...later]);
    expect(store.batches).toEqual([['a'], ['b', 'c']]);
  });

  it('isolates a failing unit so the others in its batch still commit', async () => {
    const store = new FakeStore();
    store.failWhen = (ids) => (ids.includes('bad') ? new Error('constraint violated') : undefined);
    const w = writer(store, { maxSize: 100, maxWaitMs: 10 });
    const results = await Promise.allSettled([w.submit([event('a')]), w.submit([event('bad')]), w.submit([event('c')])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // A statement that can never succeed is not an outage: the caller is not told to retry it.
    expect((results[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(StorageUnavailableError);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('constraint violated');
    expect(store.batches).toEqual([['a'], ['c']]);
  });

  it('fails the whole batch at once when the database connection is lost', async () => {
    const store = new FakeStore();
    let calls = 0;
    store.failWhen = () => {
      calls++;
      return Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const w = writer(store, { maxSize: 100, maxWaitMs: 10 });
    const results = await Promise.allSettled([w.submit([event('a')]), w.submit([event('b')])]);
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof StorageUnavailableError)).toBe(true);
    expect(calls).toBe(1);
  });

  it('overlaps commits up to the store limit, each with what queued meanwhile', async () => {
    const store = new FakeStore();
    store.maxConcurrentCommits = 2;
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const w = writer(store, { maxSize: 100, maxWaitMs: 1 });
    const first = w.submit([event('a')]);
    await new Promise((r) => setTimeout(r, 10)); // 'a' is committing
    const second = w.submit([event('b')]);
    await new Promise((r) => setTimeout(r, 10)); // 'b' is committing alongside
    const third = [w.submit([event('c')]), w.submit([event('d')])]; // both slots busy: these wait
    open();
    await Promise.all([first, second, ...third]);
    expect(store.batches).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('on shutdown commits what was accepted and refuses new submissions', async () => {
    const store = new FakeStore();
    const w = writer(store, { maxSize: 100, maxWaitMs: 1000 });
    const accepted = w.submit([event('a')]);
    await w.beforeApplicationShutdown();
    await accepted;
    expect(store.batches).toEqual([['a']]);
    await expect(w.submit([event('b')])).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
