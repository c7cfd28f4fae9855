import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTestDatabase, TestDatabase } from './support/databases';
import { childDn, ldifRecord, SambaAdHandle, SPECIAL_USER_CN, startSambaAd } from './support/directories';
import { adminHeaders, postJson, readAllEvents, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(300_000);

/** The DNS name samba's self-signed certificate was issued for (its subject CN). */
function certificateHost(caFile: string): string {
  const cert = new X509Certificate(readFileSync(caFile.replace(/ca\.pem$/, 'cert.pem')));
  const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1];
  if (!cn) throw new Error(`no CN in ${cert.subject}`);
  return cn;
}

/** A real Samba AD domain controller: objectGUID byte order, every alias, nesting, paging, TLS, outages. */
describe('identity against a real Samba Active Directory domain controller', () => {
  let db: TestDatabase;
  let ad: SambaAdHandle;
  let service: TestApp;
  let janeGuid: string;

  const user = (base: string, id: string) => fetch(`${base}/identity/v1/user/${encodeURIComponent(id)}`, { headers: adminHeaders() });
  const sync = async (base: string) => {
    const response = await postJson(`${base}/identity/v1/sync`, { mode: 'full' }, adminHeaders());
    const body = await response.json();
    if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const env = (extra: Record<string, string> = {}) => ({
    LDAP_URL: ad.url,
    LDAP_BIND_DN: ad.bindDn,
    LDAP_BIND_PASSWORD: ad.bindPassword,
    LDAP_SYNC_INTERVAL_S: '0',
    IDENTITY_LOOKUP_BUDGET_MS: '300',
    IDENTITY_PENDING_RETRY_S: '1',
    LDAP_CONNECT_TIMEOUT_MS: '1000',
    LDAP_TIMEOUT_MS: '5000',
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    ad = await startSambaAd();
    await ad.createUser('jdoe', { givenName: 'Jane', surname: 'Doe', mail: 'jane.doe@example.com' });
    janeGuid = await ad.showObjectGuid('jdoe');
    await ad.createGroup('inner');
    await ad.addGroupMembers('inner', ['jdoe']);
    await ad.createGroup('outer');
    await ad.addGroupMembers('outer', ['inner']);
    // Past AD's 1,000-entries-per-page cap: only a paged search sees everyone.
    await ad.bulkAddUsers(1100, 'bulk');
    service = await startTestApp(db.url, { env: env() });
  });

  afterAll(async () => {
    await service?.close();
    await ad?.destroy();
    await db?.drop();
  });

  it('detects AD from the rootDSE and syncs every user with paging', async () => {
    const result = await sync(service.baseUrl);
    expect(result).toMatchObject({ mode: 'full', directory_kind: 'ad' });
    // jdoe, 1,100 bulk users, Administrator and krbtgt (Guest too) are people in AD.
    expect(result.people_seen).toBeGreaterThanOrEqual(1101);
    const sources = await (await fetch(`${service.baseUrl}/identity/v1/sources`, { headers: adminHeaders() })).json();
    expect(sources.sources[0]).toMatchObject({ name: 'ldap', kind: 'ad', guid_attribute: 'objectGUID' });
  });

  it('renders objectGUID exactly as samba-tool prints it and resolves every alias to it', async () => {
    const shown = await ad.showUser('jdoe', ['distinguishedName']);
    const aliases = ['jdoe', 'JDOE', 'CORP\\jdoe', 'corp\\JDoe', 'jdoe@corp.example.com', 'jane.doe@example.com', shown.dn, janeGuid, janeGuid.toUpperCase()];
    for (const alias of aliases) {
      const response = await user(service.baseUrl, alias);
      expect({ alias, status: response.status }).toEqual({ alias, status: 200 });
      expect(await response.json()).toMatchObject({ guid: janeGuid, username: 'jdoe', upn: 'jdoe@corp.example.com', email: 'jane.doe@example.com' });
    }
    expect((await user(service.baseUrl, 'OTHERDOMAIN\\jdoe')).status).toBe(404);
  });

  it('resolves a user whose DN holds ( ) * \\ , and non-ASCII, by DN and by name', async () => {
    const dn = childDn('CN', SPECIAL_USER_CN, ad.usersDn);
    await ad.ldapAdd(
      ldifRecord(dn, {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: 'zoe.obrien',
        userPrincipalName: 'zoe.obrien@corp.example.com',
        mail: 'zoe.obrien@example.com',
      }),
    );
    const guid = await ad.showObjectGuid('zoe.obrien');
    // Live (not yet synced), then from the mirror after a sync.
    for (const phase of ['live', 'mirror']) {
      if (phase === 'mirror') await sync(service.baseUrl);
      for (const alias of [dn, 'zoe.obrien', 'CORP\\zoe.obrien', 'zoe.obrien@corp.example.com']) {
        const response = await user(service.baseUrl, alias);
        expect({ phase, alias, status: response.status }).toEqual({ phase, alias, status: 200 });
        expect(await response.json()).toMatchObject({ guid, display_name: SPECIAL_USER_CN });
      }
    }
  });

  it('syncs incrementally by uSNChanged: only what changed since the last sync', async () => {
    await sync(service.baseUrl);
    await ad.createUser('incremental1', { mail: 'inc1@example.com' });
    const response = await postJson(`${service.baseUrl}/identity/v1/sync`, { mode: 'incremental' }, adminHeaders());
    const result = await response.json();
    expect(result).toMatchObject({ mode: 'incremental', created: 1, deleted: 0 });
    expect(result.people_seen).toBeLessThan(10);
    const guid = await ad.showObjectGuid('incremental1');
    expect((await (await user(service.baseUrl, 'inc1@example.com')).json()).guid).toBe(guid);
  });

  it('marks a deleted user deleted at the next incremental sync, from the tombstone AD keeps', async () => {
    await ad.createUser('leaver', { mail: 'leaver@example.com' });
    const guid = await ad.showObjectGuid('leaver');
    await sync(service.baseUrl);
    expect(await (await user(service.baseUrl, 'leaver')).json()).toMatchObject({ guid, deleted: false });
    await ad.sambaTool(['user', 'delete', 'leaver']);
    const response = await postJson(`${service.baseUrl}/identity/v1/sync`, { mode: 'incremental' }, adminHeaders());
    expect(await response.json()).toMatchObject({ mode: 'incremental', deleted: 1 });
    // Still known by every name, so the leaver's history stays attributed to the same GUID.
    for (const alias of ['leaver', 'leaver@example.com', guid]) {
      expect(await (await user(service.baseUrl, alias)).json()).toMatchObject({ guid, deleted: true });
    }
    // Nothing else was deleted, and a second incremental sync finds nothing new.
    const again = await postJson(`${service.baseUrl}/identity/v1/sync`, { mode: 'incremental' }, adminHeaders());
    expect(await again.json()).toMatchObject({ mode: 'incremental', deleted: 0 });
  });

  it('resolves nested groups (inner inside outer)', async () => {
    const jane = await (await user(service.baseUrl, 'jdoe')).json();
    expect(jane.groups).toEqual(expect.arrayContaining(['inner', 'outer']));
  });

  it('counts the primary group (Domain Users), which AD keeps out of memberOf, and what it is nested in', async () => {
    // AD lists the primary group neither in the person's memberOf nor in the group's member.
    const shown = await ad.showUser('jdoe', ['memberOf', 'primaryGroupID']);
    expect(JSON.stringify(shown)).not.toMatch(/CN=Domain Users/i);
    await sync(service.baseUrl);
    const jane = await (await user(service.baseUrl, 'jdoe')).json();
    // Domain Users is itself a member of BUILTIN\Users.
    expect(jane.groups).toEqual(expect.arrayContaining(['Domain Users', 'Users', 'inner', 'outer']));
    expect((await postJson(`${service.baseUrl}/audit/v1/event`, { action: 'primary.group', actor: { id: 'CORP\\jdoe' } })).status).toBe(201);
    const domainUsersDn = `CN=Domain Users,${ad.usersDn}`;
    for (const group of ['Domain Users', domainUsersDn]) {
      const response = await fetch(`${service.baseUrl}/audit/v1/events?action=primary.group&member_of=${encodeURIComponent(group)}`, {
        headers: adminHeaders(),
      });
      const page = await response.json();
      expect({ group, actors: page.events.map((e: { actor: { guid: string } }) => e.actor.guid) }).toEqual({ group, actors: [janeGuid] });
    }
  });

  it('finds a bulk user past the first page, by GUID through a binary filter', async () => {
    const guid = await ad.showObjectGuid('bulk01099');
    // A live lookup by GUID: not from the mirror, so the binary EqualityFilter path is exercised.
    const fresh = await startTestApp(db.url.replace('audit.sqlite', 'fresh.sqlite'), { env: env() });
    try {
      const response = await user(fresh.baseUrl, guid);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ guid, username: 'bulk01099' });
      expect((await user(fresh.baseUrl, '*')).status).toBe(404);
      expect((await user(fresh.baseUrl, 'jdoe)(sAMAccountName=*')).status).toBe(404);
    } finally {
      await fresh.close();
    }
  });

  it('works over LDAPS and over StartTLS with the CA file', async () => {
    const host = certificateHost(ad.tlsCaFile);
    const transports: Record<string, string>[] = [{ LDAP_URL: ad.ldapsUrl }, { LDAP_URL: ad.url, LDAP_START_TLS: 'true' }];
    for (const transport of transports) {
      const secure = await startTestApp(db.url.replace('audit.sqlite', `tls-${Date.now()}.sqlite`), {
        env: env({ ...transport, LDAP_TLS_CA_FILE: ad.tlsCaFile, LDAP_TLS_SERVERNAME: host }),
      });
      try {
        expect(await (await user(secure.baseUrl, janeGuid)).json()).toMatchObject({ guid: janeGuid, username: 'jdoe' });
      } finally {
        await secure.close();
      }
    }
  });

  it('stores events pending while the DC is down and resolves them when it is back', async () => {
    const late = await ad.createUser('latecomer');
    void late;
    const guid = await ad.showObjectGuid('latecomer');
    await ad.stop();
    const started = performance.now();
    expect((await postJson(`${service.baseUrl}/audit/v1/event`, { action: 'ad.down', actor: { id: 'CORP\\latecomer' } })).status).toBe(201);
    expect((await postJson(`${service.baseUrl}/audit/v1/event`, { action: 'ad.down.known', actor: { id: 'jdoe@corp.example.com' } })).status).toBe(201);
    expect(performance.now() - started).toBeLessThan(2 * (300 + 500));
    let events = await readAllEvents(service.baseUrl);
    expect(events.find((e) => e.action === 'ad.down').identity_status).toBe('pending');
    expect(events.find((e) => e.action === 'ad.down.known')).toMatchObject({ identity_status: 'resolved', actor: { guid: janeGuid } });
    await ad.start();
    const deadline = Date.now() + 20_000;
    do {
      await new Promise((r) => setTimeout(r, 300));
      events = await readAllEvents(service.baseUrl);
    } while (events.find((e) => e.action === 'ad.down').identity_status === 'pending' && Date.now() < deadline);
    expect(events.find((e) => e.action === 'ad.down')).toMatchObject({ identity_status: 'resolved', actor: { guid, username: 'latecomer' } });
  });
});
