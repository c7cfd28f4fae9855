import { DataSource } from 'typeorm';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { OpenLdapHandle, startOpenLdap } from './support/directories';
import { adminHeaders, postJson, startTestApp, TestApp } from './support/test-app';
import { ADA, CONSOLE_GROUP, consoleDirectoryLdif, JOHN_ENGINEER, JOHN_SALES, NED, PASSWORD, RITA } from './fixtures/console-directory';

jest.setTimeout(180_000);

type Json = any;

/**
 * What the console stands on, against a real slapd: signing in with directory credentials or a
 * token, the session cookie, the person picker, histogram and facets, the event detail.
 */
describe.each(DIALECTS)('the console API against a real OpenLDAP on %s', (dialect) => {
  let db: TestDatabase;
  let ldap: OpenLdapHandle;
  let service: TestApp;
  let other: { id: string; readToken: string };
  const url = (path: string) => `${service.baseUrl}${path}`;
  const signIn = (body: unknown, headers: Record<string, string> = {}) => postJson(url('/console/api/session'), body, headers);
  const cookieOf = (response: Response) => {
    const header = response.headers.get('set-cookie') ?? '';
    return { header, cookie: header.split(';')[0] };
  };
  const asSession = (cookie: string, path: string, init: RequestInit = {}) =>
    fetch(url(path), { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const publish = (actorId: string, action: string, extra: Record<string, unknown> = {}) =>
    postJson(url('/publisher/v1/project/default/event'), { action, crud: 'r', actor: { id: actorId }, ...extra }, adminHeaders());
  const sync = async () => expect((await postJson(url('/identity/v1/sync'), { mode: 'full' }, adminHeaders())).status).toBe(200);
  const signInAda = async () => {
    const response = await signIn({ username: ADA.uid, password: PASSWORD });
    expect(response.status).toBe(201);
    return cookieOf(response).cookie;
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    ldap = await startOpenLdap({ ldif: consoleDirectoryLdif() });
    service = await startTestApp(db.url, {
      env: {
        LDAP_URL: ldap.url,
        LDAP_BIND_DN: ldap.readerBindDn,
        LDAP_BIND_PASSWORD: ldap.readerBindPassword,
        LDAP_BASE_DN: ldap.baseDn,
        LDAP_SYNC_INTERVAL_S: '0',
        CONSOLE_GROUP,
        LOGIN_FAILURES_PER_MINUTE: '3',
        INTEGRITY_SEAL_INTERVAL_S: '0',
      },
    });
    await sync();
    const project = await (await postJson(url('/admin/v1/project'), { name: 'Other' }, adminHeaders())).json();
    const token = await (await postJson(url(`/admin/v1/project/${project.id}/token`), { name: 'reader', scope: 'read' }, adminHeaders())).json();
    other = { id: project.id, readToken: token.token };
    expect(
      (
        await postJson(
          url(`/publisher/v1/project/${other.id}/event`),
          { action: 'other.secret', crud: 'r', actor: { id: JOHN_ENGINEER.uid } },
          { authorization: `Bearer ${token.token}` },
        )
      ).status,
    ).toBe(403);
    const publisher = await (await postJson(url(`/admin/v1/project/${other.id}/token`), { name: 'pub', scope: 'publish' }, adminHeaders())).json();
    expect(
      (
        await postJson(
          url(`/publisher/v1/project/${other.id}/event`),
          { action: 'other.secret', crud: 'r', actor: { id: JOHN_ENGINEER.uid } },
          { authorization: `Bearer ${publisher.token}` },
        )
      ).status,
    ).toBe(201);
    // John (engineering) under three of his names, and once as a target.
    for (const [i, name] of [JOHN_ENGINEER.uid, JOHN_ENGINEER.mail, JOHN_ENGINEER.dn].entries()) {
      expect(
        (
          await publish(name, i === 1 ? 'document.delete' : 'document.read', {
            target: { id: `doc-${i}`, name: `Doc ${i}` },
            source_ip: '10.1.1.1',
            is_failure: i === 1,
          })
        ).status,
      ).toBe(201);
    }
    expect((await publish(JOHN_SALES.uid, 'user.promote', { target: { id: JOHN_ENGINEER.mail, name: 'John Smith' } })).status).toBe(201);
  });
  afterAll(async () => {
    await service?.close();
    await ldap?.destroy();
    await db?.drop();
  });

  it('signs in a member of CONSOLE_GROUP (through a nested group) with an HttpOnly, SameSite=Strict cookie and nothing secret in the body', async () => {
    const response = await signIn({ username: ADA.uid, password: PASSWORD });
    expect(response.status).toBe(201);
    const { header, cookie } = cookieOf(response);
    expect(header).toMatch(/^audit_console=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const body = await response.json();
    expect(body).toMatchObject({ name: ADA.cn, kind: 'directory', directory: true });
    expect(body.projects.map((p: Json) => p.id).sort()).toEqual(['default', other.id].sort());
    expect(JSON.stringify(body)).not.toContain(cookie.split('=')[1]);
    expect(await json(await asSession(cookie, '/console/api/session'))).toMatchObject({ status: 200, body: { name: ADA.cn } });
  });

  it('refuses a wrong password and a non-member with clear messages, each an audit event of a failed sign-in', async () => {
    const wrong = await json(await signIn({ username: JOHN_SALES.uid, password: 'not it' }));
    expect(wrong).toMatchObject({ status: 401, body: { message: 'wrong username or password' } });
    const outsider = await json(await signIn({ username: NED.uid, password: PASSWORD }));
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toContain(`only members of ${CONSOLE_GROUP}`);
    expect((await signIn({ username: NED.uid, password: '' })).status).toBe(400);
    // null reads as absent: a clear 400, never a 500.
    for (const body of [{ token: null }, { token: null, username: null, password: null }, { username: NED.uid, password: null }]) {
      expect([JSON.stringify(body), (await signIn(body)).status]).toEqual([JSON.stringify(body), 400]);
    }
    const records = await (await fetch(url('/audit/v1/events?action=audit.console.signin&failure=true&limit=50'), { headers: adminHeaders() })).json();
    const reasons = records.events.map((e: Json) => `${e.actor.id}:${e.fields.reason}`);
    expect(reasons).toEqual(expect.arrayContaining([`${JOHN_SALES.uid}:wrong password`, `${NED.uid}:not a member of CONSOLE_GROUP`]));
  });

  it('limits failed sign-ins per username: past the limit even the right password waits, with Retry-After', async () => {
    for (let i = 0; i < 2; i++) expect((await signIn({ username: JOHN_SALES.uid, password: `guess ${i}` })).status).toBe(401);
    const limited = await signIn({ username: JOHN_SALES.uid, password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another username from the same address is not held up by it.
    expect((await signIn({ username: ADA.uid, password: PASSWORD })).status).toBe(201);
  });

  it('serves the Identity API login: the person with DN and groups for a provisioner, 401 for a wrong password, nothing without a token', async () => {
    const provisioner = await (await postJson(url('/admin/v1/token'), { name: 'prov', scope: 'provision' }, adminHeaders())).json();
    const auth = { authorization: `Bearer ${provisioner.token}` };
    const ok = await json(await postJson(url('/identity/v1/login'), { username: ADA.mail, password: PASSWORD }, auth));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ dn: ADA.dn, username: ADA.uid, email: ADA.mail });
    expect(ok.body.groups).toEqual(expect.arrayContaining(['security', CONSOLE_GROUP]));
    expect((await postJson(url('/identity/v1/login'), { username: ADA.uid, password: 'nope' }, auth)).status).toBe(401);
    expect((await postJson(url('/identity/v1/login'), { username: ADA.uid, password: PASSWORD })).status).toBe(401);
    const missing = await json(await postJson(url('/identity/v1/login'), { username: ADA.uid }, auth));
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('password');
  });

  it("reads every project as the signed-in person, and records each read under the person's directory GUID", async () => {
    const cookie = await signInAda();
    const others = await json(await asSession(cookie, `/audit/v1/events?project=${other.id}`));
    expect(others.status).toBe(200);
    expect(others.body.events.map((e: Json) => e.action)).toEqual(['other.secret']);
    const ada = await (await fetch(url(`/identity/v1/user/${ADA.uid}`), { headers: adminHeaders() })).json();
    const reads = await (await fetch(url(`/audit/v1/events?project=${other.id}&actor=${ada.guid}&reads=only`), { headers: adminHeaders() })).json();
    expect(reads.events.length).toBeGreaterThan(0);
    expect(reads.events[0].actor).toMatchObject({ id: ada.guid, guid: ada.guid, username: ADA.uid });
    // A console session reads; it does not administer or mint credentials.
    expect((await asSession(cookie, '/admin/v1/project')).status).toBe(403);
    expect((await asSession(cookie, '/publisher/v1/project/default/viewertoken?group_id=g&actor_id=a')).status).toBe(403);
  });

  it('signs out: the cookie is cleared and stops working; a change from another origin is refused', async () => {
    const cookie = await signInAda();
    const foreign = await asSession(cookie, '/console/api/session', { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const out = await asSession(cookie, '/console/api/session', { method: 'DELETE', headers: { origin: service.baseUrl } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^audit_console=; .*Max-Age=0/);
    expect((await asSession(cookie, '/console/api/session')).status).toBe(401);
    expect((await asSession(cookie, '/audit/v1/events')).status).toBe(401);
    // A mistyped console API path answers 404 JSON, not the console's page.
    const typo = await fetch(url('/console/api/sesion'));
    expect(typo.status).toBe(404);
    expect(typo.headers.get('content-type')).toContain('application/json');
  });

  it('ends a session idle for longer than CONSOLE_SESSION_IDLE_S', async () => {
    const cookie = await signInAda();
    const dataSource = service.app.get(DataSource);
    await dataSource.query(`UPDATE console_sessions SET last_seen_at = last_seen_at - ${31 * 60_000}`);
    expect((await asSession(cookie, '/console/api/session')).status).toBe(401);
  });

  it('a read-token session reads its own project only', async () => {
    const response = await signIn({ token: other.readToken });
    expect(response.status).toBe(201);
    const { cookie } = cookieOf(response);
    const session = await response.json();
    expect(session).toMatchObject({ kind: 'token', directory: false, projects: [{ id: other.id }] });
    expect((await asSession(cookie, `/audit/v1/events?project=${other.id}`)).status).toBe(200);
    expect((await asSession(cookie, '/audit/v1/events?project=default')).status).toBe(403);
    expect((await asSession(cookie, '/audit/v1/events/histogram?project=default')).status).toBe(403);
    expect((await asSession(cookie, '/identity/v1/people?q=jo')).status).toBe(403);
    const publishOnly = await (await postJson(url(`/admin/v1/project/${other.id}/token`), { name: 'p', scope: 'publish' }, adminHeaders())).json();
    expect((await signIn({ token: publishOnly.token })).status).toBe(403);
    expect((await signIn({ token: 'not-a-token' })).status).toBe(401);
  });

  it('suggests people by any start of any name: two John Smiths told apart, DOMAIN\\user, and at least two characters', async () => {
    const cookie = await signInAda();
    const johns = await json(await asSession(cookie, '/identity/v1/people?q=john%20sm'));
    expect(johns.status).toBe(200);
    expect(johns.body.people.map((p: Json) => p.username).sort()).toEqual([JOHN_ENGINEER.uid, JOHN_SALES.uid]);
    const groups = Object.fromEntries(johns.body.people.map((p: Json) => [p.username, p.groups]));
    expect(groups[JOHN_ENGINEER.uid]).toContain('engineering');
    expect(groups[JOHN_SALES.uid]).toContain('sales');
    expect((await json(await asSession(cookie, '/identity/v1/people?q=smith'))).body.people).toHaveLength(2);
    expect((await json(await asSession(cookie, '/identity/v1/people?q=j.smith@s'))).body.people.map((p: Json) => p.username)).toEqual([JOHN_SALES.uid]);
    expect((await json(await asSession(cookie, '/identity/v1/people?q=EXAMPLE%5Cjsmith2'))).body.people.map((p: Json) => p.username)).toEqual([JOHN_SALES.uid]);
    const short = await json(await asSession(cookie, '/identity/v1/people?q=j'));
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('q must be at least 2 characters');
  });

  it('counts in the histogram and facets exactly what the listing lists, for every name of the person', async () => {
    const cookie = await signInAda();
    const filters = `actor=${encodeURIComponent(JOHN_ENGINEER.mail)}`;
    const listed = (await json(await asSession(cookie, `/audit/v1/events?${filters}&limit=100`))).body.events as Json[];
    expect(listed.map((e) => e.actor.id).sort()).toEqual([JOHN_ENGINEER.uid, JOHN_ENGINEER.mail, JOHN_ENGINEER.dn].sort());
    const histogram = (await json(await asSession(cookie, `/audit/v1/events/histogram?${filters}&interval=hour`))).body;
    expect(histogram).toMatchObject({ interval: 'hour', total: 3, complete: true });
    expect(histogram.buckets.reduce((n: number, b: Json) => n + b.count, 0)).toBe(3);
    // The exact times of the first and last event, not the start of their hours.
    expect([histogram.first, histogram.last]).toEqual([listed[listed.length - 1].created, listed[0].created]);
    const facets = (await json(await asSession(cookie, `/audit/v1/events/facets?${filters}`))).body;
    expect(facets.total).toBe(3);
    expect(facets.facets.action).toEqual([
      { value: 'document.read', label: null, count: 2 },
      { value: 'document.delete', label: null, count: 1 },
    ]);
    expect(facets.facets.failure).toEqual(
      expect.arrayContaining([
        { value: 'true', label: null, count: 1 },
        { value: 'false', label: null, count: 2 },
      ]),
    );
    expect(facets.facets.source_ip).toEqual([{ value: '10.1.1.1', label: null, count: 3 }]);
    // Done to him: events whose target is one of his names.
    const doneTo = (await json(await asSession(cookie, `/audit/v1/events?target_person=${JOHN_ENGINEER.uid}`))).body.events as Json[];
    expect(doneTo.map((e) => e.action)).toEqual(['user.promote']);
    const bad = await json(await asSession(cookie, `/audit/v1/events/histogram?interval=week`));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('interval must be auto, minute, hour or day');
  });

  it("details one event: which of the person's names it was logged under, and its seal once sealed", async () => {
    const cookie = await signInAda();
    const [byDn] = (await json(await asSession(cookie, `/audit/v1/events?actor=${encodeURIComponent(JOHN_ENGINEER.uid)}&limit=100`))).body.events.filter(
      (e: Json) => e.actor.id === JOHN_ENGINEER.dn,
    );
    const before = (await json(await asSession(cookie, `/audit/v1/events/${byDn.id}`))).body;
    expect(before.attribution).toMatchObject({
      status: 'resolved',
      logged_as: JOHN_ENGINEER.dn,
      matched_by: 'dn',
      person_now: { username: JOHN_ENGINEER.uid },
    });
    expect(before.integrity.sealed).toBe(false);
    expect((await postJson(url('/audit/v1/integrity/seal?project=default'), {}, adminHeaders())).status).toBe(200);
    const after = (await json(await asSession(cookie, `/audit/v1/events/${byDn.id}`))).body;
    expect(after.integrity).toMatchObject({ sealed: true, seal: { seq_from: 1 } });
    expect(after.integrity.seal.seq_to).toBeGreaterThanOrEqual(byDn.seq);
    expect((await asSession(cookie, `/audit/v1/events/${byDn.id}?project=${other.id}`)).status).toBe(404);
  });

  it('follows a rename: the former name still finds the person, and suggests them as a former name', async () => {
    expect((await publish(RITA.uid, 'before.rename')).status).toBe(201);
    await ldap.ldapModify(`dn: ${RITA.dn}\nchangetype: modrdn\nnewrdn: uid=rwilson\ndeleteoldrdn: 1\n`);
    await sync();
    expect((await publish('rwilson', 'after.rename')).status).toBe(201);
    const cookie = await signInAda();
    const listed = (await json(await asSession(cookie, '/audit/v1/events?actor=rita&with=people'))).body;
    expect(listed.events.map((e: Json) => e.action).sort()).toEqual(['after.rename', 'before.rename']);
    const guid = listed.events[0].actor.guid;
    expect(listed.people[guid]).toMatchObject({ username: 'rwilson' });
    const suggested = (await json(await asSession(cookie, '/identity/v1/people?q=rita'))).body.people;
    expect(suggested.map((p: Json) => p.username)).toContain('rwilson');
    const byFormer = (await json(await asSession(cookie, '/identity/v1/people?q=uid%3Drita'))).body.people;
    expect(byFormer[0]).toMatchObject({ username: 'rwilson', matched: { field: 'former_name' } });
    expect(byFormer[0].former_names).toEqual(expect.arrayContaining(['rita']));
  });

  it('ends the session of a person who leaves CONSOLE_GROUP at their next request', async () => {
    const cookie = await signInAda();
    expect((await asSession(cookie, '/console/api/session')).status).toBe(200);
    // groupOfNames needs a member: Ada's place goes to someone else.
    await ldap.ldapModify(`dn: cn=security,${ldap.groupsDn}\nchangetype: modify\nreplace: member\nmember: ${JOHN_SALES.dn}\n`);
    await sync();
    // The verified session is trusted a few seconds before it is checked again.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect((await asSession(cookie, '/console/api/session')).status).toBe(401);
  });
});
