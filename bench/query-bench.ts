/**
 * The query part of `npm run bench`: 1,000,000 events from 10,000 directory people in PostgreSQL,
 * then a person's first page by alias, a page deep in their history, a free-text query and a full
 * NDJSON export, through the running service. Also writes the EXPLAIN plans to docs/query-plans.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { EVENT_COLUMNS } from '../src/event-store/event-columns';
import { createTestDatabase } from '../test/support/databases';
import { ServerProcess } from '../test/support/server-process';
import { launchChromium } from '../test/support/viewer/chromium';

export const EVENTS = 1_000_000;
export const PEOPLE = 10_000;
/** The directory the person picker searches: the 10,000 actors and 90,000 more. */
export const PICKER_PEOPLE = 100_000;

export interface QueryBenchResult {
  events: number;
  people: number;
  seed_s: number;
  first_page_by_alias_p50_ms: number;
  first_page_by_alias_p95_ms: number;
  deep_page_p95_ms: number;
  free_text_p95_ms: number;
  /** The logs-viewer widget's first page (its Search query, 20 events and the group's total) for one group of 50,000 events. */
  viewer_first_page_p50_ms: number;
  viewer_first_page_p95_ms: number;
  /** The console's person page counts: one person's histogram, and their facets (each p95). */
  person_histogram_p95_ms: number;
  person_facets_p95_ms: number;
  /** People suggestions (GET /identity/v1/people) with PICKER_PEOPLE people in the directory mirror. */
  picker_people: number;
  people_suggest_p50_ms: number;
  people_suggest_p95_ms: number;
  /** Chromium: from navigation to a person page until its first events are rendered. */
  console_person_page_p50_ms: number;
  console_person_page_p95_ms: number;
  console_js_gzip_kib: number;
  export_rows: number;
  /** NDJSON and CSV exports of every event, and PostgreSQL's own COPY of the same rows through psql, best of two interleaved rounds. */
  export_rows_per_s: number;
  csv_export_rows_per_s: number;
  copy_rows_per_s: number;
  export_peak_rss_mib: number;
  /** The service's resident set just before the export (after the 800 reads above). */
  rss_before_export_mib: number;
  /** Sealing the seeded events in one pass, then verifying the whole chain (tamper evidence). */
  sealed_events: number;
  seal_events_per_s: number;
  verify_events_per_s: number;
}

/** Streams an export to the end; its data lines (a CSV's header is not one) and their rate. */
export async function exportRows(url: string, adminToken: string): Promise<{ rows: number; rate: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
  let lines = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines++;
  }
  const rows = url.includes('format=csv') ? lines - 1 : lines;
  return { rows, rate: Math.round(rows / ((performance.now() - started) / 1000)) };
}

