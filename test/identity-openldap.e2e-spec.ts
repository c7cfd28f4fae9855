import { Client } from 'ldapts';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { buildSampleLdif, findFreePort, OpenLdapHandle, SampleDirectory, startOpenLdap } from './support/directories';
import { adminHeaders, postJson, readAllEvents, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(180_000);

/** entryUUID as slapd itself reports it: the reference every alias must resolve to. */
async function entryUuid(ldap: OpenLdapHandle, dn: string): Promise<string> {
  const client = new Client({ url: ldap.url });
  try {
    await client.bind(ldap.bindDn, ldap.bindPassword);
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['entryUUID'] });
    return String(searchEntries[0].entryUUID);
  } finally {
    await client.unbind();
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(DIALECTS)('identity against a real OpenLDAP (slapd) on %s', (dialect) => {
  let db: TestDatabase;
  let ldap: OpenLdapHandle;
  let sample: SampleDirectory;
  let service: TestApp;
  const user = (id: string) => fetch(`${service.baseUrl}/identity/v1/user/${encodeURIComponent(id)}`, { headers: adminHeaders() });
  const exists = async (id: string) =>
    (await fetch(`${service.baseUrl}/identity/v1/user/${encodeURIComponent(id)}/exists`, { headers: adminHeaders() })).json();
  const sync = async (mode: 'full' | 'incremental' = 'full') => {
    const response = await postJson(`${service.baseUrl}/identity/v1/sync`, { mode }, adminHeaders());
    const body = await response.json();
    if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const logEvent = (actorId: string, action = 'document.read') =>
    postJson(`${service.baseUrl}/audit/v1/event`, { action, description: `${actorId} did ${action}`, actor: { id: actorId } });
  const eventsBy = async (action: string) => (await readAllEvents(service.baseUrl)).filter((e) => e.action === action);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    // 1,200 users: past slapd's 1,000-entry size limit for the reader account, so only paging sees all.
    sample = buildSampleLdif({ userCount: 1200 });
    ldap = await startOpenLdap({ ldif: sample.ldif });
    const deadPort = await findFreePort();
    service = await startTestApp(db.url, {
      env: {
        // The first server is down: failover to the second.
        LDAP_URL: `ldap://127.0.0.1:${deadPort},${ldap.url}`,
        LDAP_BIND_DN: ldap.readerBindDn,
        LDAP_BIND_PASSWORD: ldap.readerBindPassword,
        LDAP_BASE_DN: ldap.baseDn,
        LDAP_SYNC_INTERVAL_S: '0',
        IDENTITY_LOOKUP_BUDGET_MS: '300',
        IDENTITY_PENDING_RETRY_S: '1',
        LDAP_TIMEOUT_MS: '2000',
        LDAP_CONNECT_TIMEOUT_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await ldap?.destroy();
    await db?.drop();
  });

  it('syncs every person past the 1,000-entry size limit with a paged search', async () => {
    const result = await sync('full');
    expect(result).toMatchObject({ mode: 'full', directory_kind: 'openldap', people_seen: 1201, deleted: 0 });
    expect(result.created + result.updated + result.unchanged).toBe(1201);
    const sources = await (await fetch(`${service.baseUrl}/identity/v1/sources`, { headers: adminHeaders() })).json();
    expect(sources.sources[0]).toMatchObject({
      name: 'ldap',
      kind: 'openldap',
      people: 1201,
      connected: true,
      connected_url: ldap.url,
      guid_attribute: 'entryUUID',
    });
  });

  it('answers a full sync asked for while an incremental one runs with a full sync, and shares a running sync with an incremental request', async () => {
    // (An incremental request may itself run as a full sync, e.g. when a group changed since the marker.)
    const [incremental, full] = await Promise.all([sync('incremental'), sync('full')]);
    expect(['incremental', 'full']).toContain(incremental.mode);
    expect(full).toMatchObject({ mode: 'full', people_seen: 1201 });
    const [first, second] = await Promise.all([sync('full'), sync('incremental')]);
    expect(first.mode).toBe('full');
    expect(second).toEqual(first);
  });

  it("resolves username, email, DN and entryUUID of one person to slapd's own entryUUID", async () => {
    const person = sample.users[1];
    const guid = await entryUuid(ldap, person.dn);
    for (const alias of [person.uid, person.uid.toUpperCase(), person.mail, person.dn, guid, guid.toUpperCase()]) {
      const response = await user(alias);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ guid, username: person.uid, email: person.mail });
    }
    expect(await exists(person.mail)).toBe(true);
  });

  it('resolves the user whose DN holds ( ) * \\ , and non-ASCII, by DN and by name', async () => {
    const special = sample.specialUser;
    const guid = await entryUuid(ldap, special.dn);
    const byDn = await (await user(special.dn)).json();
    expect(byDn).toMatchObject({ guid, username: special.uid, display_name: special.cn });
    expect((await (await user(special.uid)).json()).guid).toBe(guid);
  });

  it('matches nobody for injection attempts, live or from the mirror', async () => {
    for (const attempt of ['*', 'user0000*', 'user00001)(mail=*', '*)(uid=*', '(objectClass=*)', 'x\\']) {
      expect(await exists(attempt)).toBe(false);
      expect((await user(attempt)).status).toBe(404);
    }
    expect((await logEvent('*', 'injection.try')).status).toBe(201);
    const [event] = await eventsBy('injection.try');
    expect(event).toMatchObject({ identity_status: 'unknown', actor: { id: '*', guid: null } });
  });

  it('resolves nested groups: engineering members are also in staff', async () => {
    const member = await (await user(sample.users[0].uid)).json();
    expect(member.groups.sort()).toEqual(['engineering', 'staff']);
    const last = await (await user(sample.users[sample.users.length - 1].uid)).json();
    expect(last.groups).toEqual(['staff']);
    const outsider = await (await user(sample.users[10].uid)).json();
    expect(outsider.groups).toEqual([]);
  });

  it('stores events logged under three aliases with one GUID and the names as logged', async () => {
    const person = sample.users[2];
    const guid = await entryUuid(ldap, person.dn);
    for (const alias of [person.uid, person.mail, person.dn]) expect((await logEvent(alias, 'alias.test')).status).toBe(201);
    const events = await eventsBy('alias.test');
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.identity_status).toBe('resolved');
      expect(event.actor).toMatchObject({ guid, username: person.uid, email: person.mail });
    }
  });

  it('looks a person added after the sync up live, within the budget', async () => {
    await ldap.ldapAdd(
      `dn: uid=newcomer,ou=people,${ldap.baseDn}\nobjectClass: inetOrgPerson\nuid: newcomer\ncn: New Comer\nsn: Comer\nmail: newcomer@example.com\n`,
    );
    const guid = await entryUuid(ldap, `uid=newcomer,ou=people,${ldap.baseDn}`);
    expect((await logEvent('newcomer@example.com', 'live.lookup')).status).toBe(201);
    const [event] = await eventsBy('live.lookup');
    expect(event).toMatchObject({ identity_status: 'resolved', actor: { guid, username: 'newcomer' } });
  });

  it('keeps the GUID across a rename: old and new names lead to the person, old events keep the old name', async () => {
    const person = sample.users[4];
    const guid = await entryUuid(ldap, person.dn);
    expect((await logEvent(person.uid, 'before.rename')).status).toBe(201);
    await ldap.ldapModify(`dn: ${person.dn}\nchangetype: modrdn\nnewrdn: uid=renamed5\ndeleteoldrdn: 1\n`);
    const result = await sync('incremental');
    expect(result.updated).toBeGreaterThanOrEqual(1);
    expect((await (await user('renamed5')).json()).guid).toBe(guid);
    expect((await (await user(person.uid)).json()).username).toBe('renamed5');
    expect((await logEvent('renamed5', 'after.rename')).status).toBe(201);
    const [before] = await eventsBy('before.rename');
    const [after] = await eventsBy('after.rename');
    expect(before.actor).toMatchObject({ guid, username: person.uid });
    expect(after.actor).toMatchObject({ guid, username: 'renamed5' });
  });

  it('marks a person removed from the directory deleted on full sync, keeping their history attributed', async () => {
    const person = sample.users[5];
    const guid = await entryUuid(ldap, person.dn);
    expect((await logEvent(person.uid, 'before.delete')).status).toBe(201);
    await ldap.ldapModify(`dn: ${person.dn}\nchangetype: delete\n`);
    const result = await sync('full');
    expect(result.deleted).toBe(1);
    expect(await (await user(person.uid)).json()).toMatchObject({ guid, deleted: true });
    const [event] = await eventsBy('before.delete');
    expect(event.actor).toMatchObject({ guid, username: person.uid });
  });

  it('acknowledges fast and stores pending while slapd is down, then resolves once it is back', async () => {
    await ldap.ldapAdd(`dn: uid=latecomer,ou=people,${ldap.baseDn}\nobjectClass: inetOrgPerson\nuid: latecomer\ncn: Late Comer\nsn: Comer\n`);
    const guid = await entryUuid(ldap, `uid=latecomer,ou=people,${ldap.baseDn}`);
    await ldap.stop();
    const known = sample.users[6];
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect((await logEvent('latecomer', 'while.down')).status).toBe(201);
      timings.push(performance.now() - started);
    }
    expect((await logEvent(known.uid, 'known.while.down')).status).toBe(201);
    expect(Math.max(...timings)).toBeLessThan(300 + 500);
    expect((await eventsBy('while.down')).every((e) => e.identity_status === 'pending')).toBe(true);
    // People in the mirror still resolve from memory.
    expect((await eventsBy('known.while.down'))[0].identity_status).toBe('resolved');
    const ready = await (await fetch(`${service.baseUrl}/health/ready`)).json();
    expect(ready.checks.directory).toMatchObject({ ok: false, critical: false });
    expect(ready.status).toBe('ok');

    await ldap.start();
    const resolved = await waitFor(async () => {
      const events = await eventsBy('while.down');
      return events.every((e) => e.identity_status === 'resolved') ? events : undefined;
    });
    expect(resolved).toHaveLength(5);
    for (const event of resolved) expect(event.actor).toMatchObject({ guid, username: 'latecomer' });
  });
});
