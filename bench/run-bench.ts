/**
 * `npm run bench`: drives the built service over HTTP, as clients do, on SQLite and on PostgreSQL,
 * and writes bench/results.json plus the table between the bench markers in README.md.
 * Numbers are measured on whatever machine runs it; nothing here asserts a target.
 */
import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, Dialect, createTestDatabase } from '../test/support/databases';
import { ServerProcess } from '../test/support/server-process';
import { queryBench, QueryBenchResult } from './query-bench';
import { sqliteExportBench, SqliteExportResult } from './sqlite-export-bench';
import { medianRound, rateCells } from './rounds';
import { postgresStoreCeiling, StoreCeilingResult } from './store-ceiling';
import { deadDirectoryLatency, enricherOverhead, IDENTITY_BUDGET_MS, IdentityLoadResult, SyncBenchResult, syncTenThousand } from './identity-bench';

const ROOT = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const SEED_JSON_EXAMPLE = JSON.stringify({
  name: 'user.login',
  description: 'john@example.com logged in successfully',
  title: 'User Login Success',
  action: 'user.login.success',
  ip_address: '192.30.252.12',
});

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  /** Rounds over every HTTP scenario; each row reports the median round (the machine's speed drifts). */
  repeat: number;
  dialects: Dialect[];
  /** Run only the scenarios whose name contains this. */
  only?: string;
}

interface Result {
  scenario: string;
  dialect: Dialect;
  connections: number;
  duration_s: number;
  events_per_s: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_mib: number;
  non_2xx: number;
  errors: number;
  committed_events: number;
  /** events/s of every round, in order; the row's other numbers are the median round's. */
  rounds_events_per_s?: number[];
}

function parseArgs(argv: string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    durationS: Number(get('duration') ?? 15),
    warmupS: Number(get('warmup') ?? 3),
    connections: Number(get('connections') ?? 50),
    repeat: Number(get('repeat') ?? 3),
    dialects: (get('dialects')?.split(',') as Dialect[] | undefined) ?? DIALECTS,
    only: get('only'),
  };
}

/** Milliseconds for 200,000 SHA-256 digests of a short string: how fast this machine is right now. */
function calibrationMs(): number {
  const started = performance.now();
  for (let i = 0; i < 200_000; i++) createHash('sha256').update(`calibration ${i}`).digest();
  return Math.round(performance.now() - started);
}

/** Peak resident set size of a process so far (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

async function acceptedTotal(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return [...text.matchAll(/^audit_events_accepted_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

interface Scenario {
  name: string;
  /** Runs bench/reference-server.ts instead of the service (no projects or tokens there). */
  reference?: boolean;
  /** Extra environment for the reference server. */
  referenceEnv?: Record<string, string>;
  /** Events per request. */
  eventsPerRequest: number;
  connections: number;
  /** The request to repeat, given a fresh server with a project and a publish token. */
  request(server: ServerProcess, project: { id: string; token: string }): { url: string; body: string; headers: Record<string, string> };
}

const retracedEvent = (i: number) => ({
  action: 'document.share',
  crud: 'u',
  group: { id: 'acme', name: 'Acme' },
  actor: { id: `user${i % 1000}@corp.example.com`, name: `User ${i % 1000}` },
  target: { id: `doc-${i}`, name: 'Quarterly report', type: 'document' },
  source_ip: '192.30.252.12',
  description: 'shared a document',
  fields: { permission: 'view' },
});

const bulk = (size: number): Scenario => ({
  name: `publisher bulk, ${size} events per request`,
  eventsPerRequest: size,
  connections: 8,
  request: (server, project) => ({
    url: `${server.baseUrl}/publisher/v1/project/${project.id}/event/bulk`,
    body: JSON.stringify({ events: Array.from({ length: size }, (_, i) => retracedEvent(i)) }),
    headers: { 'content-type': 'application/json', authorization: `token=${project.token}` },
  }),
});