/** PostgreSQL's own fastest way out: COPY of the same rows, newest first, through psql (output counted, not kept). */
async function copyRows(url: string): Promise<{ rows: number; rate: number }> {
  const columns = EXPORTED_COLUMNS.join(', ');
  const started = performance.now();
  const child = spawn(
    'psql',
    [
      '-X',
      '-q',
      '-d',
      url,
      '-c',
      `COPY (SELECT ${columns} FROM audit_events WHERE project_id = 'default' AND source_api NOT IN ('read-audit', 'admin-audit') ORDER BY seq DESC) TO STDOUT`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let rows = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`psql COPY exited with ${code}`);
  return { rows, rate: Math.round(rows / ((performance.now() - started) / 1000)) };
}

/** Every column an export reads (all but the search vector and the idempotency digest). */
const EXPORTED_COLUMNS = EVENT_COLUMNS.filter((column) => column !== 'content_digest');

const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/**
 * Seeds in the database itself (INSERT … SELECT over generate_series): events shaped like the
 * service's own (identity columns resolved, Retraced fields, hash-sized column), 100 per person,
 * actors logged by username, email or DN in turn, and the 10,000 people in the directory mirror.
 * The text is ASCII, so splitting it in SQL on [^a-z0-9] gives the words the service would index.
 */
export async function seed(url: string): Promise<number> {
  const started = performance.now();
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    await pg.query(`INSERT INTO directory_people (guid, source, username, upn, email, dn, display_name, groups, disabled, deleted, first_seen_at, last_seen_at)
      SELECT '00000000-0000-4000-8000-' || lpad(i::text, 12, '0'), 'provisioning', 'user' || i, NULL, 'user' || i || '@corp.example.com',
             'uid=user' || i || ',ou=people,dc=corp,dc=example,dc=com', 'User ' || i, '[]', false, false, 0, 0
      FROM generate_series(0, ${PEOPLE - 1}) AS i`);
    await pg.query(`INSERT INTO audit_events (id, project_id, seq, source_api, action, crud, description, group_id, group_name, actor_id, actor_name,
        target_id, target_name, target_type, source_ip, is_failure, is_anonymous, fields, created_at, received_at, hash,
        actor_guid, actor_username, actor_email, actor_dn, identity_status, search_vector)
      SELECT s.*, array_to_tsvector(array_remove(regexp_split_to_array(lower(concat_ws(' ', s.action, s.description, s.actor_id, s.actor_name,
               s.target_id, s.target_name, s.target_type, s.group_name, s.fields)), '[^a-z0-9]+'), ''))
      FROM (SELECT lpad(to_hex(g), 32, '0'), 'default', g, 'publisher',
             (ARRAY['document.read','document.share','user.login.success','user.logout','invoice.paid'])[1 + g % 5], 'r',
             'event ' || g || CASE WHEN g % 100 = 7 THEN ' escalated to compliance review' ELSE ' routine activity' END,
             'tenant-' || (g % 20), 'Tenant ' || (g % 20),
             CASE g % 3 WHEN 0 THEN 'user' || (g % ${PEOPLE}) WHEN 1 THEN 'user' || (g % ${PEOPLE}) || '@corp.example.com'
                        ELSE 'uid=user' || (g % ${PEOPLE}) || ',ou=people,dc=corp,dc=example,dc=com' END,
             'User ' || (g % ${PEOPLE}), 'doc-' || g, 'Report ' || (g % 1000), 'document', '10.0.' || (g % 250) || '.1', g % 50 = 0, false,
             '{"region":"eu-west"}', 1767225600000 + g * 1000, 1767225600000 + g * 1000, md5(g::text) || md5((g + 1)::text),
             '00000000-0000-4000-8000-' || lpad((g % ${PEOPLE})::text, 12, '0'), 'user' || (g % ${PEOPLE}), 'user' || (g % ${PEOPLE}) || '@corp.example.com',
             'uid=user' || (g % ${PEOPLE}) || ',ou=people,dc=corp,dc=example,dc=com', 'resolved'
      FROM generate_series(1, ${EVENTS}) AS g) AS s(id, project_id, seq, source_api, action, crud, description, group_id, group_name, actor_id, actor_name,
        target_id, target_name, target_type, source_ip, is_failure, is_anonymous, fields, created_at, received_at, hash,
        actor_guid, actor_username, actor_email, actor_dn, identity_status)`);
    await pg.query(`UPDATE projects SET last_seq = ${EVENTS} WHERE id = 'default'`);
    // The group counts the event store keeps with each insert, filled as the migration fills them on an upgrade.
    await pg.query(`INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
      SELECT project_id, group_id, COALESCE(crud, ''), source_api, COUNT(*) FROM audit_events WHERE group_id IS NOT NULL GROUP BY 1, 2, 3, 4`);
    // What autovacuum does to a table after inserts (PostgreSQL 13+): statistics, and the visibility
    // map that lets counts be answered from an index alone. Measured in that steady state.
    await pg.query('VACUUM (ANALYZE) audit_events');
    await pg.query('ANALYZE');
  } finally {
    await pg.end();
  }
  return Math.round((performance.now() - started) / 100) / 10;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

async function timedGet(url: string, token: string): Promise<{ ms: number; body: any }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, body };
}

export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

