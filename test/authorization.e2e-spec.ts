import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_RULE } from '../src/infrastructure/http/public-route';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { viewerSession } from './support/viewer-session';
import { TestApp, adminHeaders, postJson, startTestApp } from './support/test-app';

const INTEGRATION = 'integration-token-0123456789abcdef';

/** Every kind of caller the policy must tell apart. */
const PRINCIPALS = [
  'none',
  'wrong',
  'revoked',
  'forgedViewer',
  'integration',
  'publishA',
  'readA',
  'adminA',
  'publishB',
  'readB',
  'adminB',
  'retracedA',
  'viewerA',
  'viewerAdminA',
  'viewerB',
  'enterpriseA',
  'provision',
  'directory',
  'instance',
  // Console sessions (cookies): signed in with A's read token, with the instance admin token, and one signed out.
  'consoleReadA',
  'consoleInstance',
  'consoleEnded',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

/** Who gets past the gate; everyone else: 401 without valid credentials, 403 with credentials that do not reach. */
type Allowed = readonly PrincipalName[] | 'everyone';

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as registered (`:projectId` etc.), to check that the table covers every route. */
  route: string;
  /** The concrete URL called (project A is `{A}`). */
  url: string;
  body?: unknown;
  allowed: Allowed;
}

const PUBLISHERS_A = ['publishA', 'adminA', 'retracedA', 'instance'] as const;
const READERS_A = ['readA', 'adminA', 'retracedA', 'instance'] as const;
const ADMINS_A = ['adminA', 'instance'] as const;
const VIEWERS_A = ['viewerA', 'viewerAdminA'] as const;
/** Reading A's events: its reading tokens, and console sessions that read it. */
const EVENT_READERS_A = [...READERS_A, 'consoleReadA', 'consoleInstance'] as const;
const DIRECTORY_READERS = ['directory', 'instance', 'consoleInstance'] as const;
const CONSOLES = ['consoleReadA', 'consoleInstance'] as const;