export const SCENARIOS: Scenario[] = [
  {
    name: 'reference: bare node:http, JSON.parse, same group commit (seed JSON example)',
    reference: true,
    eventsPerRequest: 1,
    connections: 50,
    request: (server) => ({ url: `${server.baseUrl}/audit/v1/event`, body: SEED_JSON_EXAMPLE, headers: { 'content-type': 'application/json' } }),
  },
  {
    name: 'reference: the same bare server, table without the query indexes (seed JSON example)',
    reference: true,
    referenceEnv: { REFERENCE_QUERY_INDEXES: 'off' },
    eventsPerRequest: 1,
    connections: 50,
    request: (server) => ({ url: `${server.baseUrl}/audit/v1/event`, body: SEED_JSON_EXAMPLE, headers: { 'content-type': 'application/json' } }),
  },
  {
    name: 'audit-api single event (seed JSON example)',
    eventsPerRequest: 1,
    connections: 50,
    request: (server) => ({ url: `${server.baseUrl}/audit/v1/event`, body: SEED_JSON_EXAMPLE, headers: { 'content-type': 'application/json' } }),
  },
  {
    name: 'publisher single event',
    eventsPerRequest: 1,
    connections: 50,
    request: (server, project) => ({
      url: `${server.baseUrl}/publisher/v1/project/${project.id}/event`,
      body: JSON.stringify(retracedEvent(1)),
      headers: { 'content-type': 'application/json', authorization: `token=${project.token}` },
    }),
  },
  bulk(100),
  bulk(1000),
  {
    name: 'reference: bare node:http, JSON.parse, one INSERT per 1000-event Retraced bulk request',
    reference: true,
    eventsPerRequest: 1000,
    connections: 8,
    request: (server) => ({
      url: `${server.baseUrl}/publisher/v1/project/default/event/bulk`,
      body: JSON.stringify({ events: Array.from({ length: 1000 }, (_, i) => retracedEvent(i)) }),
      headers: { 'content-type': 'application/json' },
    }),
  },
];

async function createProject(server: ServerProcess): Promise<{ id: string; token: string }> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const { id } = await post('/admin/v1/project', { name: 'bench' });
  const { token } = await post(`/admin/v1/project/${id}/token`, { name: 'bench', scope: 'publish' });
  return { id, token };
}