export function peakRssMiB(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

const PLAN_QUERIES: [string, string][] = [
  [
    "A person's first page (actor resolved to a GUID)",
    `SELECT * FROM audit_events e WHERE e.project_id = 'default' AND e.actor_guid = '${guid(4242)}' AND e.source_api <> 'read-audit' ORDER BY e.seq DESC LIMIT 50`,
  ],
  [
    "A page deep in a person's history (keyset cursor)",
    `SELECT * FROM audit_events e WHERE e.project_id = 'default' AND e.actor_guid = '${guid(4242)}' AND e.source_api <> 'read-audit' AND e.seq < 200000 ORDER BY e.seq DESC LIMIT 50`,
  ],
  [
    'Free text (q=escalated compliance)',
    `SELECT * FROM audit_events e WHERE e.project_id = 'default' AND e.search_vector @@ '''escalated'' & ''compliance'''::tsquery AND e.source_api <> 'read-audit' ORDER BY e.seq DESC LIMIT 50`,
  ],
  [
    'Action prefix (action=user.login.*)',
    `SELECT * FROM audit_events e WHERE e.project_id = 'default' AND e.action LIKE 'user.login.%' AND e.source_api <> 'read-audit' ORDER BY e.seq DESC LIMIT 50`,
  ],
  [
    'Export (cursor over the whole project)',
    `SELECT * FROM audit_events e WHERE e.project_id = 'default' AND e.source_api <> 'read-audit' ORDER BY e.seq DESC`,
  ],
];

async function writePlans(url: string, root: string): Promise<void> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const sections: string[] = [];
  try {
    for (const [title, sql] of PLAN_QUERIES) {
      const analyze = !sql.endsWith('ORDER BY e.seq DESC');
      const { rows } = await pg.query(`EXPLAIN (${analyze ? 'ANALYZE, BUFFERS, ' : ''}COSTS) ${sql}`);
      sections.push(`## ${title}\n\n\`\`\`sql\n${sql}\n\`\`\`\n\n\`\`\`\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`);
    }
  } finally {
    await pg.end();
  }
  const header = `# Query plans of the hot read paths\n\nPostgreSQL, ${EVENTS.toLocaleString('en-US')} events from ${PEOPLE.toLocaleString('en-US')} people, written by \`npm run bench\` (bench/query-bench.ts) on ${new Date().toISOString().slice(0, 10)}. The SQL is what the reader (src/event-store/event-reader.ts) generates, with the selected columns shortened to \`*\`. The export plan is shown without ANALYZE: it runs as a server-side cursor and is read a batch at a time.\n\n`;
  writeFileSync(join(root, 'docs', 'query-plans.md'), header + sections.join('\n'));
}

/** The widget's own Search query, as logs-viewer 2.10.1 sends it. */
const WIDGET_SEARCH = `query Search($query: String!, $last: Int, $before: String) { search(query: $query, last: $last, before: $before) { totalCount pageInfo { hasPreviousPage } edges { cursor node { id action crud created received canonical_time description actor { id name href } group { id name } target { id name href type } display { markdown } is_failure is_anonymous source_ip country loc_subdiv1 loc_subdiv2 } } } }`;

/** A viewer session of one group (50,000 of the seeded events) asking for its first page, 200 times, each a fresh view. */
async function viewerFirstPages(service: string, adminToken: string): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < 200; k++) {
    const group = `tenant-${k % 20}`;
    const minted = (await (
      await fetch(`${service}/publisher/v1/project/default/viewertoken?group_id=${group}&actor_id=viewer${k}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json()) as { token: string };
    const { token } = (await (
      await fetch(`${service}/auditlog/viewer/v1/viewersession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: minted.token }),
      })
    ).json()) as { token: string };
    const started = performance.now();
    const response = await fetch(`${service}/auditlog/viewer/v1/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ query: WIDGET_SEARCH, variables: { query: 'crud:c,r,u,d', last: 20, before: '' } }),
    });
    const body = (await response.json()) as { data?: { search?: { totalCount: number; edges?: unknown[] } } };
    times.push(performance.now() - started);
    if (body.data?.search?.edges?.length !== 20 || body.data.search.totalCount !== 50_000)
      throw new Error(`viewer first page of ${group}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return times;
}

/** The console's person page asks for the histogram and the facets together; each is timed. */
async function personCounts(service: string, adminToken: string): Promise<{ histogram: number[]; facets: number[] }> {
  const histogram: number[] = [];
  const facets: number[] = [];
  for (let k = 0; k < 200; k++) {
    const person = (k * 6007) % PEOPLE;
    const alias = encodeURIComponent([`user${person}`, `user${person}@corp.example.com`][k % 2]);
    const [h, f] = await Promise.all([
      timedGet(`${service}/audit/v1/events/histogram?actor=${alias}&tz_offset=0`, adminToken),
      timedGet(`${service}/audit/v1/events/facets?actor=${alias}`, adminToken),
    ]);
    if (h.body.total !== 100 || f.body.total !== 100)
      throw new Error(`person ${person}: histogram ${h.body.total}, facets ${f.body.total} (expected 100 each)`);
    histogram.push(h.ms);
    facets.push(f.ms);
  }
  return { histogram, facets };
}

const FIRST = ['John', 'Maria', 'Wei', 'Aisha', 'Olga', 'Pedro', 'Kenji', 'Fatima', 'Liam', 'Noor'];
const LAST = ['Smith', 'Garcia', 'Chen', 'Khan', 'Ivanova', 'Silva', 'Sato', 'Haddad', 'Murphy', 'Ali', 'Novak', 'Jensen'];

