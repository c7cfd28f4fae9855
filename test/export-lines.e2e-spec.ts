import type { EventStoreDialect } from '../src/event-store/event-store-dialect';
import { POSTGRES_EVENT_STORE } from '../src/event-store/postgres/postgres-event-store';
import { PostgresEventSearch } from '../src/event-store/postgres/postgres-event-search';
import { SQLITE_EVENT_STORE } from '../src/event-store/sqlite/sqlite-event-store';
import { publisherEvent } from './factories/publisher-event';
import { DIALECTS, type TestDatabase, createTestDatabase } from './support/databases';
import { type TestApp, adminHeaders, postJson, startTestApp } from './support/test-app';

/**
 * Each built-in event store with exports read the plain way, row by row over the driver and
 * rendered in the service: SQLite without lines rendered in SQL, PostgreSQL through a cursor, not COPY.
 */
const ROW_BY_ROW: Record<string, EventStoreDialect> = {
  sqlite: {
    ...SQLITE_EVENT_STORE,
    name: 'sqlite, rows rendered in the service',
    search: (ds) => {
      const search = SQLITE_EVENT_STORE.search(ds);
      return { fullText: search.fullText.bind(search), anyOf: search.anyOf.bind(search), batches: search.batches.bind(search) };
    },
  },
  postgres: { ...POSTGRES_EVENT_STORE, name: 'postgres, through a cursor', search: (ds) => new PostgresEventSearch(ds, { copy: false }) },
};

const AWKWARD = [
  'plain',
  'quote " and backslash \\ and slash /',
  'tab\there, newline\nhere, return\rhere',
  'controls \u0001\u0007\u001f\u007f end (NUL is refused at the door)',
  '=HYPERLINK("http://evil.example")',
  '+1',
  '-2',
  '@SUM(A1)',
  '\tstarts with a tab',
  '\rstarts with a return',
  'comma, inside',
  '-minus, and a comma',
  'Zoë 🚀 文档 \u2028 \u2029 \ufeff',
  '',
  ' leading and trailing ',
];

/**
 * Exports read the fast way (SQLite: each line rendered in SQL; PostgreSQL: COPY) are the same
 * bytes, row for row, as reading and rendering row by row — for every awkward value an event can hold.
 */