/** The README's authorization table, as data: every route, and who may call it. */
const TABLE: Row[] = [
  { method: 'POST', route: '/audit/v1/event', url: '/audit/v1/event', body: {}, allowed: ['integration'] },
  ...['/publisher/v1', '/auditlog/publisher/v1'].flatMap((prefix): Row[] => [
    { method: 'POST', route: `${prefix}/project/:projectId/event`, url: `${prefix}/project/{A}/event`, body: {}, allowed: PUBLISHERS_A },
    { method: 'POST', route: `${prefix}/project/:projectId/event/bulk`, url: `${prefix}/project/{A}/event/bulk`, body: {}, allowed: PUBLISHERS_A },
    { method: 'POST', route: `${prefix}/project/:projectId/graphql`, url: `${prefix}/project/{A}/graphql`, body: {}, allowed: EVENT_READERS_A },
  ]),
  { method: 'GET', route: '/audit/v1/events', url: '/audit/v1/events?project={A}&limit=1', allowed: EVENT_READERS_A },
  { method: 'GET', route: '/audit/v1/events/export', url: '/audit/v1/events/export?project={A}&format=bogus', allowed: EVENT_READERS_A },
  { method: 'GET', route: '/audit/v1/events/histogram', url: '/audit/v1/events/histogram?project={A}&interval=bogus', allowed: EVENT_READERS_A },
  { method: 'GET', route: '/audit/v1/events/facets', url: '/audit/v1/events/facets?project={A}&top=0', allowed: EVENT_READERS_A },
  { method: 'GET', route: '/audit/v1/events/:id', url: '/audit/v1/events/no-such-event?project={A}', allowed: EVENT_READERS_A },
  { method: 'GET', route: '/audit/v1/integrity', url: '/audit/v1/integrity?project={A}', allowed: EVENT_READERS_A },
  { method: 'POST', route: '/audit/v1/integrity/seal', url: '/audit/v1/integrity/seal?project={A}', allowed: ADMINS_A },
  { method: 'POST', route: '/admin/v1/project', url: '/admin/v1/project', body: {}, allowed: ['instance'] },
  { method: 'GET', route: '/admin/v1/project', url: '/admin/v1/project', allowed: ['instance'] },
  { method: 'POST', route: '/admin/v1/project/:projectId/token', url: '/admin/v1/project/{A}/token', body: {}, allowed: ADMINS_A },
  { method: 'GET', route: '/admin/v1/project/:projectId/token', url: '/admin/v1/project/{A}/token', allowed: ADMINS_A },
  { method: 'DELETE', route: '/admin/v1/project/:projectId/token/:tokenId', url: '/admin/v1/project/{A}/token/no-such-token', allowed: ADMINS_A },
  { method: 'POST', route: '/admin/v1/token', url: '/admin/v1/token', body: {}, allowed: ['instance'] },
  { method: 'GET', route: '/admin/v1/token', url: '/admin/v1/token', allowed: ['instance'] },
  { method: 'DELETE', route: '/admin/v1/token/:tokenId', url: '/admin/v1/token/no-such-token', allowed: ['instance'] },
  { method: 'GET', route: '/identity/v1/sources', url: '/identity/v1/sources', allowed: DIRECTORY_READERS },
  { method: 'GET', route: '/identity/v1/user/:identifier', url: '/identity/v1/user/jdoe', allowed: DIRECTORY_READERS },
  { method: 'GET', route: '/identity/v1/user/:identifier/exists', url: '/identity/v1/user/jdoe/exists', allowed: DIRECTORY_READERS },
  { method: 'GET', route: '/identity/v1/people', url: '/identity/v1/people?q=jd', allowed: DIRECTORY_READERS },
  { method: 'POST', route: '/identity/v1/login', url: '/identity/v1/login', body: {}, allowed: ['provision', 'instance'] },
  { method: 'POST', route: '/identity/v1/sync', url: '/identity/v1/sync', body: { mode: 'bogus' }, allowed: ['instance'] },
  { method: 'GET', route: '/provisioning/v1/ping', url: '/provisioning/v1/ping', allowed: ['provision', 'instance'] },
  { method: 'POST', route: '/provisioning/v1/user/create', url: '/provisioning/v1/user/create', body: {}, allowed: ['provision', 'instance'] },
  { method: 'POST', route: '/provisioning/v1/user/modify', url: '/provisioning/v1/user/modify', body: {}, allowed: ['provision', 'instance'] },
  { method: 'DELETE', route: '/provisioning/v1/user/:uuid', url: '/provisioning/v1/user/nobody', allowed: ['provision', 'instance'] },
  { method: 'POST', route: '/provisioning/v1/reset', url: '/provisioning/v1/reset', body: {}, allowed: ['provision', 'instance'] },
  ...['/viewer/v1', '/auditlog/viewer/v1'].flatMap((prefix): Row[] => [
    { method: 'POST', route: `${prefix}/viewersession`, url: `${prefix}/viewersession`, body: {}, allowed: 'everyone' },
    { method: 'POST', route: `${prefix}/graphql`, url: `${prefix}/graphql`, body: {}, allowed: ['viewerA', 'viewerAdminA', 'viewerB'] },
    { method: 'GET', route: `${prefix}/project/:projectId/exports`, url: `${prefix}/project/{A}/exports`, allowed: VIEWERS_A },
    { method: 'POST', route: `${prefix}/project/:projectId/export`, url: `${prefix}/project/{A}/export`, body: {}, allowed: VIEWERS_A },
    {
      method: 'GET',
      route: `${prefix}/project/:projectId/export/:exportId/rendered`,
      url: `${prefix}/project/{A}/export/nothing/rendered`,
      allowed: VIEWERS_A,
    },
    { method: 'GET', route: `${prefix}/project/:projectId/eitapi_tokens`, url: `${prefix}/project/{A}/eitapi_tokens`, allowed: ['viewerAdminA'] },
    { method: 'POST', route: `${prefix}/project/:projectId/eitapi_token`, url: `${prefix}/project/{A}/eitapi_token`, body: {}, allowed: ['viewerAdminA'] },
    {
      method: 'PUT',
      route: `${prefix}/project/:projectId/eitapi_token/:tokenId`,
      url: `${prefix}/project/{A}/eitapi_token/nothing`,
      body: {},
      allowed: ['viewerAdminA'],
    },
    {
      method: 'DELETE',
      route: `${prefix}/project/:projectId/eitapi_token/:tokenId`,
      url: `${prefix}/project/{A}/eitapi_token/nothing`,
      allowed: ['viewerAdminA'],
    },
    {
      method: 'DELETE',
      route: `${prefix}/project/:projectId/group/:groupId/actor/:actorId/viewersessions`,
      url: `${prefix}/project/{A}/group/g1/actor/nobody/viewersessions`,
      allowed: READERS_A,
    },
  ]),
  ...['/publisher/v1', '/auditlog/publisher/v1'].flatMap((prefix): Row[] => [
    { method: 'GET', route: `${prefix}/project/:projectId/viewertoken`, url: `${prefix}/project/{A}/viewertoken`, allowed: READERS_A },
    {
      method: 'POST',
      route: `${prefix}/project/:projectId/group/:groupId/enterprisetoken`,
      url: `${prefix}/project/{A}/group/g1/enterprisetoken`,
      body: {},
      allowed: READERS_A,
    },
    {
      method: 'GET',
      route: `${prefix}/project/:projectId/group/:groupId/enterprisetoken`,
      url: `${prefix}/project/{A}/group/g1/enterprisetoken`,
      allowed: READERS_A,
    },
    {
      method: 'PUT',
      route: `${prefix}/project/:projectId/group/:groupId/enterprisetoken/:tokenId`,
      url: `${prefix}/project/{A}/group/g1/enterprisetoken/nothing`,
      body: {},
      allowed: READERS_A,
    },
    {
      method: 'DELETE',
      route: `${prefix}/project/:projectId/group/:groupId/enterprisetoken/:tokenId`,
      url: `${prefix}/project/{A}/group/g1/enterprisetoken/nothing`,
      allowed: READERS_A,
    },
  ]),
  { method: 'POST', route: '/enterprise/v1/graphql', url: '/enterprise/v1/graphql', body: {}, allowed: ['enterpriseA'] },
  { method: 'GET', route: '/enterprise/v1/graphql', url: '/enterprise/v1/graphql', allowed: ['enterpriseA'] },
  { method: 'GET', route: '/enterprise/v1/search/adhoc', url: '/enterprise/v1/search/adhoc?page_size=0', allowed: ['enterpriseA'] },
  { method: 'POST', route: '/enterprise/v1/search/saved', url: '/enterprise/v1/search/saved', body: {}, allowed: ['enterpriseA'] },
  { method: 'POST', route: '/enterprise/v1/search/active', url: '/enterprise/v1/search/active', body: {}, allowed: ['enterpriseA'] },
  { method: 'GET', route: '/enterprise/v1/search/active/:id', url: '/enterprise/v1/search/active/nothing', allowed: ['enterpriseA'] },
  { method: 'DELETE', route: '/enterprise/v1/search/active/:id', url: '/enterprise/v1/search/active/nothing', allowed: ['enterpriseA'] },
  { method: 'GET', route: '/admin/v1/project/:projectId/templates', url: '/admin/v1/project/{A}/templates', allowed: ADMINS_A },
  { method: 'PUT', route: '/admin/v1/project/:projectId/templates', url: '/admin/v1/project/{A}/templates', body: {}, allowed: ADMINS_A },
  { method: 'GET', route: '/health', url: '/health', allowed: 'everyone' },
  { method: 'GET', route: '/health/ready', url: '/health/ready', allowed: 'everyone' },
  { method: 'GET', route: '/metrics', url: '/metrics', allowed: 'everyone' },
  { method: 'GET', route: '/console', url: '/console', allowed: 'everyone' },
  { method: 'GET', route: '/console/*', url: '/console/person/jdoe', allowed: 'everyone' },
  { method: 'GET', route: '/console/assets/:file', url: '/console/assets/nothing.js', allowed: 'everyone' },
  { method: 'GET', route: '/console/api/sign-in', url: '/console/api/sign-in', allowed: 'everyone' },
  { method: 'POST', route: '/console/api/session', url: '/console/api/session', body: {}, allowed: 'everyone' },
  { method: 'GET', route: '/console/api/session', url: '/console/api/session', allowed: CONSOLES },
  // Last: it signs the console sessions out.
  { method: 'DELETE', route: '/console/api/session', url: '/console/api/session', allowed: CONSOLES },
];