/** 90,000 more people (names shared by many, as in a real directory), so the picker searches 100,000. */
async function seedPickerPeople(url: string): Promise<void> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    await pg.query(`INSERT INTO directory_people (guid, source, username, upn, email, dn, display_name, groups, disabled, deleted, first_seen_at, last_seen_at)
      SELECT '10000000-0000-4000-8000-' || lpad(i::text, 12, '0'), 'provisioning', 'p' || i, 'p' || i || '@corp.example.com', 'person' || i || '@corp.example.com',
             'uid=p' || i || ',ou=staff,dc=corp,dc=example,dc=com',
             (ARRAY[${FIRST.map((n) => `'${n}'`).join(',')}])[1 + i % ${FIRST.length}] || ' ' || (ARRAY[${LAST.map((n) => `'${n}'`).join(',')}])[1 + (i / ${FIRST.length}) % ${LAST.length}],
             '[{"dn":"cn=staff,ou=groups,dc=corp,dc=example,dc=com","name":"staff"}]', i % 97 = 0, false, 0, 0
      FROM generate_series(0, ${PICKER_PEOPLE - PEOPLE - 1}) AS i`);
  } finally {
    await pg.end();
  }
}

/** What people type into the picker: starts of names, usernames, emails and DNs. */
function pickerQuery(k: number): string {
  /** One of the 90,000 extra people (p0 … p89999). */
  const n = (k * 7919) % (PICKER_PEOPLE - PEOPLE);
  const options = [
    FIRST[k % FIRST.length].slice(0, 2 + (k % 3)),
    `${FIRST[k % FIRST.length]} ${LAST[k % LAST.length].slice(0, 2)}`,
    LAST[k % LAST.length].slice(0, 3),
    `user${(k * 131) % PEOPLE}`.slice(0, 4 + (k % 4)),
    `person${n}@corp`,
    `uid=p${n}`,
  ];
  return options[k % options.length];
}

async function pickerSuggestions(service: string, adminToken: string): Promise<number[]> {
  const times: number[] = [];
  for (let k = 0; k < 300; k++) {
    const q = pickerQuery(k);
    const { ms, body } = await timedGet(`${service}/identity/v1/people?q=${encodeURIComponent(q)}&limit=8`, adminToken);
    if (!Array.isArray(body.people) || body.people.length === 0) throw new Error(`no suggestions for ${q}`);
    times.push(ms);
  }
  return times;
}

