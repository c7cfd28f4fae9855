import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { viewerSession } from './support/viewer-session';
import { TestApp, adminHeaders, postJson, readAllEvents, startTestApp } from './support/test-app';

type Json = any;

const SEARCH =
  'query Search($query: String!, $last: Int, $before: String) { search(query: $query, last: $last, before: $before) { totalCount edges { cursor node { id action description group { id } target { id } display { markdown } } } } }';

/** Every way a viewer session could reach beyond its group, tried and refused, on both databases. */
describe.each(DIALECTS)('the viewer API on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let A: string;
  let B: string;
  let apiA: Record<string, string>;

  const admin = async (path: string, body: unknown) => {
    const response = await postJson(`${t.baseUrl}${path}`, body, adminHeaders());
    expect(response.status).toBe(201);
    return response.json();
  };
  const mint = async (project: string, query: string, headers = apiA) =>
    fetch(`${t.baseUrl}/auditlog/publisher/v1/project/${project}/viewertoken?${query}`, { headers });
  const session = (project: string, query: string, app: TestApp = t): Promise<string> => viewerSession(app.baseUrl, project, query);
  const search = async (token: string, query = 'crud:c,u,d', extra = '', app: TestApp = t) =>
    postJson(`${app.baseUrl}/auditlog/viewer/v1/graphql${extra}`, { query: SEARCH, variables: { query, last: 50, before: '' } }, { authorization: token });

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { AUTH_FAILURES_PER_MINUTE: '0', VIEWER_ALLOWED_ORIGINS: 'https://app.acme.example' } });
    A = (await admin('/admin/v1/project', { name: 'A' })).id;
    B = (await admin('/admin/v1/project', { name: 'B' })).id;
    apiA = { authorization: `token=${(await admin(`/admin/v1/project/${A}/token`, { name: 'api', scope: 'publish read' })).token}` };
    const apiB = { authorization: `token=${(await admin(`/admin/v1/project/${B}/token`, { name: 'api', scope: 'publish read' })).token}` };
    const events = [
      ...Array.from({ length: 4 }, (_, i) => ({
        action: 'doc.edit',
        crud: 'u',
        group: { id: 'g1' },
        actor: { id: 'ann', name: 'Ann' },
        target: { id: i < 2 ? 'd1' : 'd2', name: `Doc ${i}` },
      })),
      { action: 'secret.g2', crud: 'c', group: { id: 'g2' }, actor: { id: 'mallory' }, description: 'SECRET of g2' },
      { action: 'nogroup', crud: 'c', actor: { id: 'x' }, description: 'SECRET without group' },
    ];
    expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/event/bulk`, { events }, apiA)).status).toBe(201);
    expect(
      (
        await postJson(
          `${t.baseUrl}/publisher/v1/project/${B}/event`,
          { action: 'b.event', crud: 'c', group: { id: 'g1' }, actor: { id: 'ann' }, description: 'SECRET of B' },
          apiB,
        )
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('mints viewer tokens only with the group and actor named, team_id for group_id too', async () => {
    const missing = await mint(A, 'actor_id=ann');
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors[0].field).toBe('group_id');
    expect((await mint(A, 'group_id=g1')).status).toBe(400);
    expect((await mint(A, 'team_id=g1&actor_id=ann')).status).toBe(201);
    expect((await mint(B, 'group_id=g1&actor_id=ann')).status).toBe(403);
    const publishOnly = { authorization: `token=${(await admin(`/admin/v1/project/${A}/token`, { name: 'p', scope: 'publish' })).token}` };
    expect((await mint(A, 'group_id=g1&actor_id=ann', publishOnly)).status).toBe(403);
  });

  it("sees only its group's events, whatever the query says", async () => {
    const token = await session(A, 'group_id=g1&actor_id=ann');
    for (const query of ['crud:c,u,d', 'SECRET crud:c,u,d', 'action:secret.g2', 'action:nogroup']) {
      const body = await (await search(token, query)).json();
      const nodes = body.data.search.edges.map((e: Json) => e.node);
      expect([query, nodes.every((n: Json) => n.group?.id === 'g1')]).toEqual([query, true]);
      expect(JSON.stringify(body)).not.toContain('SECRET');
      if (query === 'crud:c,u,d') expect(body.data.search.totalCount).toBe(4);
    }
  });

  it('sees only its target when the viewer token names one', async () => {
    const token = await session(A, 'group_id=g1&actor_id=ann&target_id=d1');
    const body = await (await search(token)).json();
    expect(body.data.search.totalCount).toBe(2);
    expect(body.data.search.edges.every((e: Json) => e.node.target.id === 'd1')).toBe(true);
  });

  it("cannot reach another project's or group's exports, nor manage tokens without is_admin", async () => {
    const g1 = await session(A, 'group_id=g1&actor_id=ann');
    const g2 = await session(A, 'group_id=g2&actor_id=mallory&is_admin=true');
    const created = await postJson(
      `${t.baseUrl}/viewer/v1/project/${A}/export`,
      { name: 'g2 only', exportBody: { searchQuery: '', showCreate: true, version: 1 } },
      { authorization: g2 },
    );
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await fetch(`${t.baseUrl}/viewer/v1/project/${A}/export/${id}/rendered`, { headers: { authorization: g1 } })).status).toBe(404);
    expect(await (await fetch(`${t.baseUrl}/viewer/v1/project/${A}/exports`, { headers: { authorization: g1 } })).json()).toEqual([]);
    expect((await fetch(`${t.baseUrl}/viewer/v1/project/${B}/exports`, { headers: { authorization: g1 } })).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/viewer/v1/project/${A}/eitapi_tokens`, { headers: { authorization: g1 } })).status).toBe(403);
    const rendered = await fetch(`${t.baseUrl}/viewer/v1/project/${A}/export/${id}/rendered`, { headers: { authorization: g2 } });
    expect(rendered.status).toBe(200);
    expect(rendered.headers.get('content-disposition')).toBe('attachment; filename="g2 only.csv"');
    const lines = (await rendered.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('secret.g2');
    // An API token is not a viewer session, and a viewer session is not an API token.
    expect((await search(apiA.authorization)).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/audit/v1/events?project=${A}`, { headers: { authorization: g1 } })).status).toBe(403);
  });

  it('refuses forged, revoked and other sessions with a 401 JSON body the widget reads as "refresh"', async () => {
    const token = await session(A, 'group_id=g1&actor_id=ann');
    const other = await session(A, 'group_id=g1&actor_id=bob');
    const [, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const widened = `vs1.${Buffer.from(JSON.stringify({ ...claims, gid: 'g2' })).toString('base64url')}.${signature}`;
    for (const forged of [widened, `${token.slice(0, -2)}xx`, 'vs1.e30.', 'vs1.garbage']) {
      const response = await search(forged);
      expect(response.status).toBe(401);
      const body = await response.json();
      expect(body).toMatchObject({ statusCode: 401 });
      expect(body.errors).toBeUndefined();
      expect(body.data).toBeUndefined();
    }
    expect((await search(token)).status).toBe(200);
    const revoke = await fetch(`${t.baseUrl}/auditlog/viewer/v1/project/${A}/group/g1/actor/ann/viewersessions`, { method: 'DELETE', headers: apiA });
    expect(revoke.status).toBe(204);
    expect((await search(token)).status).toBe(401);
    expect((await search(other)).status).toBe(200);
    const revocations = await (
      await fetch(`${t.baseUrl}/audit/v1/events?project=${A}&action=audit.viewer.sessions.revoke`, { headers: adminHeaders() })
    ).json();
    expect(revocations.events).toHaveLength(1);
  });

  it('expires viewer tokens and sessions', async () => {
    const short = await startTestApp(db.url, { env: { VIEWER_TOKEN_TTL_S: '1', VIEWER_SESSION_TTL_S: '2' } });
    try {
      const minted = await (await fetch(`${short.baseUrl}/publisher/v1/project/${A}/viewertoken?group_id=g1&actor_id=ann`, { headers: adminHeaders() })).json();
      const token = await session(A, 'group_id=g1&actor_id=ann', short);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // The voucher is spent after its time; the session lives on past it (Retraced's would die here).
      expect((await postJson(`${short.baseUrl}/viewer/v1/viewersession`, { token: minted.token })).status).toBe(401);
      expect((await search(token, 'crud:c,u,d', '', short)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await search(token, 'crud:c,u,d', '', short)).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('records each search as the view_log_action of the session, unless skipViewLogEvent', async () => {
    const token = await session(A, 'group_id=g1&actor_id=carol&view_log_action=acme.log.viewed');
    expect((await search(token)).status).toBe(200);
    expect((await search(token, 'crud:c,u,d', '?skipViewLogEvent=true')).status).toBe(200);
    const views = (await readAllEvents(t.baseUrl, A, true)).filter((e) => e.action === 'acme.log.viewed');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actor: { id: 'carol' }, group: { id: 'g1' }, crud: 'r', fields: { 'filter.query': 'crud:c,u,d', 'filter.last': '50' } });
  });

  it('answers CORS only for the allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.baseUrl}/auditlog/viewer/v1/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://app.acme.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.acme.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('escapes event data in the sentence, so an event cannot inject links or HTML', async () => {
    await postJson(
      `${t.baseUrl}/publisher/v1/project/${A}/event`,
      { action: 'x.y', crud: 'c', group: { id: 'g3' }, actor: { id: 'e', name: '[click](javascript:alert(1)) <img src=x>' } },
      apiA,
    );
    const token = await session(A, 'group_id=g3&actor_id=e');
    const [edge] = (await (await search(token)).json()).data.search.edges;
    expect(edge.node.display.markdown).toBe('**\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\<img src\\=x\\>** performed the action **x\\.y**.');
  });
});
