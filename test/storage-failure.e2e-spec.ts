import Database from 'better-sqlite3';
import { Client } from 'pg';
import { POSTGRES_ADMIN_URL, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, postJson, readAllEvents, startTestApp } from './support/test-app';

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('when the database fails', () => {
  let db: TestDatabase;
  let t: TestApp;

  afterEach(async () => {
    await t?.close();
    await db?.drop();
  });

  it('PostgreSQL refusing connections: answers 503 with Retry-After, stores nothing, and recovers', async () => {
    db = await createTestDatabase('postgres');
    t = await startTestApp(db.url);
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'before.outage' })).status).toBe(201);
    const name = new URL(db.url).pathname.slice(1);
    await admin(async (c) => {
      await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    });

    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => postJson(`${t.baseUrl}/audit/v1/event`, { action: `during.outage.${i}` })));
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { message: string }).message).toMatch(/nothing was stored/);
    }
    expect((await fetch(`${t.baseUrl}/health/ready`)).status).toBe(503);

    await admin((c) => c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'after.outage' })).status).toBe(201);
    expect((await readAllEvents(t.baseUrl)).map((e) => e.action)).toEqual(['after.outage', 'before.outage']);
  });

  it('SQLite locked by another writer: answers 503 with Retry-After and stores nothing', async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestApp(db.url);
    const other = new Database(db.url.slice('sqlite:'.length));
    other.exec('BEGIN EXCLUSIVE');
    const response = await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'while.locked' });
    other.exec('ROLLBACK');
    other.close();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await readAllEvents(t.baseUrl)).toEqual([]);
    expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'after.lock' })).status).toBe(201);
  });
});
