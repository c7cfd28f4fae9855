import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, postJson, readAllEvents, startTestApp } from './support/test-app';

type Json = any;

/** The enterprise API a project's customer reads its group's log with, and the display templates, on both databases. */
describe.each(DIALECTS)('the enterprise API on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let A: string;
  let api: Record<string, string>;
  let g1: Record<string, string>;

  const admin = async (path: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { ...adminHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect([path, response.status]).toEqual([path, method === 'POST' ? 201 : 200]);
    return response.json();
  };
  const enterpriseToken = async (group: string) => {
    const created = await postJson(
      `${t.baseUrl}/publisher/v1/project/${A}/group/${group}/enterprisetoken`,
      { display_name: `${group} SIEM`, view_log_action: 'siem.read' },
      api,
    );
    expect(created.status).toBe(201);
    return { authorization: `token=${(await created.json()).token}` };
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { AUTH_FAILURES_PER_MINUTE: '0' } });
    A = (await admin('/admin/v1/project', { name: 'A' })).id;
    api = { authorization: `token=${(await admin(`/admin/v1/project/${A}/token`, { name: 'api', scope: 'publish read' })).token}` };
    const events = [
      ...Array.from({ length: 7 }, (_, i) => ({
        action: i % 2 ? 'user.login' : 'doc.edit',
        crud: 'c',
        group: { id: 'g1' },
        actor: { id: i < 4 ? 'ann' : 'bob', name: i < 4 ? 'Ann' : 'Bob' },
        target: { id: 'd', name: 'Doc' },
        fields: { amount: String(i) },
      })),
      { action: 'user.login', crud: 'c', group: { id: 'g2' }, actor: { id: 'ann' }, description: 'SECRET of g2' },
    ];
    expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/event/bulk`, { events }, api)).status).toBe(201);
    g1 = await enterpriseToken('g1');
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('searches the group over GraphQL (POST and GET), and records each read as the token’s view_log_action', async () => {
    const query = '{ search(query: "action:user.login", last: 10) { totalCount edges { node { group { id } description } } } }';
    const posted = await (await postJson(`${t.baseUrl}/enterprise/v1/graphql`, { query }, g1)).json();
    expect(posted.data.search.totalCount).toBe(3);
    expect(posted.data.search.edges.every((e: Json) => e.node.group.id === 'g1')).toBe(true);
    const got = await (await fetch(`${t.baseUrl}/enterprise/v1/graphql?query=${encodeURIComponent(query)}`, { headers: g1 })).json();
    expect(got.data.search.totalCount).toBe(3);
    const reads = (await readAllEvents(t.baseUrl, A, true)).filter((e) => e.action === 'siem.read');
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({ group: { id: 'g1' }, actor: { id: expect.stringMatching(/^enterprise-token:/), name: 'g1 SIEM' } });
  });

  it('pages an ad hoc search oldest first, continuing from the ETag', async () => {
    const first = await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc?actor_id=ann&page_size=3`, { headers: g1 });
    expect(first.status).toBe(200);
    const firstEvents = await first.json();
    expect(firstEvents.map((e: Json) => e.fields.amount)).toEqual(['0', '1', '2']);
    const etag = first.headers.get('etag')!;
    const second = await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc?actor_id=ann&page_size=3`, { headers: { ...g1, etag } });
    expect((await second.json()).map((e: Json) => e.fields.amount)).toEqual(['3']);
    expect(second.headers.get('etag')).toBeNull();
    const tooBig = await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc?page_size=201`, { headers: g1 });
    expect(tooBig.status).toBe(400);
    expect((await tooBig.json()).errors[0].field).toBe('page_size');
  });

  it('follows a saved search with active searches, one next token at a time', async () => {
    const { id: saved } = await (await postJson(`${t.baseUrl}/enterprise/v1/search/saved`, { name: 'logins', actions: ['user.login'] }, g1)).json();
    const { id: active } = await (await postJson(`${t.baseUrl}/enterprise/v1/search/active`, { saved_search_id: saved }, g1)).json();
    const page1 = await (await fetch(`${t.baseUrl}/enterprise/v1/search/active/${active}?page_size=2`, { headers: g1 })).json();
    expect(page1.events.map((e: Json) => e.action)).toEqual(['user.login', 'user.login']);
    const page2 = await (await fetch(`${t.baseUrl}/enterprise/v1/search/active/${active}?page_size=2&next=${page1.next}`, { headers: g1 })).json();
    expect(page2.events).toHaveLength(1);
    expect(page2.events[0].group.id).toBe('g1');
    // An old token no longer continues it.
    expect((await fetch(`${t.baseUrl}/enterprise/v1/search/active/${active}?next=${page1.next}`, { headers: g1 })).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/enterprise/v1/search/active/${active}`, { method: 'DELETE', headers: g1 })).status).toBe(204);
  });

  it("refuses another group's saved searches, revoked tokens and forged ones", async () => {
    const g2 = await enterpriseToken('g2');
    const { id: saved } = await (await postJson(`${t.baseUrl}/enterprise/v1/search/saved`, { name: 'g1 only', actions: ['doc.edit'] }, g1)).json();
    expect((await postJson(`${t.baseUrl}/enterprise/v1/search/active`, { saved_search_id: saved }, g2)).status).toBe(404);
    const g2Search = await (await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc?actor_id=ann`, { headers: g2 })).json();
    expect(g2Search.map((e: Json) => e.description)).toEqual(['SECRET of g2']);
    const listed = await (await fetch(`${t.baseUrl}/publisher/v1/project/${A}/group/g2/enterprisetoken`, { headers: api })).json();
    expect(JSON.stringify(listed)).not.toContain(g2.authorization.slice('token='.length));
    expect((await fetch(`${t.baseUrl}/publisher/v1/project/${A}/group/g2/enterprisetoken/${listed[0].id}`, { method: 'DELETE', headers: api })).status).toBe(
      204,
    );
    const changes = await (await fetch(`${t.baseUrl}/audit/v1/events?project=${A}&action=audit.enterprise_token.*`, { headers: adminHeaders() })).json();
    expect(changes.events.find((e: Json) => e.action === 'audit.enterprise_token.delete')).toMatchObject({
      crud: 'd',
      group: { id: 'g2' },
      target: { id: listed[0].id, type: 'enterprise_token' },
    });
    expect((await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc`, { headers: g2 })).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/enterprise/v1/search/adhoc`, { headers: { authorization: 'token=eit_forged' } })).status).toBe(401);
    // An enterprise token reaches its group's log and nothing else.
    expect((await fetch(`${t.baseUrl}/audit/v1/events?project=${A}`, { headers: g1 })).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/graphql`, { query: '{ search { totalCount } }' }, g1)).status).toBe(403);
  });

  it("writes the sentence from the project's display templates, escaped, else Retraced's default", async () => {
    const bad = await fetch(`${t.baseUrl}/admin/v1/project/${A}/templates`, {
      method: 'PUT',
      headers: { ...adminHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify({ templates: [{ action: 'x', template: '{{actor.password}}' }] }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].field).toBe('templates[0].template');
    await admin(
      `/admin/v1/project/${A}/templates`,
      {
        templates: [
          { action: 'user.*', template: '**{{actor.name}}** signed in ({{fields.amount}})' },
          { action: 'doc.edit', template: '{{actor.name}} edited {{fields.missing}}' },
        ],
      },
      'PUT',
    );
    const query = '{ search(query: "", last: 10) { edges { node { action fields { key value } display { markdown } } } } }';
    const { data } = await (await postJson(`${t.baseUrl}/enterprise/v1/graphql`, { query }, g1)).json();
    const sentences = data.search.edges.map((e: Json) => [e.node.action, e.node.display.markdown]);
    expect(sentences).toContainEqual(['user.login', '**Bob** signed in (5)']);
    // A template with a placeholder the event has no value for falls back to the default.
    expect(sentences).toContainEqual(['doc.edit', '**Bob** performed the action **doc\\.edit** on the item **Doc**.']);
    const templates = await (await fetch(`${t.baseUrl}/admin/v1/project/${A}/templates`, { headers: adminHeaders() })).json();
    expect(templates.templates).toHaveLength(2);
  });
});