/** A signed-in console in Chromium: navigation to a person page until their first events are on screen. */
async function consolePersonPages(service: string, adminToken: string): Promise<number[]> {
  const signIn = await fetch(`${service}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: adminToken }),
  });
  if (signIn.status !== 201) throw new Error(`console sign-in answered ${signIn.status}`);
  const value = (signIn.headers.get('set-cookie') ?? '').split(';')[0].split('=')[1];
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'audit_console', value, url: service }]);
    const page = await context.newPage();
    // The first visit fetches and compiles the console's script; later ones find it cached, as an admin's browser would.
    await page.goto(`${service}/console/person/user1`);
    await page.locator('table.events tbody tr').first().waitFor();
    const times: number[] = [];
    for (let k = 0; k < 30; k++) {
      const person = (k * 313) % PEOPLE;
      const started = performance.now();
      await page.goto(`${service}/console/person/${encodeURIComponent(`user${person}@corp.example.com`)}`);
      await page.locator('table.events tbody tr').first().waitFor();
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await browser.close();
  }
}

export async function queryBench(adminToken: string, root: string): Promise<QueryBenchResult> {
  const db = await createTestDatabase('postgres');
  try {
    // Migrations run on the first start; seeding happens with the service stopped.
    let server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' });
    await server.stop();
    const seedS = await seed(db.url);
    server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' });
    try {
      const base = `${server.baseUrl}/audit/v1/events`;
      const auth = { authorization: `Bearer ${adminToken}` };
      // The seeded events were never sealed: seal them all now (as the first pass after an upgrade
      // would), then verify the whole chain, before the reads are timed.
      let started = performance.now();
      const sealResponse = await fetch(`${server.baseUrl}/audit/v1/integrity/seal`, { method: 'POST', headers: auth });
      const sealed = (await sealResponse.json()) as { sealed_events: number };
      const sealS = (performance.now() - started) / 1000;
      started = performance.now();
      const verified = (await (await fetch(`${server.baseUrl}/audit/v1/integrity?project=default`, { headers: auth })).json()) as {
        ok: boolean;
        sealed_events: number;
      };
      const verifyS = (performance.now() - started) / 1000;
      if (!verified.ok || verified.sealed_events !== EVENTS) throw new Error(`integrity check of the seeded events failed: ${JSON.stringify(verified)}`);
      const aliasTimes: number[] = [];
      const deepTimes: number[] = [];
      const textTimes: number[] = [];
      for (let k = 0; k < 200; k++) {
        const person = (k * 7919) % PEOPLE;
        const alias = [`user${person}`, `user${person}@corp.example.com`, `uid=user${person},ou=people,dc=corp,dc=example,dc=com`][k % 3];
        const first = await timedGet(`${base}?actor=${encodeURIComponent(alias)}&limit=10`, adminToken);
        aliasTimes.push(first.ms);
        if (first.body.events.length !== 10) throw new Error(`expected a full first page for ${alias}`);
        // Nine pages down (events 90-99 of the person's 100).
        let cursor = first.body.next_cursor;
        for (let page = 1; page < 9; page++)
          cursor = (await timedGet(`${base}?actor=${encodeURIComponent(alias)}&limit=10&cursor=${cursor}`, adminToken)).body.next_cursor;
        deepTimes.push((await timedGet(`${base}?actor=${encodeURIComponent(alias)}&limit=10&cursor=${cursor}`, adminToken)).ms);
        textTimes.push((await timedGet(`${base}?q=${encodeURIComponent(k % 2 ? 'escalated compliance' : `report ${k}`)}&limit=50`, adminToken)).ms);
      }
      const viewerTimes = await viewerFirstPages(server.baseUrl, adminToken);
      const counts = await personCounts(server.baseUrl, adminToken);
      const rssBefore = rssMiB(server.pid!);
      const rates = { ndjson: 0, csv: 0, copy: 0 };
      let rows = 0;
      for (let round = 0; round < 2; round++) {
        const copied = await copyRows(db.url);
        rates.copy = Math.max(rates.copy, copied.rate);
        for (const format of ['ndjson', 'csv'] as const) {
          const run = await exportRows(`${base}/export?format=${format}`, adminToken);
          if (run.rows !== EVENTS || copied.rows !== EVENTS) throw new Error(`${format} export: ${run.rows} rows, COPY ${copied.rows}, of ${EVENTS}`);
          rows = run.rows;
          rates[format] = Math.max(rates[format], run.rate);
        }
      }
      const result: QueryBenchResult = {
        events: EVENTS,
        people: PEOPLE,
        seed_s: seedS,
        first_page_by_alias_p50_ms: percentile(aliasTimes, 50),
        first_page_by_alias_p95_ms: percentile(aliasTimes, 95),
        deep_page_p95_ms: percentile(deepTimes, 95),
        free_text_p95_ms: percentile(textTimes, 95),
        viewer_first_page_p50_ms: percentile(viewerTimes, 50),
        viewer_first_page_p95_ms: percentile(viewerTimes, 95),
        person_histogram_p95_ms: percentile(counts.histogram, 95),
        person_facets_p95_ms: percentile(counts.facets, 95),
        picker_people: PICKER_PEOPLE,
        people_suggest_p50_ms: 0,
        people_suggest_p95_ms: 0,
        console_person_page_p50_ms: 0,
        console_person_page_p95_ms: 0,
        console_js_gzip_kib: Math.round(JSON.parse(readFileSync(join(root, 'dist', 'console', 'size.json'), 'utf8')).js_gzip_bytes / 102.4) / 10,
        export_rows: rows,
        export_rows_per_s: rates.ndjson,
        csv_export_rows_per_s: rates.csv,
        copy_rows_per_s: rates.copy,
        export_peak_rss_mib: peakRssMiB(server.pid!),
        rss_before_export_mib: rssBefore,
        sealed_events: sealed.sealed_events,
        seal_events_per_s: Math.round(sealed.sealed_events / sealS),
        verify_events_per_s: Math.round(verified.sealed_events / verifyS),
      };
      await writePlans(db.url, root);
      // The picker's directory: 100,000 people, loaded into the mirror at start-up.
      await server.stop();
      await seedPickerPeople(db.url);
      server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' });
      const suggestions = await pickerSuggestions(server.baseUrl, adminToken);
      result.people_suggest_p50_ms = percentile(suggestions, 50);
      result.people_suggest_p95_ms = percentile(suggestions, 95);
      const pages = await consolePersonPages(server.baseUrl, adminToken);
      result.console_person_page_p50_ms = percentile(pages, 50);
      result.console_person_page_p95_ms = percentile(pages, 95);
      return result;
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}
