import Database from 'better-sqlite3';
import { request } from 'node:http';
import { Client } from 'pg';
import { publisherEvent } from './factories/publisher-event';
import { DIALECTS, type TestDatabase, createTestDatabase } from './support/databases';
import { type TestApp, adminHeaders, postJson, startTestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client that starts an export and stops reading would hold the database's snapshot for as long
 * as it likes: PostgreSQL does not end a COPY blocked on writing (it is not idle in transaction),
 * and SQLite's WAL cannot be checkpointed past an open read. The export is ended after
 * EXPORT_STALL_TIMEOUT_S, recorded as aborted.
 */
describe.each(DIALECTS)('an export whose client stops reading, on %s', (dialect) => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    app = await startTestApp(db.url, { env: { EXPORT_STALL_TIMEOUT_S: '1', BODY_LIMIT_BYTES: String(8 * 1024 * 1024) } });
    // About 30 MB of NDJSON: more than the socket buffers and the export's own read-ahead hold.
    const description = 'a long description '.repeat(100);
    for (let i = 0; i < 15; i++) {
      const events = Array.from({ length: 1000 }, (_, k) => publisherEvent({ action: `stall.${k % 7}`, description: `${description}${i * 1000 + k}` }));
      const response = await postJson(`${app.baseUrl}/publisher/v1/project/default/event/bulk`, { events }, adminHeaders());
      expect([i, response.status]).toEqual([i, 201]);
    }
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Whether the export still holds the database: a COPY running (PostgreSQL), a reader keeping the WAL (SQLite). */
  async function held(): Promise<boolean> {
    if (dialect === 'postgres') {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (%'`);
        return rows[0].n > 0;
      } finally {
        await client.end();
      }
    }
    // No long busy wait: a checkpoint blocked by a reader is the answer, not something to wait out.
    const sqlite = new Database(db.url.slice('sqlite:'.length), { timeout: 100 });
    try {
      // A write, then a checkpoint that must reset the WAL: busy while another connection reads a snapshot.
      sqlite.exec(`UPDATE projects SET name = name WHERE id = 'default'`);
      const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      return result.busy !== 0;
    } finally {
      sqlite.close();
    }
  }

  it('is ended, releasing the database, and recorded as aborted', async () => {
    const headers = adminHeaders();
    const url = new URL(`${app.baseUrl}/audit/v1/events/export?format=ndjson`);
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(url, { headers }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    // Take one chunk, then stop reading.
    await new Promise<void>((resolve) => response.once('data', () => resolve()));
    response.pause();
    await sleep(300);
    expect(await held()).toBe(true);

    // The watchdog looks every second: ended within a few seconds of the stall timeout.
    const stalled = Date.now();
    while ((await held()) && Date.now() - stalled < 8_000) await sleep(250);
    expect(await held()).toBe(false);
    expect(Date.now() - stalled).toBeLessThan(5_000);
    const records = await (await fetch(`${app.baseUrl}/audit/v1/events?reads=only&action=audit.log.export&limit=5`, { headers: adminHeaders() })).json();
    expect(records.events.map((e: { fields: Record<string, string> }) => e.fields.outcome)).toContain('aborted');
    response.destroy();
  });
});
