import { Client } from 'pg';
import { POSTGRES_ADMIN_URL, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, postJson, readAllEvents, startTestApp } from './support/test-app';

jest.setTimeout(60_000);

/** How long the token service trusts a verified token without the database (src/tenancy/token.service.ts). */
const TOKEN_CACHE_MS = 5_000;
/** How long the database refuses connections: longer than the token cache, so the load's cached token expires mid-outage. */
const OUTAGE_MS = TOKEN_CACHE_MS + 1_500;
const WORKERS = 4;
const GRAPHQL_QUERY = '{ search(query: "", last: 5) { totalCount edges { node { id action } } } }';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** One write the client made: the actions it carried (all unique) and how the service answered. */
interface Write {
  actions: string[];
  api: 'audit-api' | 'publisher' | 'publisher-bulk';
  status: number;
  retryAfter: string | null;
  detail?: string;
}

/** One call of every endpoint, with the tokens to use. */
interface EndpointCall {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The answer when the database is up. */
  success: number;
  /** The actions of audit events this call writes itself (so the ledger knows them). */
  actions?: string[];
}

async function call(baseUrl: string, c: EndpointCall): Promise<{ status: number; retryAfter: string | null; text: string; contentType: string | null }> {
  const response = await fetch(`${baseUrl}${c.path}`, {
    method: c.method,
    headers: { ...c.headers, ...(c.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text, contentType: response.headers.get('content-type') };
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 300) };
  }
}