/** The routes Nest registered, read from the controllers' own metadata. */
function registeredRoutes(t: TestApp): { route: string; hasRule: boolean }[] {
  const reflector = new Reflector();
  const join = (...parts: string[]) =>
    `/${parts
      .map((p) => p.replace(/^\/|\/$/g, ''))
      .filter(Boolean)
      .join('/')}`;
  const routes: { route: string; hasRule: boolean }[] = [];
  for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
    const type = wrapper.metatype as { prototype: Record<string, unknown> } | undefined;
    if (!type) continue;
    const controllerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? '/');
    for (const name of Object.getOwnPropertyNames(type.prototype)) {
      const handler = type.prototype[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const hasRule = reflector.getAllAndOverride(ACCESS_RULE, [handler as () => void, type as never]) !== undefined;
      for (const base of controllerPaths) {
        for (const path of ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler)))
          routes.push({ route: `${method} ${join(base, path)}`, hasRule });
      }
    }
  }
  return routes;
}

describe.each(DIALECTS)('the authorization policy on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let A: string;
  const headers: Partial<Record<PrincipalName, Record<string, string>>> = {};

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { INTEGRATION_API_TOKEN: INTEGRATION, AUTH_FAILURES_PER_MINUTE: '0' } });
    const admin = async (path: string, body: unknown) => {
      const response = await postJson(`${t.baseUrl}${path}`, body, adminHeaders());
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; token: string };
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    A = (await admin('/admin/v1/project', { name: 'A' })).id;
    const B = (await admin('/admin/v1/project', { name: 'B' })).id;
    for (const [name, project, scope] of [
      ['publishA', A, 'publish'],
      ['readA', A, 'read'],
      ['adminA', A, 'admin'],
      ['retracedA', A, 'publish read'],
      ['publishB', B, 'publish'],
      ['readB', B, 'read'],
      ['adminB', B, 'admin'],
    ] as const) {
      headers[name] = bearer((await admin(`/admin/v1/project/${project}/token`, { name, scope })).token);
    }
    headers.provision = bearer((await admin('/admin/v1/token', { name: 'p', scope: 'provision' })).token);
    headers.directory = bearer((await admin('/admin/v1/token', { name: 'd', scope: 'directory' })).token);
    const viewer = async (project: string, isAdmin: boolean) => ({
      authorization: await viewerSession(t.baseUrl, project, `group_id=g1&actor_id=viewer&is_admin=${isAdmin}`),
    });
    headers.viewerA = await viewer(A, false);
    headers.viewerAdminA = await viewer(A, true);
    headers.viewerB = await viewer(B, true);
    headers.forgedViewer = { authorization: `${headers.viewerA.authorization.slice(0, -4)}AAAA` };
    headers.enterpriseA = bearer((await admin(`/publisher/v1/project/${A}/group/g1/enterprisetoken`, { display_name: 'siem' })).token);
    const revoked = await admin(`/admin/v1/project/${A}/token`, { name: 'gone', scope: 'admin' });
    expect((await fetch(`${t.baseUrl}/admin/v1/project/${A}/token/${revoked.id}`, { method: 'DELETE', headers: adminHeaders() })).status).toBe(204);
    headers.revoked = bearer(revoked.token);
    headers.wrong = bearer('admin_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    headers.integration = bearer(INTEGRATION);
    headers.none = {};
    headers.instance = adminHeaders();
    const consoleSession = async (token: string) => {
      const response = await postJson(`${t.baseUrl}/console/api/session`, { token });
      expect(response.status).toBe(201);
      return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] };
    };
    headers.consoleReadA = await consoleSession(headers.readA!.authorization.slice('Bearer '.length));
    headers.consoleInstance = await consoleSession(adminHeaders().authorization.slice('Bearer '.length));
    headers.consoleEnded = await consoleSession(headers.readA!.authorization.slice('Bearer '.length));
    expect((await fetch(`${t.baseUrl}/console/api/session`, { method: 'DELETE', headers: headers.consoleEnded })).status).toBe(204);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('has a rule on every route, and the table names every route', () => {
    const routes = registeredRoutes(t);
    expect(routes.filter((r) => !r.hasRule)).toEqual([]);
    expect(routes.map((r) => r.route).sort()).toEqual(TABLE.map((row) => `${row.method} ${row.route}`).sort());
  });

  it.each(TABLE.map((row) => [`${row.method} ${row.route}`, row] as const))('%s: allowed callers pass, others get 401 or 403', async (_name, row) => {
    const outcomes: Record<string, number> = {};
    const expected: Record<string, number | 'pass'> = {};
    for (const principal of PRINCIPALS) {
      const response = await fetch(`${t.baseUrl}${row.url.replace('{A}', A)}`, {
        method: row.method,
        headers: { ...headers[principal], ...(row.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: row.body === undefined ? undefined : JSON.stringify(row.body),
      });
      await response.arrayBuffer();
      const passes = row.allowed === 'everyone' || row.allowed.includes(principal);
      const unauthenticated =
        principal === 'none' || principal === 'wrong' || principal === 'revoked' || principal === 'forgedViewer' || principal === 'consoleEnded';
      expected[principal] = passes ? 'pass' : unauthenticated ? 401 : 403;
      outcomes[principal] = response.status;
    }
    const seen = Object.fromEntries(
      Object.entries(outcomes).map(([p, status]) => [p, expected[p] === 'pass' && status !== 401 && status !== 403 && status < 500 ? 'pass' : status]),
    );
    expect(seen).toEqual(expected);
  });

  it('keeps a project admin token inside its own project: no new projects, no tokens elsewhere, no reads of another project', async () => {
    const B = (
      (await (await fetch(`${t.baseUrl}/admin/v1/project`, { headers: adminHeaders() })).json()) as { projects: { id: string; name: string }[] }
    ).projects.find((p) => p.name === 'B')!.id;
    expect((await postJson(`${t.baseUrl}/admin/v1/project`, { name: 'rogue' }, headers.adminA)).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/admin/v1/project/${B}/token`, { name: 'x', scope: 'admin' }, headers.adminA)).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/admin/v1/project/default/token`, { name: 'x', scope: 'read' }, headers.adminA)).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/audit/v1/events?project=${B}`, { headers: headers.adminA })).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/audit/v1/integrity/seal?project=${B}`, {}, headers.adminA)).status).toBe(403);
    expect((await postJson(`${t.baseUrl}/identity/v1/sync`, {}, headers.adminA)).status).toBe(403);
    // Within its project it administers: a token it mints works there.
    const minted = await postJson(`${t.baseUrl}/admin/v1/project/${A}/token`, { name: 'reader', scope: 'read' }, headers.adminA);
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    expect((await fetch(`${t.baseUrl}/audit/v1/events?project=${A}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
