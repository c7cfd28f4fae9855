import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/app-config';
import { MIGRATIONS, dataSourceOptions } from '../src/infrastructure/database/data-source-options';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { viewerSession } from './support/viewer-session';
import { TestApp, adminHeaders, postJson, startTestApp } from './support/test-app';

type Json = any;

const SEARCH =
  'query Search($query: String!, $last: Int, $before: String) { search(query: $query, last: $last, before: $before) { totalCount edges { node { id group { id } crud } } } }';

/**
 * A group's total (the widget's `totalCount`) is read from the counts the event store keeps with
 * each insert. Whatever way events arrive (single, bulk, idempotent retries, a refused batch, the
 * service's own read records), the total equals the events a search finds, on both databases.
 */
describe.each(DIALECTS)("a group's total on %s", (dialect) => {
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
  const session = (project: string, group: string) => viewerSession(t.baseUrl, project, `group_id=${group}&actor_id=auditor`);
  /** The total a viewer of the group is told, and the events it finds by paging to the end. */
  const viewed = async (project: string, group: string, query: string) => {
    const token = await session(project, group);
    let before = '';
    const found: Json[] = [];
    let totalCount = -1;
    for (;;) {
      const body = await (
        await postJson(`${t.baseUrl}/viewer/v1/graphql`, { query: SEARCH, variables: { query, last: 50, before } }, { authorization: token })
      ).json();
      totalCount = body.data.search.totalCount;
      const edges = body.data.search.edges;
      found.push(...edges.map((e: Json) => e.node));
      if (edges.length < 50) break;
      before = edges[edges.length - 1].cursor ?? '';
      if (!before) break;
    }
    return { totalCount, found };
  };
  const event = (group: string | undefined, crud: string | undefined, i: number, extra: Record<string, unknown> = {}) => ({
    action: `doc.${crud ?? 'none'}`,
    ...(crud === undefined ? {} : { crud }),
    ...(group === undefined ? {} : { group: { id: group, name: `Group ${group}` } }),
    actor: { id: `user${i % 3}` },
    description: `event ${i}`,
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { AUTH_FAILURES_PER_MINUTE: '0' } });
    A = (await admin('/admin/v1/project', { name: 'A' })).id;
    B = (await admin('/admin/v1/project', { name: 'B' })).id;
    apiA = { authorization: `token=${(await admin(`/admin/v1/project/${A}/token`, { name: 'api', scope: 'publish read' })).token}` };
    const apiB = { authorization: `token=${(await admin(`/admin/v1/project/${B}/token`, { name: 'api', scope: 'publish read' })).token}` };
    // g1: 12 c, 7 r, 5 u, 3 d; g2: 4 u; no group: 6. Project B's g1: 9 c.
    const cruds = [...Array(12).fill('c'), ...Array(7).fill('r'), ...Array(5).fill('u'), ...Array(3).fill('d')];
    const bulk = cruds.map((crud, i) => event('g1', crud, i));
    bulk.push(...Array.from({ length: 4 }, (_, i) => event('g2', 'u', i)), ...Array.from({ length: 6 }, (_, i) => event(undefined, 'c', i)));
    expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/event/bulk`, { events: bulk.slice(0, 20) }, apiA)).status).toBe(201);
    for (const e of bulk.slice(20)) expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/event`, e, apiA)).status).toBe(201);
    // An honest retry is answered from what is stored and counted once.
    const once = event('g1', 'c', 100, { external_id: 'retry-1' });
    for (let k = 0; k < 3; k++) expect((await postJson(`${t.baseUrl}/publisher/v1/project/${A}/event`, once, apiA)).status).toBe(201);
    // A refused batch stores nothing and counts nothing.
    const refused = await postJson(
      `${t.baseUrl}/publisher/v1/project/${A}/event/bulk`,
      { events: [event('g1', 'c', 200), { ...event('g1', 'c', 201), crud: 'x' }] },
      apiA,
    );
    expect(refused.status).toBe(400);
    expect(
      (await postJson(`${t.baseUrl}/publisher/v1/project/${B}/event/bulk`, { events: Array.from({ length: 9 }, (_, i) => event('g1', 'c', i)) }, apiB)).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it.each([
    ['crud:c,r,u,d', 'g1', 28],
    ['crud:c,u,d', 'g1', 21],
    ['crud:r', 'g1', 7],
    ['crud:d', 'g2', 0],
    ['', 'g2', 4],
    ['', 'g3', 0],
  ])('"%s" in %s: the total is what the search finds', async (query, group, expected) => {
    const { totalCount, found } = await viewed(A, group, query);
    expect(found).toHaveLength(expected);
    expect(found.every((n: Json) => n.group?.id === group)).toBe(true);
    expect(totalCount).toBe(expected);
  });

  it("never counts another project's group of the same name, nor the viewers' own read records", async () => {
    // Every search above was recorded as a read in g1; the totals leave those out, as the search does.
    expect((await viewed(A, 'g1', 'crud:c,r,u,d')).totalCount).toBe(28);
    expect((await viewed(B, 'g1', '')).totalCount).toBe(9);
    const listing = await (await fetch(`${t.baseUrl}/audit/v1/events?project=${A}&reads=only&limit=1000`, { headers: adminHeaders() })).json();
    expect(listing.events.filter((e: Json) => e.group?.id === 'g1').length).toBeGreaterThan(0);
  });

  it('counts with a filter the group counts cannot answer as the search does', async () => {
    const { totalCount, found } = await viewed(A, 'g1', 'crud:c user1');
    expect(found.length).toBeGreaterThan(0);
    expect(totalCount).toBe(found.length);
  });

  it('fills the counts of events stored before the counts existed, as the store keeps them', async () => {
    const ds = new DataSource({ ...dataSourceOptions(parseDatabaseUrl(db.url)), migrations: [...MIGRATIONS[dialect]] });
    await ds.initialize();
    try {
      const counts = async () =>
        (await ds.query('SELECT project_id, group_id, crud, source_api, events FROM audit_group_counts ORDER BY 1, 2, 3, 4')).map((r: Json) => ({
          ...r,
          events: Number(r.events),
        }));
      const kept = await counts();
      expect(kept.filter((r: Json) => r.project_id === A && r.group_id === 'g1' && r.source_api === 'publisher')).toEqual([
        { project_id: A, group_id: 'g1', crud: 'c', source_api: 'publisher', events: 13 },
        { project_id: A, group_id: 'g1', crud: 'd', source_api: 'publisher', events: 3 },
        { project_id: A, group_id: 'g1', crud: 'r', source_api: 'publisher', events: 7 },
        { project_id: A, group_id: 'g1', crud: 'u', source_api: 'publisher', events: 5 },
      ]);
      const groupCounts = MIGRATIONS[dialect].find((m) => m.name.startsWith('GroupCounts'))!;
      const runner = ds.createQueryRunner();
      try {
        await new groupCounts().down(runner);
        await new groupCounts().up(runner);
      } finally {
        await runner.release();
      }
      expect(await counts()).toEqual(kept);
    } finally {
      await ds.destroy();
    }
  });
});
