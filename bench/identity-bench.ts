/**
 * The identity part of `npm run bench`: ingest with the identity enricher on (every actor in the
 * mirror) against the same load with it off, the latency a dead directory adds, and the time to
 * sync 10,000 people from a real slapd.
 */
import autocannon from 'autocannon';
import { createServer, Server, Socket } from 'node:net';
import { Dialect, createTestDatabase } from '../test/support/databases';
import { buildSampleLdif, startOpenLdap } from '../test/support/directories';
import { ServerProcess } from '../test/support/server-process';
import { medianRound } from './rounds';

export const IDENTITY_BUDGET_MS = 100;
const PEOPLE = 10_000;

export interface IdentityLoadResult {
  scenario: string;
  dialect: Dialect;
  events_per_s: number;
  p50_ms: number;
  p99_ms: number;
  resolved_share: number;
  non_2xx: number;
  /** events/s of every round, when the scenario ran in rounds. */
  rounds_events_per_s?: number[];
}

export interface SyncBenchResult {
  dialect: Dialect;
  people: number;
  /** Start-up full sync into an empty mirror. */
  first_sync_ms: number;
  people_seen: number;
  /** A full reconciliation when nothing changed. */
  resync_ms: number;
}

async function post(server: ServerProcess, path: string, body: unknown, token: string): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** Provisions `count` people through the Provisioning API (the mirror, no directory needed). */
async function provisionPeople(server: ServerProcess, count: number, token: string): Promise<void> {
  for (let start = 0; start < count; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - start) }, (_, k) => {
        const i = start + k;
        return post(server, '/provisioning/v1/user/create', { uuid: guidOf(i), username: `user${i}`, email: `user${i}@corp.example.com` }, token).then((r) => {
          if (r.status !== 201) throw new Error(`provisioning answered ${r.status}`);
        });
      }),
    );
  }
}

