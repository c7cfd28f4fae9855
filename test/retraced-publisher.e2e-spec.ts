import { Client } from '@retracedhq/retraced';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { ADMIN_TOKEN, adminHeaders, postJson, readAllEvents } from './support/test-app';

/** The official Retraced client against the real server process, on both databases. */
describe.each(DIALECTS)('Retraced publisher API with the official client on %s', (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let projectId: string;
  let publishToken: string;
  let otherProjectToken: string;
  let readToken: string;

  const admin = async (path: string, body: unknown) => {
    const response = await postJson(`${server.baseUrl}${path}`, body, adminHeaders());
    expect(response.status).toBe(201);
    return (await response.json()) as Record<string, string>;
  };
  /** A client as an application would configure it: the default /auditlog endpoint path. */
  const client = (apiKey = publishToken, project = projectId) =>
    new Client({ apiKey, projectId: project, endpoint: `${server.baseUrl}/auditlog`, component: 'crm', version: '1.2.3' });
  const stored = () => readAllEvents(server.baseUrl, projectId);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN });
    projectId = (await admin('/admin/v1/project', { name: 'CRM' })).id;
    publishToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'crm-publisher', scope: 'publish' })).token;
    readToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'crm-reader', scope: 'read' })).token;
    const other = (await admin('/admin/v1/project', { name: 'Other' })).id;
    otherProjectToken = (await admin(`/admin/v1/project/${other}/token`, { name: 'other-publisher', scope: 'publish' })).token;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('creates projects and tokens that are at least 128 random bits and shown once', async () => {
    expect(projectId).toMatch(/^[0-9a-f]{32}$/);
    expect(publishToken.length).toBeGreaterThanOrEqual(32);
    expect(publishToken).not.toBe(readToken);
  });

  it('reportEvent stores a rich event and the client verifies the returned hash', async () => {
    const id = await client().reportEvent({
      action: 'document.share',
      crud: 'u',
      group: { id: 'acme', name: 'Acme Ünited' },
      actor: { id: 'zoë@example.com', name: 'Zoë Ångström', href: 'https://crm/users/1' },
      target: { id: 'doc:42', name: 'Résumé 文档', type: 'document' },
      source_ip: '2600:1900:0:2107::',
      description: 'Zoë shared «Résumé» 🚀',
      is_failure: false,
      fields: { 'perm:level': 'a=b;c%d', clé: 'välue', '%': ':', 'emoji🙂': 'yes' },
      metadata: { 'req=id': 'x;y', ünï: 'cødé' },
      created: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const [event] = await stored();
    expect(event).toMatchObject({
      id,
      project_id: projectId,
      action: 'document.share',
      crud: 'u',
      group: { id: 'acme', name: 'Acme Ünited' },
      actor: { id: 'zoë@example.com', name: 'Zoë Ångström', href: 'https://crm/users/1' },
      target: { id: 'doc:42', name: 'Résumé 文档', type: 'document' },
      source_ip: '2600:1900:0:2107::',
      description: 'Zoë shared «Résumé» 🚀',
      fields: { 'perm:level': 'a=b;c%d', clé: 'välue', '%': ':', 'emoji🙂': 'yes' },
      metadata: { 'req=id': 'x;y', ünï: 'cødé' },
      created: '2026-01-02T03:04:05.678Z',
      component: 'crm',
      version: '1.2.3',
      source_api: 'publisher',
    });
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reportEvent of an anonymous event with empty fields verifies (empty and absent fields hash differently)', async () => {
    const id = await client().reportEvent({ action: 'page.view', crud: 'r', is_anonymous: true, fields: {} });
    const [event] = await stored();
    expect(event).toMatchObject({ id, is_anonymous: true, actor: null, fields: {} });
  });

  it('reportEvents stores 50 events and answers their ids in input order', async () => {
    const before = (await stored()).length;
    const events = Array.from({ length: 50 }, (_, i) => ({ action: `bulk.item.${i}`, crud: 'c' as const, actor: { id: `user-${i}` }, group: { id: 'acme' } }));
    const ids = await client().reportEvents(events);
    expect(ids).toHaveLength(50);
    const all = await stored();
    expect(all.length).toBe(before + 50);
    const byId = new Map(all.map((e) => [e.id, e]));
    ids.forEach((id, i) => expect(byId.get(id)?.action).toBe(`bulk.item.${i}`));
  });

  it('an idempotent retry with the same external_id returns the original id and stores nothing new', async () => {
    const event = { action: 'invoice.pay', crud: 'u' as const, actor: { id: 'jdoe' }, external_id: 'invoice-77-paid' };
    const first = await client().reportEvent(event);
    const count = (await stored()).length;
    const again = await client().reportEvent(event);
    expect(again).toBe(first);
    expect((await stored()).length).toBe(count);
  });

  it('the same external_id with different content is refused with 409 naming external_id', async () => {
    const count = (await stored()).length;
    const response = await postJson(
      `${server.baseUrl}/publisher/v1/project/${projectId}/event`,
      { action: 'invoice.pay', crud: 'd', actor: { id: 'mallory' }, external_id: 'invoice-77-paid' },
      { authorization: `token=${publishToken}` },
    );
    expect(response.status).toBe(409);
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0].field).toBe('external_id');
    expect((await stored()).length).toBe(count);
  });

  it('two concurrent copies of one external_id store one event and both answer its id', async () => {
    const body = { action: 'race.test', crud: 'c', actor: { id: 'racer' }, external_id: `race-${dialect}` };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => postJson(`${server.baseUrl}/publisher/v1/project/${projectId}/event`, body, { authorization: `token=${publishToken}` })),
    );
    const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { id: string; hash: string } })));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await stored()).filter((e) => e.external_id === `race-${dialect}`)).toHaveLength(1);
  });

  describe('refuses bad input with the named field and stores nothing', () => {
    const publish = (body: unknown, path = 'event', token = publishToken) =>
      postJson(`${server.baseUrl}/publisher/v1/project/${projectId}/${path}`, body, { authorization: `Token token=${token}` });

    it.each([
      ['a bad crud', { action: 'a', crud: 'x', actor: { id: 'u' } }, 'crud', 'isIn'],
      ['a missing crud', { action: 'a', actor: { id: 'u' } }, 'crud', 'isIn'],
      ['a missing actor', { action: 'a', crud: 'c' }, 'actor', 'isDefined'],
      ['an actor without id', { action: 'a', crud: 'c', actor: { name: 'n' } }, 'actor.id', 'isString'],
      ['a group without id', { action: 'a', crud: 'c', actor: { id: 'u' }, group: { name: 'g' } }, 'group.id', 'isString'],
      ['non-string fields', { action: 'a', crud: 'c', actor: { id: 'u' }, fields: { n: 1 } }, 'fields', 'isStringMap'],
      ['non-string metadata', { action: 'a', crud: 'c', actor: { id: 'u' }, metadata: { n: true } }, 'metadata', 'isStringMap'],
      ['a bad source_ip', { action: 'a', crud: 'c', actor: { id: 'u' }, source_ip: '1.2.3' }, 'source_ip', 'isIpAddress'],
    ])('%s', async (_name, body, field, rule) => {
      const count = (await stored()).length;
      const response = await publish(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: unknown[] }).errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      expect((await stored()).length).toBe(count);
    });

    it('the client rejects a bad crud and nothing is stored', async () => {
      const count = (await stored()).length;
      await expect(client().reportEvent({ action: 'a', crud: 'x' as 'c', actor: { id: 'u' } })).rejects.toThrow(/400/);
      expect((await stored()).length).toBe(count);
    });

    it('a bulk request with one bad event is refused whole, naming the index and the field', async () => {
      const count = (await stored()).length;
      const events = Array.from({ length: 10 }, (_, i) => ({ action: `ok.${i}`, crud: 'c', actor: { id: 'u' } }));
      events[7] = { action: 'bad', crud: 'z', actor: { id: 'u' } };
      const response = await publish({ events }, 'event/bulk');
      expect(response.status).toBe(400);
      const error = (await response.json()) as { errors: { field: string }[] };
      expect(error.errors.map((e) => e.field)).toEqual(['events[7].crud']);
      expect((await stored()).length).toBe(count);
    });

    it('a bulk request whose external_id conflicts stores none of its events', async () => {
      const count = (await stored()).length;
      const response = await publish(
        {
          events: [
            { action: 'fresh', crud: 'c', actor: { id: 'u' } },
            { action: 'other', crud: 'c', actor: { id: 'u' }, external_id: 'invoice-77-paid' },
          ],
        },
        'event/bulk',
      );
      expect(response.status).toBe(409);
      expect(((await response.json()) as { errors: { field: string }[] }).errors[0].field).toBe('events[1].external_id');
      expect((await stored()).length).toBe(count);
    });

    it('accepts 1,000 events in one bulk request and refuses 1,001', async () => {
      const events = (n: number) => Array.from({ length: n }, (_, i) => ({ action: 'bulk.big', crud: 'c', actor: { id: `u${i}` } }));
      const ok = await publish({ events: events(1000) }, 'event/bulk');
      expect(ok.status).toBe(201);
      expect((await ok.json()) as unknown[]).toHaveLength(1000);
      const tooMany = await publish({ events: events(1001) }, 'event/bulk');
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as { errors: { field: string }[] }).errors[0].field).toBe('events');
    });

    it('a wrong token gets 401, a read token 403, another project’s token 403, a revoked token 401', async () => {
      const count = (await stored()).length;
      const event = { action: 'a', crud: 'c', actor: { id: 'u' } };
      expect((await publish(event, 'event', 'not-a-token')).status).toBe(401);
      expect((await publish(event, 'event', readToken)).status).toBe(403);
      expect((await publish(event, 'event', otherProjectToken)).status).toBe(403);
      await expect(client(otherProjectToken).reportEvent(event as never)).rejects.toThrow(/403/);

      const revocable = await admin(`/admin/v1/project/${projectId}/token`, { name: 'short-lived', scope: 'publish' });
      expect((await publish(event, 'event', revocable.token)).status).toBe(201);
      const revoke = await fetch(`${server.baseUrl}/admin/v1/project/${projectId}/token/${revocable.id}`, { method: 'DELETE', headers: adminHeaders() });
      expect(revoke.status).toBe(204);
      expect((await publish(event, 'event', revocable.token)).status).toBe(401);
      expect((await stored()).length).toBe(count + 1);
    });

    it('a read token reads only its own project', async () => {
      const own = await fetch(`${server.baseUrl}/audit/v1/events?limit=1`, { headers: { authorization: `Bearer ${readToken}` } });
      expect(own.status).toBe(200);
      const other = await fetch(`${server.baseUrl}/audit/v1/events?project=default`, { headers: { authorization: `Bearer ${readToken}` } });
      expect(other.status).toBe(403);
    });
  });
});