/** One scenario on a fresh database and a fresh server process, so peak RSS is the scenario's own. */
async function run(scenario: Scenario, dialect: Dialect, options: Options): Promise<Result> {
  const db = await createTestDatabase(dialect);
  const main = scenario.reference ? join(__dirname, 'reference-server.js') : undefined;
  const server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', ...scenario.referenceEnv }, main);
  try {
    const project = scenario.reference ? { id: 'default', token: '' } : await createProject(server);
    const { url, body, headers } = scenario.request(server, project);
    const connections = Math.min(scenario.connections, options.connections);
    const load = (durationS: number) => autocannon({ url, method: 'POST', headers, body, connections, duration: durationS });
    await load(options.warmupS);
    const before = await acceptedTotal(server);
    const result = await load(options.durationS);
    const committed = (await acceptedTotal(server)) - before;
    return {
      scenario: scenario.name,
      dialect,
      connections,
      duration_s: options.durationS,
      events_per_s: Math.round((result['2xx'] * scenario.eventsPerRequest) / options.durationS),
      requests_per_s: Math.round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      peak_rss_mib: peakRssMiB(server.pid!),
      non_2xx: result.non2xx,
      errors: result.errors,
      committed_events: committed,
    };
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** The median round, with the highest peak RSS and every failure of all rounds. */
function medianOfRounds(runs: Result[]): Result {
  return {
    ...medianRound(runs),
    peak_rss_mib: Math.max(...runs.map((r) => r.peak_rss_mib)),
    non_2xx: runs.reduce((n, r) => n + r.non_2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

function table(results: Result[]): string {
  const rows = results.map(
    (r) => `| ${r.scenario} | ${r.dialect} | ${rateCells(r)} | ${r.p50_ms} | ${r.p99_ms} | ${r.peak_rss_mib} | ${r.non_2xx + r.errors} |`,
  );
  return [
    '| scenario | database | events/s (median round) | every round | p50 ms | p99 ms | peak RSS MiB | failed requests |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** The service beside the yardsticks of the same run (median rounds): the targets are ratios, so the machine's speed cancels out. */
function ratioTable(results: Result[]): string {
  const find = (scenario: string, dialect: Dialect) => results.find((r) => r.scenario.startsWith(scenario) && r.dialect === dialect);
  const comparisons: [string, string, string, string][] = [
    ['Audit API single event ÷ bare server, same table and indexes', 'audit-api single event', 'reference: bare node:http, JSON.parse, same group commit', ''],
    [
      'Audit API single event ÷ bare server, table without query indexes',
      'audit-api single event',
      'reference: the same bare server, table without the query indexes',
      '≥ 0.75 ×, p99 < 25 ms',
    ],
    [
      'publisher single event ÷ bare server, table without query indexes',
      'publisher single event',
      'reference: the same bare server, table without the query indexes',
      '≥ 0.75 ×',
    ],
    [
      'publisher bulk of 1,000 ÷ bare server, one INSERT per bulk request',
      'publisher bulk, 1000 events',
      'reference: bare node:http, JSON.parse, one INSERT per 1000',
      '≥ 0.85 ×',
    ],
  ];
  const rows: string[] = [];
  for (const [label, service, yardstick, target] of comparisons) {
    for (const dialect of DIALECTS) {
      const a = find(service, dialect);
      const b = find(yardstick, dialect);
      if (!a || !b) continue;
      rows.push(
        `| ${label} | ${dialect} | ${a.events_per_s.toLocaleString('en-US')} ÷ ${b.events_per_s.toLocaleString('en-US')} | ${(a.events_per_s / b.events_per_s).toFixed(2)} × | ${a.p99_ms} ms | ${target} |`,
      );
    }
  }
  return ['| ratio (same run) | database | events/s | ratio | service p99 | target |', '| --- | --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

function storeTable(s: StoreCeilingResult): string {
  return [
    '| reference: the PostgreSQL event store alone (no HTTP) | events/s | commit p50 ms | commit p99 ms |',
    '| --- | ---: | ---: | ---: |',
    `| PostgresEventWriter.commit, ${s.events_per_commit.toLocaleString('en-US')} prebuilt Retraced events per commit, 2 commits in flight | ${s.events_per_s.toLocaleString('en-US')} | ${s.commit_p50_ms} | ${s.commit_p99_ms} |`,
  ].join('\n');
}

function identityTable(results: IdentityLoadResult[]): string {
  const rows = results.map(
    (r) => `| ${r.scenario} | ${r.dialect} | ${rateCells(r)} | ${r.p50_ms} | ${r.p99_ms} | ${Math.round(r.resolved_share * 100)}% | ${r.non_2xx} |`,
  );
  return [
    '| identity scenario | database | events/s (median round) | every round | p50 ms | p99 ms | resolved | failed requests |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function queryTable(q: QueryBenchResult): string {
  return [
    `| query (PostgreSQL, ${q.events.toLocaleString('en-US')} events, ${q.people.toLocaleString('en-US')} people; seeded in ${q.seed_s} s) | result | target |`,
    '| --- | ---: | ---: |',
    `| first page of one person by alias, p50 / p95 | ${q.first_page_by_alias_p50_ms} / ${q.first_page_by_alias_p95_ms} ms | p95 < 20 ms |`,
    `| a page deep in a person's history (10th page of 10), p95 | ${q.deep_page_p95_ms} ms | |`,
    `| free-text query, first page, p95 | ${q.free_text_p95_ms} ms | |`,
    `| logs-viewer widget's first page for one group (50,000 events: 20 rows and the total), p50 / p95 | ${q.viewer_first_page_p50_ms} / ${q.viewer_first_page_p95_ms} ms | p95 < 30 ms |`,
    `| console person page: one person's histogram / facets (100 events), p95 | ${q.person_histogram_p95_ms} / ${q.person_facets_p95_ms} ms | p95 < 100 ms |`,
    `| person picker: suggestions among ${q.picker_people.toLocaleString('en-US')} people, p50 / p95 | ${q.people_suggest_p50_ms} / ${q.people_suggest_p95_ms} ms | p95 < 30 ms |`,
    `| console in Chromium: navigation to a person page's first rendered events, p50 / p95 (script ${q.console_js_gzip_kib} KiB gzipped) | ${q.console_person_page_p50_ms} / ${q.console_person_page_p95_ms} ms | < 1,000 ms (script < 150 KiB) |`,
    `| full NDJSON / CSV export | ${q.export_rows.toLocaleString('en-US')} rows at ${q.export_rows_per_s.toLocaleString('en-US')} / ${q.csv_export_rows_per_s.toLocaleString('en-US')} rows/s, peak RSS ${q.export_peak_rss_mib} MiB (${q.rss_before_export_mib} MiB just before them) | ≥ 50,000 rows/s, < 300 MiB |`,
    `| the same rows by PostgreSQL's \`COPY … TO STDOUT\` through psql, same run; NDJSON / CSV export ÷ COPY | ${q.copy_rows_per_s.toLocaleString('en-US')} rows/s; ${(q.export_rows_per_s / q.copy_rows_per_s).toFixed(2)} × / ${(q.csv_export_rows_per_s / q.copy_rows_per_s).toFixed(2)} × | ≥ 0.6 × |`,
    `| sealing the seeded events in one pass / verifying the whole chain | ${q.sealed_events.toLocaleString('en-US')} events at ${q.seal_events_per_s.toLocaleString('en-US')} / ${q.verify_events_per_s.toLocaleString('en-US')} events/s | |`,
  ].join('\n');
}

function sqliteExportTable(e: SqliteExportResult): string {
  return [
    `| export (SQLite, ${e.events.toLocaleString('en-US')} events; seeded in ${e.seed_s} s) | rows/s | ÷ plain SELECT | target |`,
    '| --- | ---: | ---: | ---: |',
    `| plain SELECT of the same rows and columns, newest first (better-sqlite3, raw rows, counted) | ${e.select_rows_per_s.toLocaleString('en-US')} | 1.00 × | |`,
    `| full NDJSON export through the service | ${e.ndjson_rows_per_s.toLocaleString('en-US')} | ${(e.ndjson_rows_per_s / e.select_rows_per_s).toFixed(2)} × | ≥ 0.6 × |`,
    `| full CSV export through the service (peak RSS ${e.export_peak_rss_mib} MiB, ${e.rss_before_export_mib} MiB just before the exports) | ${e.csv_rows_per_s.toLocaleString('en-US')} | ${(e.csv_rows_per_s / e.select_rows_per_s).toFixed(2)} × | ≥ 0.6 × |`,
  ].join('\n');
}

function syncTable(results: SyncBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.people.toLocaleString('en-US')} people (OpenLDAP slapd) | ${r.dialect} | ${r.people_seen.toLocaleString('en-US')} | ${r.first_sync_ms} | ${r.resync_ms} |`,
  );
  return ['| directory sync | database | people seen | first full sync ms | unchanged full sync ms |', '| --- | --- | ---: | ---: | ---: |', ...rows].join(
    '\n',
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const calibration: Record<string, number> = { start: calibrationMs() };
  const results: Result[] = [];
  const scenarios = options.only ? SCENARIOS.filter((s) => s.name.includes(options.only!)) : SCENARIOS;
  const withIdentity = !options.only || options.only === 'identity';
  const withQuery = !options.only || options.only === 'query';
  // Rounds interleave the scenarios, so a slow minute of a shared machine hits all of them alike.
  const rounds = new Map<string, Result[]>();
  for (let round = 1; round <= options.repeat; round++) {
    for (const scenario of scenarios) {
      for (const dialect of options.dialects) {
        process.stdout.write(`[${round}/${options.repeat}] ${scenario.name} on ${dialect}: ${options.durationS} s...\n`);
        const result = await run(scenario, dialect, options);
        process.stdout.write(`  ${result.events_per_s} events/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, peak RSS ${result.peak_rss_mib} MiB\n`);
        const key = `${scenario.name}\u0000${dialect}`;
        rounds.set(key, [...(rounds.get(key) ?? []), result]);
      }
    }
  }
  results.push(...[...rounds.values()].map(medianOfRounds));
  let storeCeiling: StoreCeilingResult | undefined;
  if ((!options.only || 'reference: postgres store alone'.includes(options.only)) && options.dialects.includes('postgres')) {
    process.stdout.write(`PostgreSQL event store alone, 1,000 events per commit: ${options.durationS} s...\n`);
    storeCeiling = await postgresStoreCeiling(retracedEvent, options.durationS);
    process.stdout.write(`  ${storeCeiling.events_per_s} events/s, commit p50 ${storeCeiling.commit_p50_ms} ms, p99 ${storeCeiling.commit_p99_ms} ms\n`);
  }
  const identity: IdentityLoadResult[] = [];
  const sync: SyncBenchResult[] = [];
  calibration.after_ingest = calibrationMs();
  if (withIdentity) {
    for (const dialect of options.dialects) {
      process.stdout.write(`identity enricher on/off on ${dialect}...\n`);
      identity.push(...(await enricherOverhead(dialect, options.durationS, ADMIN_TOKEN, options.repeat)));
      process.stdout.write(`directory unresponsive on ${dialect}...\n`);
      identity.push(...(await deadDirectoryLatency(dialect, options.durationS, ADMIN_TOKEN)));
      process.stdout.write(`sync of 10,000 people on ${dialect}...\n`);
      sync.push(await syncTenThousand(dialect, ADMIN_TOKEN));
    }
  }
  calibration.after_identity = calibrationMs();
  let query: QueryBenchResult | undefined;
  if (withQuery && options.dialects.includes('postgres')) {
    process.stdout.write('query: seeding 1,000,000 events in PostgreSQL, then reads and an export...\n');
    query = await queryBench(ADMIN_TOKEN, ROOT);
  }
  let sqliteExport: SqliteExportResult | undefined;
  if (withQuery && options.dialects.includes('sqlite')) {
    process.stdout.write('query: exports of 200,000 events on SQLite beside a plain SELECT...\n');
    sqliteExport = await sqliteExportBench(ADMIN_TOKEN);
  }
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, node: process.version },
    /** 200,000 SHA-256 digests, ms: the machine's speed at each stage (shared cores drift). */
    calibration_ms: { ...calibration, end: calibrationMs() } as Record<string, number>,
    load_generator: 'autocannon on the same machine',
    results,
    postgres_store_alone: storeCeiling,
    identity: { lookup_budget_ms: IDENTITY_BUDGET_MS, load: identity, sync },
    query,
    sqlite_export: sqliteExport,
  };
  const tables = [
    ...(results.length > 0 ? [table(results), ratioTable(results)] : []),
    ...(storeCeiling ? [storeTable(storeCeiling)] : []),
    ...(withIdentity ? [identityTable(identity), syncTable(sync)] : []),
    ...(query ? [queryTable(query)] : []),
    ...(sqliteExport ? [sqliteExportTable(sqliteExport)] : []),
  ].join('\n\n');
  if (options.only) {
    // A partial run is for exploring; only a full run replaces the recorded results.
    process.stdout.write(`\n${tables}\n`);
    return;
  }
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(report, null, 2) + '\n');
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
  if (marked.test(readme)) {
    const c = report.calibration_ms;
    const stamp =
      `Measured ${report.date.slice(0, 10)} on ${report.machine.cpus} cores (${report.machine.cpu_model}), Node ${report.machine.node}, load generator on the same machine. ` +
      `Machine speed (ms for 200,000 SHA-256 digests; lower is faster) at the start / after ingest / after identity / at the end: ${c.start} / ${c.after_ingest} / ${c.after_identity} / ${c.end}.`;
    writeFileSync(readmePath, readme.replace(marked, `<!-- bench:start -->\n${stamp}\n\n${tables}\n<!-- bench:end -->`));
  }
  process.stdout.write(`\n${tables}\n\nwrote bench/results.json\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