function guidOf(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** Audit API events whose actors rotate over `actors` distinct ids. */
function rotatingActors(actorOf: (i: number) => string, actors: number) {
  let n = 0;
  return (request: autocannon.Request): autocannon.Request => {
    const i = n++ % actors;
    return { ...request, body: JSON.stringify({ action: 'document.read', description: 'read a document', actor: { id: actorOf(i) }, ip_address: '10.1.2.3' }) };
  };
}

async function load(server: ServerProcess, setupRequest: ReturnType<typeof rotatingActors>, durationS: number) {
  const options = {
    url: `${server.baseUrl}/audit/v1/event`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    connections: 50,
    requests: [{ setupRequest }],
  };
  await autocannon({ ...options, duration: 2 });
  return autocannon({ ...options, duration: durationS });
}

async function identityShare(server: ServerProcess, token: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/audit/v1/events?limit=200`, { headers: { authorization: `Bearer ${token}` } });
  const { events } = (await response.json()) as { events: { identity_status: string }[] };
  return events.filter((e) => e.identity_status === 'resolved').length / Math.max(1, events.length);
}

async function loadResult(
  scenario: string,
  dialect: Dialect,
  result: autocannon.Result,
  durationS: number,
  server: ServerProcess,
  token: string,
): Promise<IdentityLoadResult> {
  return {
    scenario,
    dialect,
    events_per_s: Math.round(result['2xx'] / durationS),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    resolved_share: await identityShare(server, token),
    non_2xx: result.non2xx + result.errors,
  };
}

/**
 * Same load with the enricher on (actors spread over a 10,000-person mirror), off, and on with a
 * single actor: the last separates the enricher's own cost from the cost of keeping the
 * (project, actor GUID) index, which spread-out GUIDs make land on many index pages per commit.
 */
/**
 * Enricher on, off, and on with one actor, in interleaved rounds (the machine's speed drifts from
 * minute to minute); each row is the variant's median round.
 */
export async function enricherOverhead(dialect: Dialect, durationS: number, adminToken: string, rounds = 3): Promise<IdentityLoadResult[]> {
  const byVariant = new Map<string, IdentityLoadResult[]>();
  const variants = [
    { enrichment: 'on', actors: PEOPLE, label: 'audit-api, identity enricher on, 10,000 actors all in the mirror' },
    { enrichment: 'off', actors: PEOPLE, label: 'audit-api, identity enricher off, same 10,000 actors' },
    { enrichment: 'on', actors: 1, label: 'audit-api, identity enricher on, one actor (control: index spread)' },
  ] as const;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const db = await createTestDatabase(dialect);
      const server = await ServerProcess.start({
        DATABASE_URL: db.url,
        AUDIT_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'warn',
        IDENTITY_ENRICHMENT: variant.enrichment,
      });
      try {
        await provisionPeople(server, PEOPLE, adminToken);
        const result = await load(
          server,
          rotatingActors((i) => (i % 2 === 0 ? `user${i}` : `user${i}@corp.example.com`), variant.actors),
          durationS,
        );
        const measured = await loadResult(variant.label, dialect, result, durationS, server, adminToken);
        byVariant.set(variant.label, [...(byVariant.get(variant.label) ?? []), measured]);
      } finally {
        await server.stop();
        await db.drop();
      }
    }
  }
  return [...byVariant.values()].map(medianRound);
}

/** A directory that accepts connections and never answers: the worst kind of down. */
function blackholeDirectory(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `ldap://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

/** Actors unknown to the mirror, the directory unresponsive: what does it add to each request? */
export async function deadDirectoryLatency(dialect: Dialect, durationS: number, adminToken: string): Promise<IdentityLoadResult[]> {
  const results: IdentityLoadResult[] = [];
  const hole = await blackholeDirectory();
  try {
    for (const directory of ['none', 'unresponsive'] as const) {
      const db = await createTestDatabase(dialect);
      const env: Record<string, string> = {
        DATABASE_URL: db.url,
        AUDIT_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'error',
        IDENTITY_LOOKUP_BUDGET_MS: String(IDENTITY_BUDGET_MS),
      };
      if (directory === 'unresponsive')
        Object.assign(env, { LDAP_URL: hole.url, LDAP_CONNECT_TIMEOUT_MS: '1000', LDAP_TIMEOUT_MS: '3000', LDAP_SYNC_INTERVAL_S: '0' });
      const server = await ServerProcess.start(env);
      try {
        const result = await load(
          server,
          rotatingActors((i) => `stranger${i}`, 1000),
          durationS,
        );
        const label =
          directory === 'none'
            ? 'audit-api, unknown actors, no directory configured'
            : `audit-api, unknown actors, directory unresponsive (budget ${IDENTITY_BUDGET_MS} ms)`;
        results.push(await loadResult(label, dialect, result, durationS, server, adminToken));
      } finally {
        await server.stop();
        await db.drop();
      }
    }
  } finally {
    await hole.close();
  }
  return results;
}

/** A full sync of 10,000 people (with groups) from a real slapd into a fresh mirror. */
export async function syncTenThousand(dialect: Dialect, adminToken: string): Promise<SyncBenchResult> {
  const sample = buildSampleLdif({ userCount: PEOPLE });
  const ldap = await startOpenLdap({ ldif: sample.ldif });
  const db = await createTestDatabase(dialect);
  const server = await ServerProcess.start({
    DATABASE_URL: db.url,
    AUDIT_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
    LDAP_URL: ldap.url,
    LDAP_BIND_DN: ldap.readerBindDn,
    LDAP_BIND_PASSWORD: ldap.readerBindPassword,
    LDAP_BASE_DN: ldap.baseDn,
    LDAP_SYNC_INTERVAL_S: '0',
  });
  try {
    // The start-up sync is the first full sync into an empty mirror: the one measured.
    const deadline = Date.now() + 120_000;
    let first: { people_seen: number; duration_ms: number } | undefined;
    while (!first && Date.now() < deadline) {
      const sources = (await (await fetch(`${server.baseUrl}/identity/v1/sources`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
        sources: { last_sync?: typeof first }[];
      };
      first = sources.sources[0]?.last_sync ?? undefined;
      if (!first) await new Promise((r) => setTimeout(r, 100));
    }
    if (!first) throw new Error('the start-up sync did not finish');
    // Then a full reconciliation over an unchanged directory, as the periodic one runs.
    const response = await post(server, '/identity/v1/sync', { mode: 'full' }, adminToken);
    const again = (await response.json()) as { people_seen: number; duration_ms: number };
    if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${JSON.stringify(again)}`);
    return { dialect, people: PEOPLE, first_sync_ms: first.duration_ms, people_seen: first.people_seen, resync_ms: again.duration_ms };
  } finally {
    await server.stop();
    await db.drop().catch(() => undefined);
    await ldap.destroy();
  }
}
