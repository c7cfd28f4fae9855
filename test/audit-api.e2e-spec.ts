import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, postJson, readAllEvents, startTestApp } from './support/test-app';

/** The seed document's cURL example body, exactly as printed. */
const CURL_BODY = '{"action":"user.login.success", "description":"john@example.com logged in", "title":"User Login Success", "name":"login"}';
/** The seed document's JSON example body, exactly as printed. */
const JSON_BODY = `{
  "name": "user.login",
  "description": "john@example.com logged in successfully",
  "title": "User Login Success",
  "action": "user.login.success",
  "ip_address": "192.30.252.12"
}`;

describe.each(DIALECTS)('Audit API on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const post = (body: unknown, headers?: Record<string, string>) => postJson(`${t.baseUrl}/audit/v1/event`, body, headers);
  const count = async () => (await readAllEvents(t.baseUrl)).length;

  it('answers 201 with an empty text/plain body for the documented curl example', async () => {
    const response = await post(CURL_BODY);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.headers.get('content-length')).toBe('0');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('date')).toMatch(/GMT$/);
    expect(await response.text()).toBe('');
    const [stored] = await readAllEvents(t.baseUrl);
    expect(stored).toMatchObject({
      id: response.headers.get('x-event-id'),
      project_id: 'default',
      action: 'user.login.success',
      description: 'john@example.com logged in',
      title: 'User Login Success',
      name: 'login',
      source_ip: '127.0.0.1',
      identity_status: 'unknown',
      is_failure: false,
    });
  });

  it('answers 201 with an empty body for the documented JSON example and keeps its ip_address', async () => {
    const response = await post(JSON_BODY);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-length')).toBe('0');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('');
    const [newest] = await readAllEvents(t.baseUrl);
    expect(newest).toMatchObject({
      name: 'user.login',
      description: 'john@example.com logged in successfully',
      title: 'User Login Success',
      action: 'user.login.success',
      source_ip: '192.30.252.12',
    });
    expect(Date.parse(newest.received)).toBeGreaterThan(Date.now() - 60_000);
    expect(newest.created).toBe(newest.received);
  });

  it('stores the optional Retraced-style fields and round-trips non-ASCII text', async () => {
    const body = {
      action: 'document.share',
      description: 'Zoë shared «Résumé» 文档 🚀',
      actor: { id: 'zoë@example.com', name: 'Zoë Ångström' },
      target: { id: 'doc-1', name: 'Résumé', type: 'document' },
      group: { id: 'acme', name: 'Acme Ünited' },
      crud: 'u',
      created: '2026-01-02T03:04:05.678Z',
      is_failure: true,
      fields: { clé: 'välue', 'a:b': 'c=d;e%' },
      external_id: 'ext-unicode-1',
      ip_address: '2600:1900:0:2107::',
    };
    expect((await post(body)).status).toBe(201);
    const [stored] = await readAllEvents(t.baseUrl);
    expect(stored).toMatchObject({
      action: 'document.share',
      description: body.description,
      actor: { id: 'zoë@example.com', name: 'Zoë Ångström', guid: null },
      target: { id: 'doc-1', name: 'Résumé', type: 'document' },
      group: { id: 'acme', name: 'Acme Ünited' },
      crud: 'u',
      created: '2026-01-02T03:04:05.678Z',
      is_failure: true,
      fields: body.fields,
      external_id: 'ext-unicode-1',
      source_ip: '2600:1900:0:2107::',
    });
  });

  it.each(['::1', '2001:db8::8a2e:370:7334', '10.0.0.1', '::ffff:192.0.2.1'])('accepts the IP address %s', async (ip) => {
    expect((await post({ action: 'ip.ok', ip_address: ip })).status).toBe(201);
  });

  describe('refuses bad input with a 4xx naming the field, and stores nothing', () => {
    const cases: [string, string | object, number, string, string, Record<string, string>][] = [
      ['malformed JSON', '{"action": "x",', 400, 'body', 'isJson', {}],
      ['an empty body', '', 400, 'body', 'isNotEmpty', {}],
      ['a JSON array', '[{"action":"x"}]', 400, 'body', 'isObject', {}],
      ['a JSON string', '"user.login"', 400, 'body', 'isObject', {}],
      ['null', 'null', 400, 'body', 'isObject', {}],
      ['a missing action', { description: 'no action' }, 400, 'action', 'isString', {}],
      ['a numeric action', { action: 42 }, 400, 'action', 'isString', {}],
      ['an empty action', { action: '' }, 400, 'action', 'isNotEmpty', {}],
      ['a numeric description', { action: 'a', description: 7 }, 400, 'description', 'isString', {}],
      ['a string is_failure', { action: 'a', is_failure: 'yes' }, 400, 'is_failure', 'isBoolean', {}],
      ['a bad crud', { action: 'a', crud: 'x' }, 400, 'crud', 'isIn', {}],
      ['an actor without id', { action: 'a', actor: { name: 'n' } }, 400, 'actor.id', 'isString', {}],
      ['an actor that is a string', { action: 'a', actor: 'jdoe' }, 400, 'actor', 'isObject', {}],
      ['non-string field values', { action: 'a', fields: { n: 1 } }, 400, 'fields', 'isStringMap', {}],
      ['a bad created time', { action: 'a', created: 'yesterday' }, 400, 'created', 'isIso8601', {}],
      ['an invalid IPv4', { action: 'a', ip_address: '192.30.252.300' }, 400, 'ip_address', 'isIpAddress', {}],
      ['an invalid IPv6', { action: 'a', ip_address: '2600:1900::0::1' }, 400, 'ip_address', 'isIpAddress', {}],
      ['a host name as IP', { action: 'a', ip_address: 'example.com' }, 400, 'ip_address', 'isIpAddress', {}],
      ['an IP with a port', { action: 'a', ip_address: '1.2.3.4:80' }, 400, 'ip_address', 'isIpAddress', {}],
      ['an unknown top-level field', { action: 'a', severity: 'high' }, 400, 'severity', 'unknownField', {}],
      ['an unknown nested field', { action: 'a', actor: { id: 'x', role: 'admin' } }, 400, 'actor.role', 'unknownField', {}],
      ['a form-encoded body', 'action=a', 415, 'content-type', 'isJson', { 'content-type': 'application/x-www-form-urlencoded' }],
    ];

    it.each(cases)('%s', async (_name, body, status, field, rule, headers) => {
      const before = await count();
      const response = await post(body, headers);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const error = (await response.json()) as { statusCode: number; errors: { field: string; rule: string; message: string }[] };
      expect(error.statusCode).toBe(status);
      expect(error.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      expect(error.errors.find((e) => e.field === field)!.message).toContain(field.split('.').pop()!.replace('content-type', 'content-type'));
      expect(await count()).toBe(before);
    });

    it('a body over the 1 MiB limit gets 413', async () => {
      const before = await count();
      const response = await post({ action: 'a', description: 'x'.repeat(1024 * 1024) });
      expect(response.status).toBe(413);
      const error = (await response.json()) as { errors: { field: string }[] };
      expect(error.errors[0].field).toBe('body');
      expect(await count()).toBe(before);
    });
  });

  describe('client address', () => {
    it('takes the address from X-Forwarded-For when the peer is a trusted proxy (loopback)', async () => {
      expect((await post({ action: 'xff.trusted' }, { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' })).status).toBe(201);
      const [stored] = await readAllEvents(t.baseUrl);
      expect(stored.source_ip).toBe('203.0.113.7');
    });

    it('prefers an explicit ip_address over X-Forwarded-For', async () => {
      expect((await post({ action: 'xff.explicit', ip_address: '198.51.100.1' }, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(201);
      const [stored] = await readAllEvents(t.baseUrl);
      expect(stored.source_ip).toBe('198.51.100.1');
    });
  });

  describe('reading back', () => {
    it('refuses a request without a valid admin token with 401', async () => {
      expect((await fetch(`${t.baseUrl}/audit/v1/events`)).status).toBe(401);
      expect((await fetch(`${t.baseUrl}/audit/v1/events`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    });

    it.each([['Bearer T'], ['token=T'], ['Token token=T']])('accepts the admin token in the form %s', async (form) => {
      const header = form.replace(/T$/, adminHeaders().authorization.slice('Bearer '.length));
      expect((await fetch(`${t.baseUrl}/audit/v1/events?limit=1`, { headers: { authorization: header } })).status).toBe(200);
    });

    it('pages newest first with an opaque cursor, every event exactly once', async () => {
      for (let i = 0; i < 7; i++) expect((await post({ action: `paging.${i}` })).status).toBe(201);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: Response = await fetch(`${t.baseUrl}/audit/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { headers: adminHeaders() });
        const page = (await response.json()) as { events: { action: string; seq: number }[]; next_cursor: string | null };
        expect(page.events.length).toBeLessThanOrEqual(3);
        seen.push(...page.events.map((e) => e.action));
        cursor = page.next_cursor;
      } while (cursor);
      const paging = seen.filter((a) => a.startsWith('paging.'));
      expect(paging).toEqual(['paging.6', 'paging.5', 'paging.4', 'paging.3', 'paging.2', 'paging.1', 'paging.0']);
      expect(new Set(seen).size).toBe(seen.length - seen.filter((a, i) => seen.indexOf(a) !== i).length);
      expect(seen.length).toBe(await count());
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['color=red', 'color'],
    ])('answers 400 naming the parameter for %s', async (query, field) => {
      const response = await fetch(`${t.baseUrl}/audit/v1/events?${query}`, { headers: adminHeaders() });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { errors: { field: string }[] };
      expect(error.errors.map((e) => e.field)).toContain(field);
    });
  });

  describe('operations', () => {
    it('reports liveness and readiness with the database check', async () => {
      expect(await (await fetch(`${t.baseUrl}/health`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${t.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { ok: true } } });
    });

    it('exposes Prometheus metrics for accepted and refused events, batch sizes and commit latency', async () => {
      const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
      expect(text).toMatch(/audit_events_accepted_total\{api="audit-api"\} [1-9]\d*/);
      expect(text).toMatch(/audit_requests_refused_total\{route="\/audit\/v1\/event",status="400"\} [1-9]\d*/);
      expect(text).toMatch(/audit_batch_size_count [1-9]\d*/);
      expect(text).toMatch(/audit_commit_duration_seconds_bucket/);
    });

    it('serves the OpenAPI document describing the Audit API', async () => {
      const doc = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/audit/v1/event', '/audit/v1/events', '/health', '/health/ready']));
      expect((await fetch(`${t.baseUrl}/docs`)).status).toBe(200);
    });

    it('echoes a sane X-Request-Id and puts it in error bodies', async () => {
      const response = await post({}, { 'x-request-id': 'trace-abc-123' });
      expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
      expect(((await response.json()) as { request_id: string }).request_id).toBe('trace-abc-123');
    });
  });
});