describe.each(DIALECTS)('exports rendered by the database on %s', (dialect) => {
  let db: TestDatabase;
  let sql: TestApp;
  let here: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    sql = await startTestApp(db.url);
    here = await startTestApp(db.url, { modules: { eventStore: { dialect: ROW_BY_ROW[dialect] } } });
    const events = AWKWARD.flatMap((value, i) => [
      publisherEvent({
        action: `awkward.${i}`,
        description: value,
        actor: { id: value || 'empty', name: value, href: `https://x.example/${i}`, fields: { [value || 'k']: value, '1': 'one', __proto__: 'p' } },
        target: { id: `t-${value}`, name: value, type: value, href: value },
        group: { id: value || 'g', name: value },
        fields: { 'a"b': value, '\\': '\n' },
        source_ip: '10.0.0.1',
        is_failure: i % 2 === 0,
        external_id: `ext-${i}`,
        component: value,
        version: value,
      }),
      publisherEvent({ action: `sparse.${i}`, crud: 'd', actor: undefined, is_anonymous: true, description: value }),
    ]);
    // Commas only where they are common (free text, names), formula starts where they are not (codes, ids).
    events.push(
      publisherEvent({
        action: 'mixed.0',
        description: 'a, b',
        actor: { id: 'uid=jo,ou=people', name: '=jo, the admin' },
        target: { id: '+t', name: 'Report, Q3', type: '@doc' },
        group: { id: '-g', name: 'Acme, Inc.' },
        component: '=c',
      }),
      publisherEvent({ action: 'mixed.1', description: '@desc', actor: { id: 'jo', name: 'Jo' }, target: { id: 'doc, 7', type: '=t' }, group: { id: 'g' } }),
    );
    const times = [
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:00.001Z',
      '2026-06-30T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '1900-02-28T12:34:56.789Z',
    ];
    events.push(...times.map((created, i) => publisherEvent({ action: `time.${i}`, created, description: created })));
    for (let i = 0; i < events.length; i += 10) {
      const response = await postJson(`${sql.baseUrl}/publisher/v1/project/default/event/bulk`, { events: events.slice(i, i + 10) }, adminHeaders());
      expect([i, response.status, response.status === 201 ? '' : await response.text()]).toEqual([i, 201, '']);
    }
    // The Audit API's shape too: no crud, actor, target or group.
    expect(
      (await postJson(`${sql.baseUrl}/audit/v1/event`, { action: 'user.login.success', description: 'john@example.com logged in', title: 'T', name: 'n' }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => {
    await here?.close();
    await sql?.close();
    await db?.drop();
  });

  const exported = async (app: TestApp, format: string) => {
    const response = await fetch(`${app.baseUrl}/audit/v1/events/export?format=${format}`, { headers: adminHeaders() });
    expect(response.status).toBe(200);
    return response.text();
  };

  it.each(['ndjson', 'csv'])('%s: the same bytes either way', async (format) => {
    const bySql = await exported(sql, format);
    const byService = await exported(here, format);
    const lines = format === 'csv' ? byService.split('\r\n').length : byService.split('\n').length;
    expect(lines).toBeGreaterThan(AWKWARD.length * 2);
    expect(bySql.length).toBe(byService.length);
    const a = bySql.split('\n');
    const b = byService.split('\n');
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect([i, a[i]]).toEqual([i, b[i]]);
  });

  it.each([
    ['action', 'awkward.1', true],
    ['action', 'awkward.*', true],
    ['actor', AWKWARD[1], true],
    ['actor', "o'brien\\' OR '1'='1", false],
    ['group', AWKWARD[10], true],
    ['target', `t-${AWKWARD[4]}`, true],
    ['q', 'quote backslash', true],
    ['q', "it's \\ $1 $$", false],
    ['failure', 'true', true],
    ['since', '1970-01-01T00:00:00.000Z', true],
  ])('a filtered export (%s=%s) finds the same rows either way', async (name, value, found) => {
    const url = (app: TestApp) => `${app.baseUrl}/audit/v1/events/export?format=ndjson&${name}=${encodeURIComponent(value)}`;
    const [bySql, byService] = await Promise.all(
      [sql, here].map(async (app) => {
        const response = await fetch(url(app), { headers: adminHeaders() });
        return [response.status, await response.text()] as const;
      }),
    );
    expect(bySql[0]).toBe(200);
    expect(bySql[1].length > 0).toBe(found);
    expect(bySql).toEqual(byService);
  });

  it('ndjson: every line parses to the event the listing shows', async () => {
    const lines = (await exported(sql, 'ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const listed = (await (await fetch(`${sql.baseUrl}/audit/v1/events?limit=1000`, { headers: adminHeaders() })).json()).events;
    expect(lines).toEqual(listed);
  });
});

/**
 * Thousands of events, plain ones (rendered from COPY's bytes as they are) among awkward ones
 * (rendered value by value), so that rows of both kinds fall on every side of chunk boundaries.
 */
describe.each(DIALECTS)('a large export rendered by the database on %s', (dialect) => {
  let db: TestDatabase;
  let sql: TestApp;
  let here: TestApp;
  const EVENTS = 3_000;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    sql = await startTestApp(db.url);
    here = await startTestApp(db.url, { modules: { eventStore: { dialect: ROW_BY_ROW[dialect] } } });
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const awkward = i % 37 === 0 ? AWKWARD[(i / 37) % AWKWARD.length] : undefined;
      return publisherEvent({
        action: `bulk.${i % 5}`,
        description: awkward ?? `event ${i}, "quoted" and plain`,
        is_anonymous: i % 11 === 0,
        actor: i % 11 === 0 ? undefined : { id: `user${i % 50}`, name: awkward ?? `User ${i % 50}`, fields: i % 3 === 0 ? { dept: `d,${i % 4}` } : undefined },
        target: i % 2 === 0 ? { id: `doc-${i}`, type: 'document' } : undefined,
        group: { id: `tenant-${i % 3}`, name: 'Tenant' },
        fields: i % 4 === 0 ? undefined : { region: 'eu-west', n: `${i}` },
        is_failure: i % 9 === 0,
        created: new Date(Date.UTC(2026, 0, 1) + i * 37_000_123).toISOString(),
      });
    });
    for (let i = 0; i < events.length; i += 500) {
      const response = await postJson(`${sql.baseUrl}/publisher/v1/project/default/event/bulk`, { events: events.slice(i, i + 500) }, adminHeaders());
      expect([i, response.status, response.status === 201 ? '' : await response.text()]).toEqual([i, 201, '']);
    }
  });
  afterAll(async () => {
    await here?.close();
    await sql?.close();
    await db?.drop();
  });

  it.each(['ndjson', 'csv'])('%s: the same bytes either way', async (format) => {
    const [bySql, byService] = await Promise.all(
      [sql, here].map(async (app) => (await fetch(`${app.baseUrl}/audit/v1/events/export?format=${format}`, { headers: adminHeaders() })).text()),
    );
    const lines = bySql.split('\n');
    // A CSV cell may hold a newline of its own.
    if (format === 'ndjson') expect(lines.length).toBe(EVENTS + 1);
    else expect(lines.length).toBeGreaterThan(EVENTS + 1);
    const expected = byService.split('\n');
    for (let i = 0; i < Math.max(lines.length, expected.length); i++) expect([i, lines[i]]).toEqual([i, expected[i]]);
  });
});
