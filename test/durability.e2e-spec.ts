import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { ADMIN_TOKEN, readAllEvents } from './support/test-app';

const CLIENTS = 40;

/**
 * Many concurrent clients post events with unique descriptions until `stopAfterMs`, then the
 * server is signalled; returns the descriptions that were answered 201.
 */
async function loadThenSignal(server: ServerProcess, signal: NodeJS.Signals, stopAfterMs: number) {
  const acknowledged: string[] = [];
  const outcomes = { accepted: 0, refused503: 0, failed: 0 };
  let signalled = false;
  const client = async (c: number) => {
    // Keep posting after the signal until the server stops answering, so requests are in flight when it dies.
    for (let i = 0; ; i++) {
      const description = `client-${c}-event-${i}`;
      try {
        const response = await fetch(`${server.baseUrl}/audit/v1/event`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'durability.test', description, actor: { id: `user-${c}` } }),
        });
        await response.arrayBuffer();
        if (response.status === 201) {
          acknowledged.push(description);
          outcomes.accepted++;
        } else if (response.status === 503) outcomes.refused503++;
        else throw new Error(`unexpected status ${response.status}`);
      } catch (error) {
        if (!signalled) throw error;
        outcomes.failed++;
        return;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await new Promise((r) => setTimeout(r, stopAfterMs));
  signalled = true;
  server.kill(signal);
  const exitCode = await server.waitForExit();
  await Promise.all(clients);
  return { acknowledged, outcomes, exitCode };
}

describe.each(DIALECTS)('durability on %s (real server process)', (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterEach(async () => {
    await server?.stop();
    await db?.drop();
  });

  async function storedDescriptions(): Promise<Map<string, number>> {
    await server!.start(); // restart on the same database
    const counts = new Map<string, number>();
    for (const event of await readAllEvents(server!.baseUrl)) counts.set(event.description, (counts.get(event.description) ?? 0) + 1);
    return counts;
  }

  it('keeps every event answered 201 when the process is killed with SIGKILL mid-stream, and none twice', async () => {
    const { acknowledged, outcomes, exitCode } = await loadThenSignal(server!, 'SIGKILL', 1500);
    expect(exitCode).toBeNull(); // killed by the signal, no exit code
    expect(outcomes.accepted).toBeGreaterThan(200);
    expect(outcomes.failed).toBeGreaterThan(0); // requests were in flight when it died
    const stored = await storedDescriptions();
    const missing = acknowledged.filter((d) => !stored.has(d));
    expect(missing).toEqual([]);
    expect([...stored.values()].filter((n) => n > 1)).toEqual([]);
  });

  it('commits every accepted event and exits 0 on SIGTERM under load', async () => {
    const { acknowledged, outcomes, exitCode } = await loadThenSignal(server!, 'SIGTERM', 1500);
    if (exitCode !== 0) console.log(server!.stdout, server!.stderr);
    expect(exitCode).toBe(0);
    expect(outcomes.accepted).toBeGreaterThan(200);
    const stored = await storedDescriptions();
    expect(acknowledged.filter((d) => !stored.has(d))).toEqual([]);
    expect([...stored.values()].filter((n) => n > 1)).toEqual([]);
  });
});