describe('a PostgreSQL outage under load', () => {
  let db: TestDatabase | undefined;
  let t: TestApp | undefined;
  let dbName: string | undefined;
  let stopLoad: (() => Promise<void>) | undefined;

  const setAllowConnections = (allow: boolean) =>
    withClient(POSTGRES_ADMIN_URL, async (c) => {
      await c.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`);
      if (!allow) await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
    });

  afterEach(async () => {
    // Whatever happened, give the database back before anything else needs it.
    if (dbName) await setAllowConnections(true).catch((error) => process.stderr.write(`could not re-allow connections: ${(error as Error).message}\n`));
    await stopLoad?.().catch(() => undefined);
    await t?.close().catch(() => undefined);
    await db?.drop();
    db = t = dbName = stopLoad = undefined;
  });

  it('answers 503 with Retry-After on every endpoint, stores nothing refused, keeps everything acknowledged, and recovers without a restart', async () => {
    db = await createTestDatabase('postgres');
    dbName = new URL(db.url).pathname.slice(1);
    // Every refused request logs an error line; OUTAGE_LOG_LEVEL=error shows them (and any 500's cause).
    t = await startTestApp(db.url, {
      env: { INTEGRITY_SEAL_INTERVAL_S: '0', AUTH_FAILURES_PER_MINUTE: '0', LOG_LEVEL: process.env.OUTAGE_LOG_LEVEL ?? 'fatal' },
    });
    const base = t.baseUrl;

    // --- 1. A project and its tokens, made through the admin API.
    const adminPost = async (path: string, body: unknown, headers = adminHeaders()) => {
      const response = await postJson(`${base}${path}`, body, headers);
      expect({ path, status: response.status }).toEqual({ path, status: 201 });
      return response.json();
    };
    const project: string = (await adminPost('/admin/v1/project', { name: 'outage' })).id;
    const mint = async (name: string, scope: string): Promise<string> => (await adminPost(`/admin/v1/project/${project}/token`, { name, scope })).token;
    const mintInstanceAdmin = async (name: string): Promise<string> => (await adminPost('/admin/v1/token', { name, scope: 'admin' })).token;
    const loadPublish = await mint('load-publish', 'publish');
    // Never used before the outage: verifying them needs the database.
    const coldRead = await mint('cold-read', 'read');
    const coldPublish = await mint('cold-publish', 'publish');
    const coldAdmin = await mintInstanceAdmin('cold-admin');

    // --- 2. Background load: every answer is recorded against the unique actions it carried.
    const writes: Write[] = [];
    const record = async (api: Write['api'], actions: string[], send: () => Promise<Response>): Promise<Write> => {
      let write: Write;
      try {
        const response = await send();
        const text = await response.text();
        write = {
          actions,
          api,
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          detail: response.status === 201 ? undefined : text.slice(0, 300),
        };
      } catch (error) {
        write = { actions, api, status: -1, retryAfter: null, detail: `request failed: ${(error as Error).message}` };
      }
      writes.push(write);
      return write;
    };
    const auditApiPost = (action: string) =>
      record('audit-api', [action], () => postJson(`${base}/audit/v1/event`, { action, crud: 'c', actor: { id: 'load-user' }, external_id: action }));
    const publisherPost = (action: string, token = loadPublish) =>
      record('publisher', [action], () =>
        postJson(`${base}/publisher/v1/project/${project}/event`, { action, crud: 'u', actor: { id: 'load-user' }, external_id: action }, bearer(token)),
      );
    const publisherBulk = (actions: string[], token = loadPublish) =>
      record('publisher-bulk', actions, () =>
        postJson(
          `${base}/publisher/v1/project/${project}/event/bulk`,
          { events: actions.map((action) => ({ action, crud: 'd', actor: { id: 'load-user' }, external_id: action })) },
          bearer(token),
        ),
      );

    let stopping = false;
    const worker = async (w: number) => {
      for (let i = 0; !stopping; i++) {
        const action = `load.w${w}.${i}`;
        const kind = (w + i) % 3;
        const write =
          kind === 0 ? await auditApiPost(action) : kind === 1 ? await publisherPost(action) : await publisherBulk([`${action}.b0`, `${action}.b1`]);
        // Refused: pause a little, as a client honouring Retry-After would (only shorter, to keep the pressure on).
        if (write.status !== 201) await sleep(20);
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    stopLoad = async () => {
      stopping = true;
      await Promise.all(workers);
    };
    // Some load is acknowledged before the outage.
    const deadlineBefore = Date.now() + 10_000;
    while (writes.filter((w) => w.status === 201).length < 20 && Date.now() < deadlineBefore) await sleep(20);

    // Tokens verified just now: cached for TOKEN_CACHE_MS, so during the outage their requests get past
    // authentication and fail on the handler's own database work.
    const hotRead = await mint('hot-read', 'read');
    const hotPublish = await mint('hot-publish', 'publish');
    const hotAdmin = await mintInstanceAdmin('hot-admin');
    const warmedAt = Date.now();
    expect((await fetch(`${base}/audit/v1/events?project=${project}&limit=1`, { headers: bearer(hotRead) })).status).toBe(200);
    expect((await publisherPost('warm.hot-publish', hotPublish)).status).toBe(201);
    expect((await fetch(`${base}/admin/v1/project`, { headers: bearer(hotAdmin) })).status).toBe(200);

    // What is stored apart from the ledger's writes; nothing of the outage's refused calls may add to it.
    const ledgerPattern = `action LIKE 'load.%' OR action LIKE 'poll.%' OR action LIKE 'outage.%' OR action LIKE 'warm.%' OR action LIKE 'after.%'`;
    const otherEvents = () =>
      withClient(db!.url, async (c) => (await c.query(`SELECT id FROM audit_events WHERE NOT (${ledgerPattern}) ORDER BY id`)).rows.map((r) => r.id as string));
    const otherBefore = await otherEvents();

    // --- 3. The database refuses connections, and the open ones are cut.
    const outageStarted = Date.now();
    await setAllowConnections(false);

    // --- 4. Every endpoint answers 503 with Retry-After while it lasts.
    const noticeDeadline = Date.now() + 10_000;
    let noticed: Write | undefined;
    for (let n = 0; Date.now() < noticeDeadline; n++) {
      noticed = await auditApiPost(`outage.notice.${n}`);
      if (noticed.status === 503) break;
      await sleep(20);
    }
    expect(noticed?.status).toBe(503);

    const outageUuid = '0b6f3c52-5c1e-4d53-9a77-000000000001';
    const endpoints = (phase: 'outage' | 'after', read: string, publish: string, adminToken: string): EndpointCall[] => [
      {
        name: 'POST /audit/v1/event',
        method: 'POST',
        path: '/audit/v1/event',
        headers: {},
        body: { action: `${phase}.audit-api`, crud: 'c', external_id: `${phase}.audit-api` },
        success: 201,
        actions: [`${phase}.audit-api`],
      },
      {
        name: 'POST publisher event',
        method: 'POST',
        path: `/publisher/v1/project/${project}/event`,
        headers: bearer(publish),
        body: { action: `${phase}.publisher`, crud: 'c', actor: { id: 'u1' }, external_id: `${phase}.publisher` },
        success: 201,
        actions: [`${phase}.publisher`],
      },
      {
        name: 'POST publisher event/bulk',
        method: 'POST',
        path: `/publisher/v1/project/${project}/event/bulk`,
        headers: bearer(publish),
        body: { events: [0, 1].map((i) => ({ action: `${phase}.bulk.${i}`, crud: 'r', actor: { id: 'u1' }, external_id: `${phase}.bulk.${i}` })) },
        success: 201,
        actions: [`${phase}.bulk.0`, `${phase}.bulk.1`],
      },
      {
        name: 'POST publisher graphql',
        method: 'POST',
        path: `/publisher/v1/project/${project}/graphql`,
        headers: bearer(read),
        body: { query: GRAPHQL_QUERY },
        success: 200,
      },
      { name: 'GET /audit/v1/events', method: 'GET', path: `/audit/v1/events?project=${project}&limit=5`, headers: bearer(read), success: 200 },
      {
        name: 'GET /audit/v1/events/export',
        method: 'GET',
        path: `/audit/v1/events/export?project=${project}&format=ndjson`,
        headers: bearer(read),
        success: 200,
      },
      { name: 'GET /audit/v1/integrity', method: 'GET', path: `/audit/v1/integrity?project=${project}`, headers: bearer(read), success: 200 },
      { name: 'POST /audit/v1/integrity/seal', method: 'POST', path: '/audit/v1/integrity/seal', headers: bearer(adminToken), body: {}, success: 200 },
      {
        name: 'POST /admin/v1/project',
        method: 'POST',
        path: '/admin/v1/project',
        headers: bearer(adminToken),
        body: { name: `${phase}-project` },
        success: 201,
      },
      { name: 'GET /admin/v1/project', method: 'GET', path: '/admin/v1/project', headers: bearer(adminToken), success: 200 },
      {
        name: 'POST project token',
        method: 'POST',
        path: `/admin/v1/project/${project}/token`,
        headers: bearer(adminToken),
        body: { name: `${phase}-token`, scope: 'read' },
        success: 201,
      },
      { name: 'GET project tokens', method: 'GET', path: `/admin/v1/project/${project}/token`, headers: bearer(adminToken), success: 200 },
      {
        name: 'POST /provisioning/v1/user/create',
        method: 'POST',
        path: '/provisioning/v1/user/create',
        headers: bearer(adminToken),
        body: { uuid: phase === 'outage' ? outageUuid : '0b6f3c52-5c1e-4d53-9a77-000000000002', username: `${phase}-user` },
        success: 201,
      },
    ];
    // Without a cached verification, authentication itself needs the database.
    const coldCalls: EndpointCall[] = [
      {
        name: 'GET /audit/v1/events (uncached read token)',
        method: 'GET',
        path: `/audit/v1/events?project=${project}&limit=5`,
        headers: bearer(coldRead),
        success: 200,
      },
      {
        name: 'POST publisher event (uncached publish token)',
        method: 'POST',
        path: `/publisher/v1/project/${project}/event`,
        headers: bearer(coldPublish),
        body: { action: 'outage.cold-publisher', crud: 'c', actor: { id: 'u1' } },
        success: 201,
        actions: ['outage.cold-publisher'],
      },
      { name: 'GET /admin/v1/project (uncached admin token)', method: 'GET', path: '/admin/v1/project', headers: bearer(coldAdmin), success: 200 },
    ];

    const outageCalls = endpoints('outage', hotRead, hotPublish, hotAdmin);
    const outcomes: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    const recordCall = (c: EndpointCall, answer: Awaited<ReturnType<typeof call>>) => {
      const body = parseJson(answer.text);
      outcomes[c.name] = {
        status: answer.status,
        retryAfter: /^[1-9][0-9]*$/.test(answer.retryAfter ?? '') ? 'positive integer' : answer.retryAfter,
        json: /application\/json/.test(answer.contentType ?? ''),
        statusCode: body?.statusCode,
        ...(answer.status === 503 ? {} : { body: answer.text.slice(0, 300) }),
      };
      expected[c.name] = { status: 503, retryAfter: 'positive integer', json: true, statusCode: 503 };
      if (c.actions)
        writes.push({
          actions: c.actions,
          api: c.path.startsWith('/audit/') ? 'audit-api' : c.path.endsWith('/bulk') ? 'publisher-bulk' : 'publisher',
          status: answer.status,
          retryAfter: answer.retryAfter,
        });
    };
    for (const c of outageCalls) recordCall(c, await call(base, c));
    const hotCallsDoneAt = Date.now();
    for (const c of coldCalls) recordCall(c, await call(base, c));
    expect(outcomes).toEqual(expected);
    // Otherwise the cached tokens had expired and only authentication's database access was tested.
    expect(hotCallsDoneAt - warmedAt).toBeLessThan(TOKEN_CACHE_MS);

    // Hold the outage past the token cache: the load's own token now needs the database too.
    const holdUntil = outageStarted + OUTAGE_MS;
    while (Date.now() < holdUntil) await sleep(50);

    // --- 5. The database is back; the service notices by itself.
    await setAllowConnections(true);
    const recoveryDeadline = Date.now() + 20_000;
    let recovered = false;
    for (let n = 0; !recovered && Date.now() < recoveryDeadline; n++) {
      recovered = (await auditApiPost(`poll.recovery.${n}`)).status === 201;
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    // The load runs on a moment, so it gets acknowledged after the outage too.
    const loadAcknowledged = () => writes.filter((w) => w.status === 201 && w.actions[0].startsWith('load.')).length;
    const ackedAtRecovery = loadAcknowledged();
    const deadlineAfter = Date.now() + 10_000;
    while (loadAcknowledged() < ackedAtRecovery + 20 && Date.now() < deadlineAfter) await sleep(20);
    await stopLoad();

    // The load only ever heard 201 or 503 (never a 500, never a dropped connection), and every 503 said when to retry.
    const loadWrites = writes.filter((w) => w.actions[0].startsWith('load.') || w.actions[0].startsWith('poll.') || w.actions[0].startsWith('warm.'));
    expect(loadWrites.filter((w) => w.status !== 201 && w.status !== 503)).toEqual([]);
    expect(loadWrites.filter((w) => w.status === 503 && !/^[1-9][0-9]*$/.test(w.retryAfter ?? ''))).toEqual([]);
    const refusedLoad = loadWrites.filter((w) => w.status === 503);
    // The load really ran into the outage, on both APIs, and was acknowledged before and after it.
    expect(new Set(refusedLoad.map((w) => w.api))).toEqual(new Set(['audit-api', 'publisher', 'publisher-bulk']));
    expect(loadAcknowledged()).toBeGreaterThanOrEqual(ackedAtRecovery + 20);
    expect(ackedAtRecovery).toBeGreaterThanOrEqual(20);

    // --- 6. Nothing of the refused calls was stored: no trail event, no project, no token, no person.
    expect(await otherEvents()).toEqual(otherBefore);
    const leftovers = await withClient(db.url, async (c) => ({
      projects: (await c.query("SELECT name FROM projects WHERE name = 'outage-project'")).rows,
      tokens: (await c.query("SELECT name FROM api_tokens WHERE name = 'outage-token'")).rows,
      people: (await c.query('SELECT guid FROM directory_people WHERE guid = $1', [outageUuid])).rows,
    }));
    expect(leftovers).toEqual({ projects: [], tokens: [], people: [] });
    // Not in the in-memory mirror either.
    expect((await fetch(`${base}/identity/v1/user/${outageUuid}`, { headers: adminHeaders() })).status).toBe(404);

    // Every acknowledged write is stored exactly once, and no refused one is.
    const acknowledged = writes.filter((w) => w.status === 201).flatMap((w) => w.actions);
    const refused = writes.filter((w) => w.status !== 201).flatMap((w) => w.actions);
    expect(refused.length).toBeGreaterThan(0);
    const stored = await withClient(
      db.url,
      async (c) =>
        (await c.query(`SELECT action, external_id FROM audit_events WHERE ${ledgerPattern}`)).rows as { action: string; external_id: string | null }[],
    );
    const storedActions = stored.map((r) => r.action);
    expect(storedActions.length).toBe(new Set(storedActions).size);
    expect(storedActions.filter((a) => refused.includes(a))).toEqual([]);
    expect([...storedActions].sort()).toEqual([...acknowledged].sort());
    expect(stored.filter((r) => r.action.startsWith('load.') && r.external_id !== r.action)).toEqual([]);
    // The listing serves them too, in both projects.
    const listed = [...(await readAllEvents(base, 'default')), ...(await readAllEvents(base, project))]
      .map((e) => e.action as string)
      .filter((a) => /^(load|poll|warm|outage)\./.test(a));
    expect(listed.sort()).toEqual([...acknowledged].sort());

    // No sequence number was lost to a refused batch.
    const sequences = await withClient(
      db.url,
      async (c) =>
        (
          await c.query(
            'SELECT p.id, p.last_seq::int AS last_seq, count(e.id)::int AS events, coalesce(max(e.seq), 0)::int AS max_seq FROM projects p LEFT JOIN audit_events e ON e.project_id = p.id GROUP BY p.id, p.last_seq',
          )
        ).rows,
    );
    expect(sequences.filter((s) => s.last_seq !== s.events || s.max_seq !== s.events)).toEqual([]);

    // --- Recovery without restart: every endpoint answers as usual, with cached and previously refused tokens alike.
    const afterCalls = [
      ...endpoints('after', hotRead, hotPublish, hotAdmin),
      ...coldCalls.map((c) => ({ ...c, body: c.actions ? { action: 'after.cold-publisher', crud: 'c', actor: { id: 'u1' } } : c.body })),
    ];
    const afterOutcomes: Record<string, number> = {};
    const afterExpected: Record<string, number> = {};
    const afterBodies: Record<string, string> = {};
    for (const c of afterCalls) {
      const answer = await call(base, c);
      afterOutcomes[c.name] = answer.status;
      afterExpected[c.name] = c.success;
      afterBodies[c.name] = answer.text;
    }
    expect(afterOutcomes).toEqual(afterExpected);
    expect(parseJson(afterBodies['POST publisher graphql']).data.search.totalCount).toBeGreaterThan(0);
    const exported = afterBodies['GET /audit/v1/events/export']
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).action as string);
    expect(exported).toEqual(expect.arrayContaining(acknowledged.filter((a) => a.startsWith('load.') && storedInProject(a))));
    // Sealed after the outage, the chain of both projects verifies: no event changed, missing or inserted.
    expect((await postJson(`${base}/audit/v1/integrity/seal`, {}, adminHeaders())).status).toBe(200);
    for (const p of ['default', project]) {
      const report = await (await fetch(`${base}/audit/v1/integrity?project=${p}`, { headers: adminHeaders() })).json();
      expect({ project: p, ok: report.ok, problems: report.problems, sealed: report.sealed_events > 0 }).toEqual({
        project: p,
        ok: true,
        problems: [],
        sealed: true,
      });
    }

    /** Whether a load action went to the project (publisher) rather than `default` (Audit API). */
    function storedInProject(action: string): boolean {
      return writes.some((w) => w.actions.includes(action) && w.api !== 'audit-api');
    }
  });
});
