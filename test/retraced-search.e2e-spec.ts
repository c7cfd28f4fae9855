import { Client } from '@retracedhq/retraced';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { ServerProcess } from './support/server-process';
import { ADMIN_TOKEN, adminHeaders, postJson } from './support/test-app';

const FULL_MASK = {
  id: true,
  action: true,
  description: true,
  group: { id: true, name: true },
  actor: { id: true, name: true, href: true, fields: true },
  target: { id: true, name: true, href: true, type: true, fields: true },
  crud: true,
  display: { markdown: true },
  received: true,
  created: true,
  canonical_time: true,
  is_failure: true,
  is_anonymous: true,
  source_ip: true,
  country: true,
  loc_subdiv1: true,
  loc_subdiv2: true,
  component: true,
  version: true,
  fields: true,
  external_id: true,
  metadata: true,
};

/** The official client's query() against the real server process, on both databases. */
describe.each(DIALECTS)('Retraced search (GraphQL) with the official client on %s', (dialect) => {
  let db: TestDatabase;
  let server: ServerProcess;
  let projectId: string;
  let publisher: Client;
  let reader: Client;

  const admin = async (path: string, body: unknown) =>
    (await (await postJson(`${server.baseUrl}${path}`, body, adminHeaders())).json()) as Record<string, string>;

  /** Every event of a search, paging with the client until it says there is no more. */
  async function searchAll(query: Record<string, unknown>, pageSize: number) {
    const connection = await reader.query(query, FULL_MASK, pageSize);
    const seen = [...connection.currentResults];
    const totalCount = connection.totalCount;
    while (connection.hasNextPage()) {
      await connection.nextPage();
      seen.push(...connection.currentResults);
    }
    return { seen, totalCount };
  }

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    server = await ServerProcess.start({ DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: ADMIN_TOKEN });
    projectId = (await admin('/admin/v1/project', { name: 'Search' })).id;
    const publishToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'p', scope: 'publish' })).token;
    const readToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'r', scope: 'read' })).token;
    publisher = new Client({ apiKey: publishToken, projectId, endpoint: `${server.baseUrl}/auditlog` });
    reader = new Client({ apiKey: readToken, projectId, endpoint: `${server.baseUrl}/auditlog` });
    const events = [];
    for (let i = 0; i < 23; i++)
      events.push({ action: 'user.login', crud: 'c' as const, actor: { id: `u${i % 5}`, name: `User ${i % 5}` }, description: `login number ${i}` });
    for (let i = 0; i < 11; i++) events.push({ action: 'user.logout', crud: 'd' as const, actor: { id: 'u1', name: 'User 1' }, description: `logout ${i}` });
    for (let i = 0; i < 7; i++)
      events.push({
        action: 'document.read',
        crud: 'r' as const,
        actor: { id: 'u2', name: 'Zoë Reader' },
        description: `read Résumé ${i}`,
        fields: { 'k:1': 'v=1' },
        metadata: { m: 'x' },
      });
    await publisher.reportEvents(events);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('pages through an exact action newest first, every match exactly once', async () => {
    const { seen, totalCount } = await searchAll({ action: 'user.login' }, 5);
    expect(totalCount).toBe(23);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((e) => e.id)).size).toBe(23);
    expect(seen.map((e) => e.description)).toEqual(Array.from({ length: 23 }, (_, i) => `login number ${22 - i}`));
  });

  it('matches an action prefix with a trailing *', async () => {
    const { seen, totalCount } = await searchAll({ action: 'user.*' }, 10);
    expect(totalCount).toBe(34);
    expect(seen.every((e) => e.action?.startsWith('user.'))).toBe(true);
    expect(seen).toHaveLength(34);
  });

  it('filters by crud lists and pages through everything', async () => {
    expect((await searchAll({ crud: 'd' }, 4)).seen).toHaveLength(11);
    const { seen } = await searchAll({ crud: 'c,r' }, 7);
    expect(seen).toHaveLength(30);
    expect(new Set(seen.map((e) => e.crud))).toEqual(new Set(['c', 'r']));
  });

  it('filters by actor id, actor name, description and time, and returns the node fields the client maps', async () => {
    const { seen } = await searchAll({ actor_name: 'zoë', description: 'résumé', received_start: new Date(Date.now() - 3_600_000) }, 50);
    expect(seen).toHaveLength(7);
    expect(seen[0]).toMatchObject({
      action: 'document.read',
      crud: 'r',
      actor: { id: 'u2', name: 'Zoë Reader' },
      fields: { 'k:1': 'v=1' },
      metadata: [{ key: 'm', value: 'x' }],
    }); // the client maps fields but not metadata
    expect(seen[0].received).toBeInstanceOf(Date);
    expect((await searchAll({ actor_id: 'u1' }, 50)).seen).toHaveLength(5 + 11);
    expect((await searchAll({ received_end: new Date(Date.now() - 3_600_000) }, 50)).seen).toHaveLength(0);
  });

  it('answers raw GraphQL: first/after pages oldest first, and an unknown keyword is a 400', async () => {
    const readToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'raw', scope: 'read' })).token;
    const gql = (query: string, variables: Record<string, unknown>) =>
      postJson(`${server.baseUrl}/publisher/v1/project/${projectId}/graphql`, { query, variables }, { authorization: `Token token=${readToken}` });
    const text =
      'query($q: String!, $after: String) { search(query: $q, first: 4, after: $after) { totalCount pageInfo { hasNextPage } edges { cursor node { description hash } } } }';
    const first = await (await gql(text, { q: 'crud:d' })).json();
    expect(first.data.search.edges.map((e: any) => e.node.description)).toEqual(['logout 0', 'logout 1', 'logout 2', 'logout 3']);
    expect(first.data.search.pageInfo.hasNextPage).toBe(true);
    expect(first.data.search.edges[0].node.hash).toMatch(/^[0-9a-f]{64}$/);
    const second = await (await gql(text, { q: 'crud:d', after: first.data.search.edges[3].cursor })).json();
    expect(second.data.search.edges[0].node.description).toBe('logout 4');
    const bad = await gql(text, { q: 'location:"Berlin"' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('location');
  });

  it('refuses a publish-only token', async () => {
    const connection = new Client({
      apiKey: (await admin(`/admin/v1/project/${projectId}/token`, { name: 'w', scope: 'publish' })).token,
      projectId,
      endpoint: `${server.baseUrl}/auditlog`,
    });
    await expect(connection.query({ action: 'user.login' }, { id: true }, 5)).rejects.toThrow(/403/);
  });
});
