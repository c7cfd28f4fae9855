import type { EventSearchDialect } from '../src/event-store/event-search-dialect';
import { EVENT_STORE_DIALECT, EventStoreDialect } from '../src/event-store/event-store-dialect';
import type { AuditEventStore } from '../src/event-store/event-writer';
import type { PendingIdentityWriter } from '../src/event-store/pending-identity-writer';
import { POSTGRES_EVENT_STORE } from '../src/event-store/postgres/postgres-event-store';
import type { SealSource } from '../src/event-store/seal-source';
import { SQLITE_EVENT_STORE } from '../src/event-store/sqlite/sqlite-event-store';
import { PendingIdentityJob } from '../src/identity/resolution/pending-identity.job';
import { publisherEvent } from './factories/publisher-event';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, postJson, startTestApp } from './support/test-app';

const BUILT_IN: Record<string, EventStoreDialect> = { sqlite: SQLITE_EVENT_STORE, postgres: POSTGRES_EVENT_STORE };

/** Every call a port gets, by port and method, while the built-in one does the work. */
function recording(inner: EventStoreDialect, calls: string[]): EventStoreDialect {
  const spy = <T extends object>(port: string, target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${port}.${String(key)}`);
          return value.apply(object, args);
        };
      },
    });
  return {
    name: `recording ${inner.name}`,
    writer: (ds) => spy<AuditEventStore>('writer', inner.writer(ds)),
    search: (ds) => spy<EventSearchDialect>('search', inner.search(ds)),
    sealSource: (ds) => spy<SealSource>('sealSource', inner.sealSource(ds)),
    pendingIdentity: (ds) => spy<PendingIdentityWriter>('pendingIdentity', inner.pendingIdentity(ds)),
  };
}

/** A team passes its own event store to AppModule.forRoot: every port the service uses is the team's. */
describe.each(DIALECTS)('an event store passed to forRoot, on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  const calls: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { modules: { eventStore: { dialect: recording(BUILT_IN[dialect], calls) } } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('is the one the service uses, not the configured database’s own', () => {
    expect(t.app.get<EventStoreDialect>(EVENT_STORE_DIALECT).name).toBe(`recording ${dialect}`);
  });

  it('writes every accepted event, and reads, seals and resolves through its ports', async () => {
    calls.length = 0;
    const posted = await postJson(`${t.baseUrl}/publisher/v1/project/default/event`, publisherEvent({ description: 'replaced store zebra' }), adminHeaders());
    expect(posted.status).toBe(201);
    expect(calls).toContain('writer.commit');
    const found = await (await fetch(`${t.baseUrl}/audit/v1/events?q=zebra`, { headers: adminHeaders() })).json();
    expect(found.events.map((e: { description: string }) => e.description)).toEqual(['replaced store zebra']);
    expect(calls).toContain('search.fullText');
    expect((await postJson(`${t.baseUrl}/audit/v1/integrity/seal`, {}, adminHeaders())).status).toBe(200);
    expect(calls).toContain('sealSource.lastSequences');
    expect(calls).toContain('sealSource.rangeDigest');
    await t.app.get(PendingIdentityJob).runOnce();
    expect(calls).toContain('pendingIdentity.next');
  });
});

describe('the event store without a dialect passed', () => {
  it.each(DIALECTS)('is the configured database’s own (%s)', async (dialect) => {
    const db = await createTestDatabase(dialect);
    const t = await startTestApp(db.url);
    try {
      expect(t.app.get<EventStoreDialect>(EVENT_STORE_DIALECT)).toBe(BUILT_IN[dialect]);
    } finally {
      await t.close();
      await db.drop();
    }
  });
});
