import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, postJson, readAllEvents, startTestApp } from './support/test-app';

type Json = any;

/** Each finding of the hostile review, as a regression test, on both databases. */
describe.each(DIALECTS)('hostile requests on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let project: string;
  let other: string;
  let publish: Record<string, string>;
  let read: Record<string, string>;

  const admin = async (path: string, body: unknown): Promise<Json> => {
    const response = await postJson(`${t.baseUrl}${path}`, body, adminHeaders());
    expect(response.status).toBe(201);
    return response.json();
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = async (path: string, headers = read) => {
    const response = await fetch(`${t.baseUrl}${path}`, { headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const publishMany = (count: number, action: string) =>
    postJson(
      `${t.baseUrl}/publisher/v1/project/${project}/event/bulk`,
      { events: Array.from({ length: count }, (_, i) => ({ action, crud: 'r', actor: { id: `u${i % 7}` }, description: `${'padding '.repeat(100)}${i}` })) },
      publish,
    );

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { REQUEST_TIMEOUT_MS: '1000', AUTH_FAILURES_PER_MINUTE: '0' } });
    project = (await admin('/admin/v1/project', { name: 'A' })).id;
    other = (await admin('/admin/v1/project', { name: 'B' })).id;
    publish = bearer((await admin(`/admin/v1/project/${project}/token`, { name: 'p', scope: 'publish' })).token);
    read = bearer((await admin(`/admin/v1/project/${project}/token`, { name: 'r', scope: 'read' })).token);
    // Enough rows (≈ 12 MB of NDJSON) that an export the client does not read stays open on back-pressure.
    for (let i = 0; i < 12; i++) expect((await publishMany(1000, 'bulk.fill')).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('reads "created": null as absent on every ingest path (the event is stored at its received time, never a 500)', async () => {
    const before = Date.now();
    const single = await postJson(
      `${t.baseUrl}/publisher/v1/project/${project}/event`,
      { action: 'null.created', crud: 'c', actor: { id: 'ann' }, created: null },
      publish,
    );
    const bulk = await postJson(
      `${t.baseUrl}/publisher/v1/project/${project}/event/bulk`,
      { events: [{ action: 'null.created', crud: 'c', actor: { id: 'ann' }, created: null }] },
      publish,
    );
    const audit = await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'null.created.audit', created: null });
    expect([single.status, bulk.status, audit.status]).toEqual([201, 201, 201]);
    const stored = JSON.parse((await get(`/audit/v1/events?project=${project}&action=null.created`)).body).events;
    const own = JSON.parse((await get('/audit/v1/events?action=null.created.audit', adminHeaders())).body).events;
    expect(stored).toHaveLength(2);
    expect(own).toHaveLength(1);
    for (const e of [...stored, ...own]) {
      expect(e.created).toBe(e.received);
      expect(Date.parse(e.created)).toBeGreaterThanOrEqual(before - 1000);
    }
  });

  it('refuses an indexed identifier longer than 1,024 bytes in UTF-8 (1,024 four-byte characters pass a character count) with a 400 naming it', async () => {
    const astral = (n: number) => '😀'.repeat(n);
    const cases: [string, Record<string, unknown>][] = [
      ['action', { action: astral(1024) }],
      ['actor.id', { actor: { id: astral(1024) } }],
      ['group.id', { group: { id: astral(1024) } }],
      ['target.id', { target: { id: astral(1024) } }],
      ['external_id', { external_id: astral(1024) }],
    ];
    for (const [field, parts] of cases) {
      const response = await postJson(
        `${t.baseUrl}/publisher/v1/project/${project}/event`,
        { action: 'long.id', crud: 'c', actor: { id: 'ann' }, ...parts },
        publish,
      );
      const body = await response.json();
      expect([field, response.status, body.errors?.[0]?.field, body.errors?.[0]?.rule]).toEqual([field, 400, field, 'maxUtf8Bytes']);
    }
    const audit = await postJson(`${t.baseUrl}/audit/v1/event`, { action: astral(1024) });
    expect([audit.status, (await audit.json()).errors?.[0]?.field]).toEqual([400, 'action']);
    // 256 of them are exactly 1,024 bytes: stored, and found again.
    const fits = await postJson(
      `${t.baseUrl}/publisher/v1/project/${project}/event`,
      { action: 'long.id.fits', crud: 'c', actor: { id: astral(256) }, group: { id: astral(256) } },
      publish,
    );
    expect(fits.status).toBe(201);
    const stored = JSON.parse((await get(`/audit/v1/events?project=${project}&action=long.id.fits`)).body).events;
    expect(stored.map((e: Json) => [e.actor.id, e.group.id])).toEqual([[astral(256), astral(256)]]);
    expect(JSON.parse((await get(`/audit/v1/events?project=${project}&action=long.id`)).body).events).toEqual([]);
  });

  describe('GraphQL cost', () => {
    const graphql = (query: string, headers = read) => postJson(`${t.baseUrl}/publisher/v1/project/${project}/graphql`, { query }, headers);
    const aliases = (n: number, size = 1000) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: search(query: "", last: ${size}) { totalCount edges { node { id action description } } }`).join(' ')} }`;

    it('refuses 200 aliases of search(last: 1000) (26 KB) and 50 aliases (under the size bound) with 400s naming the limit, and ingestion stays fast meanwhile', async () => {
      const latencies: number[] = [];
      const post = async () => {
        const started = performance.now();
        expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'during.graphql' })).status).toBe(201);
        latencies.push(performance.now() - started);
      };
      const attacks = Array.from({ length: 10 }, (_, i) => graphql(aliases(i % 2 === 0 ? 200 : 50)));
      const posts = Array.from({ length: 40 }, () => post());
      const answers = await Promise.all(attacks);
      await Promise.all(posts);
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(400);
        expect((await answer.json()).errors[0]).toMatchObject({ field: 'query', rule: i % 2 === 0 ? 'maxQueryBytes' : 'maxSearches' });
      }
      // Before bounds, each such request held the pool for seconds and every tenant's post waited 4-6 s.
      expect(Math.max(...latencies)).toBeLessThan(1_500);
    });

    it('bounds the rows, depth, fields and size of a request, naming each limit', async () => {
      const rule = async (query: string) => (await (await graphql(query)).json()).errors?.[0]?.rule;
      expect(await rule(aliases(2, 600))).toBe('maxRows');
      expect(await rule(`{ search(last: 1) { edges { node { ${Array.from({ length: 400 }, (_, i) => `f${i}: id`).join(' ')} } } } }`)).toBe('maxFields');
      expect(await rule(`{ search(last: 1) { edges { node { actor { fields { key } } } } } ${'x'.repeat(20_000)} }`)).toBe('maxQueryBytes');
      const fragments = `fragment F on EventsConnection { totalCount } { ${Array.from({ length: 6 }, (_, i) => `s${i}: search(last: 1) { ...F }`).join(' ')} }`;
      expect(await rule(fragments)).toBe('maxSearches');
    });

    it('answers GraphQL nested 10,000 deep with a 400 that says so, not an empty error', async () => {
      const deep = await graphql(`
        ${'{ a '.repeat(10_000)}
        ${'}'.repeat(10_000)}
      `);
      expect(deep.status).toBe(400);
      expect((await deep.json()).errors[0]).toMatchObject({ field: 'query', rule: 'maxQueryBytes' });
      const nested = await graphql(`
        ${'{'.repeat(7_000)}
        ${'}'.repeat(7_000)}
      `);
      expect(nested.status).toBe(400);
      expect((await nested.json()).errors[0]).toMatchObject({ field: 'query', rule: 'maxNesting' });
    });

    it('writes one read record for a request with two searches', async () => {
      const before = (await readAllEvents(t.baseUrl, project, true)).filter((e) => e.action === 'audit.log.search').length;
      const response = await graphql(`
        {
          a: search(query: "action:bulk.fill", last: 3) {
            edges {
              node {
                id
              }
            }
          }
          b: search(query: "", last: 2) {
            totalCount
          }
        }
      `);
      expect(response.status).toBe(200);
      const records = (await readAllEvents(t.baseUrl, project, true)).filter((e) => e.action === 'audit.log.search');
      expect(records.length - before).toBe(1);
      expect(records[0].fields).toMatchObject({ rows: '5', 'filter.query.1': 'action:bulk.fill', 'filter.last.2': '2' });
    });
  });

  describe('query semantics', () => {
    it('parses limit as a decimal integer only', async () => {
      for (const limit of ['0x10', '%205', '1e3', '5.0', '-1', '0', '1001']) {
        const { status, body } = await get(`/audit/v1/events?limit=${limit}`);
        expect([limit, status]).toEqual([limit, 400]);
        expect(JSON.parse(body).errors[0].field).toBe('limit');
      }
      expect((await get('/audit/v1/events?limit=5')).status).toBe(200);
    });

    it('refuses a q word too long to be indexed instead of matching every event', async () => {
      const { status, body } = await get(`/audit/v1/events?q=${'a'.repeat(501)}`);
      expect(status).toBe(400);
      expect(JSON.parse(body).errors[0]).toMatchObject({ field: 'q', rule: 'maxWordLength' });
    });

    it('matches an action prefix case-sensitively on both databases', async () => {
      expect(
        (await postJson(`${t.baseUrl}/publisher/v1/project/${project}/event`, { action: 'Case.Sensitive', crud: 'c', actor: { id: 'x' } }, publish)).status,
      ).toBe(201);
      expect(JSON.parse((await get('/audit/v1/events?action=case.*')).body).events).toHaveLength(0);
      expect(JSON.parse((await get('/audit/v1/events?action=Case.*')).body).events.map((e: Json) => e.action)).toEqual(['Case.Sensitive']);
    });

    it('refuses NUL and lone surrogates in query parameters, naming them', async () => {
      for (const [query, field] of [
        ['actor=%00', 'actor'],
        ['q=a%00', 'q'],
        ['target=a%00b', 'target'],
      ]) {
        const { status, body } = await get(`/audit/v1/events?${query}`);
        expect([query, status]).toEqual([query, 400]);
        expect(JSON.parse(body).errors[0].field).toBe(field);
      }
    });
  });

  describe('bodies', () => {
    it('refuses NUL and lone surrogates naming the field, and stores nothing, on every write endpoint', async () => {
      const cases: [string, Record<string, string>, unknown, string][] = [
        ['/audit/v1/event', {}, { action: 'nul\u0000' }, 'action'],
        ['/audit/v1/event', {}, { action: 'x', actor: { id: '\ud800' } }, 'actor.id'],
        [`/publisher/v1/project/${project}/event`, publish, { action: 'x', crud: 'c', actor: { id: 'a' }, fields: { k: 'v\u0000' } }, 'fields.k'],
        [
          `/publisher/v1/project/${project}/event/bulk`,
          publish,
          {
            events: [
              { action: 'x', crud: 'c', actor: { id: 'a' } },
              { action: 'x\udfff', crud: 'c', actor: { id: 'a' } },
            ],
          },
          'events[1].action',
        ],
        ['/admin/v1/project', adminHeaders(), { name: 'p\u0000' }, 'name'],
        [`/admin/v1/project/${project}/token`, adminHeaders(), { name: 't\u0000', scope: 'read' }, 'name'],
        ['/provisioning/v1/user/create', adminHeaders(), { uuid: 'u1', username: 'al\u0000ice' }, 'username'],
      ];
      const before = (await readAllEvents(t.baseUrl)).length + (await readAllEvents(t.baseUrl, project)).length;
      for (const [path, headers, body, field] of cases) {
        const response = await postJson(`${t.baseUrl}${path}`, body, headers);
        expect([path, response.status]).toEqual([path, 400]);
        expect((await response.json()).errors[0].field).toBe(field);
      }
      expect((await readAllEvents(t.baseUrl)).length + (await readAllEvents(t.baseUrl, project)).length).toBe(before);
    });

    it('refuses JSON nested 8,000 deep with 400 on every write endpoint', async () => {
      const deep = `{"action":${'['.repeat(8000)}${']'.repeat(8000)}}`;
      for (const [path, headers] of [
        ['/audit/v1/event', {}],
        [`/publisher/v1/project/${project}/event`, publish],
        [`/publisher/v1/project/${project}/event/bulk`, publish],
        ['/admin/v1/project', adminHeaders()],
        ['/provisioning/v1/user/create', adminHeaders()],
      ] as const) {
        const response = await postJson(`${t.baseUrl}${path}`, deep, headers);
        expect([path, response.status]).toEqual([path, 400]);
        expect((await response.json()).errors[0].rule).toBe('maxDepth');
      }
    });

    it('answers 415 to a text/plain body and to a charset other than UTF-8', async () => {
      const plain = await fetch(`${t.baseUrl}/audit/v1/event`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"action":"x"}' });
      expect(plain.status).toBe(415);
      const utf16 = await fetch(`${t.baseUrl}/audit/v1/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-16' },
        body: Buffer.from('{"action":"x"}', 'utf16le'),
      });
      expect(utf16.status).toBe(415);
      expect((await utf16.json()).errors[0]).toMatchObject({ field: 'content-type', rule: 'isUtf8' });
      const utf8 = await fetch(`${t.baseUrl}/audit/v1/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: '{"action":"charset.ok"}',
      });
      expect(utf8.status).toBe(201);
    });

    it('cuts a body that never ends with 408 after REQUEST_TIMEOUT_MS', async () => {
      const { port } = new URL(t.baseUrl);
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /audit/v1/event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n');
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        setTimeout(() => socket.destroy(), 10_000);
      });
      expect(answer).toMatch(/^HTTP\/1.1 408/);
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('does not count a client hanging up mid-body as a server error', async () => {
      const { port } = new URL(t.baseUrl);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /audit/v1/event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"action":"half');
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
      expect(metrics).not.toMatch(/audit_requests_refused_total\{[^}]*status="500"/);
      expect(metrics).toMatch(/audit_requests_refused_total\{route="\/audit\/v1\/event",status="499"\} [1-9]/);
    });
  });

  describe('exports', () => {
    /** An export whose client reads nothing: it stays open, held by back-pressure. */
    const stalledExport = (projectId: string, headers: Record<string, string>) =>
      new Promise<{ status: number; retryAfter?: string; close(): void }>((resolve, reject) => {
        const req = httpRequest(`${t.baseUrl}/audit/v1/events/export?project=${projectId}`, { headers }, (res) => {
          res.pause();
          resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });

    it("lets no project's exports lock out another project's, and tells when to retry", async () => {
      const a1 = await stalledExport(project, adminHeaders());
      const a2 = await stalledExport(project, adminHeaders());
      const a3 = await stalledExport(project, adminHeaders());
      const b = await stalledExport(other, adminHeaders());
      try {
        expect([a1.status, a2.status, a3.status, b.status]).toEqual([200, 200, 429, 200]);
        expect(Number(a3.retryAfter)).toBeGreaterThan(0);
      } finally {
        for (const e of [a1, a2, a3, b]) e.close();
      }
    });

    it('ends every export start with an end record, aborted when the client went away', async () => {
      const starts = async () => (await readAllEvents(t.baseUrl, project, true)).filter((e) => e.action.startsWith('audit.log.export'));
      const before = (await starts()).length;
      const cut = await stalledExport(project, read);
      cut.close();
      const deadline = Date.now() + 10_000;
      let records = await starts();
      while (records.length - before < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        records = await starts();
      }
      const fresh = records.slice(0, records.length - before).map((e) => [e.action, e.fields.outcome]);
      expect(fresh).toEqual(
        expect.arrayContaining([
          ['audit.log.export.start', undefined],
          ['audit.log.export', 'aborted'],
        ]),
      );
      const full = await get(`/audit/v1/events/export?project=${project}&action=Case.Sensitive`);
      expect(full.status).toBe(200);
      const last = (await readAllEvents(t.baseUrl, project, true)).find((e) => e.action === 'audit.log.export');
      expect(last.fields).toMatchObject({ outcome: 'completed', rows: '1' });
    });
  });

  describe('the admin plane is on record', () => {
    it('records project and token creation and revocation, and sealing, in the project they concern', async () => {
      const created = await admin('/admin/v1/project', { name: 'Audited' });
      const token = await admin(`/admin/v1/project/${created.id}/token`, { name: 'to-revoke', scope: 'publish read' });
      expect(token.scopes).toEqual(['publish', 'read']);
      expect((await fetch(`${t.baseUrl}/admin/v1/project/${created.id}/token/${token.id}`, { method: 'DELETE', headers: adminHeaders() })).status).toBe(204);
      expect((await postJson(`${t.baseUrl}/audit/v1/integrity/seal?project=${created.id}`, {}, adminHeaders())).status).toBe(200);
      const records = await (await fetch(`${t.baseUrl}/audit/v1/events?project=${created.id}&admin=only`, { headers: adminHeaders() })).json();
      expect(records.events.map((e: Json) => e.action).reverse()).toEqual([
        'audit.project.create',
        'audit.token.create',
        'audit.token.revoke',
        'audit.integrity.seal',
      ]);
      expect(records.events[1]).toMatchObject({
        actor: { id: 'token:bootstrap-admin' },
        target: { id: token.id, type: 'token' },
        fields: { scope: 'publish read' },
      });
      const listed = await (await fetch(`${t.baseUrl}/admin/v1/project/${created.id}/token`, { headers: adminHeaders() })).json();
      expect(listed.tokens).toEqual([expect.objectContaining({ id: token.id, scopes: ['publish', 'read'], revoked: expect.any(String) })]);
      expect(JSON.stringify(listed)).not.toContain(token.token);
    });
  });
});

describe('failed authentication', () => {
  let db: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    t = await startTestApp(db.url, { env: { AUTH_FAILURES_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('is limited per address: 429 with Retry-After, before any token is looked at', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${t.baseUrl}/audit/v1/events`, { headers: { authorization: `Bearer wrong-${i}` } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await fetch(`${t.baseUrl}/audit/v1/events`, { headers: adminHeaders() });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Open routes are not affected.
    expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
  });
});
