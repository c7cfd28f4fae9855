/**
 * Proves the directory-server harness works against REAL servers: slapd and
 * a Samba AD DC started on this machine. Needs the packages from
 * scripts/install-directory-servers.sh and root (for Samba).
 */
import { Client, EqualityFilter, escapeFilter, SizeLimitExceededError, type Entry } from 'ldapts';
import { formatObjectGuid, objectGuidFilterValue, parseObjectGuid } from './ad-guid';
import { dnEquals } from './ldif';
import { buildSampleLdif, SPECIAL_USER_CN, startOpenLdap, type OpenLdapHandle, type SampleDirectory } from './openldap';
import { isPortOpen } from './process-utils';
import { SAMBA_LDAP_PORT, startSambaAd, type SambaAdHandle } from './samba-ad';

// Jest ignores testTimeout inside a "projects" entry (it is a global option),
// so set it here: Samba provisioning plus 1,200 LDAP adds take far over 5 s.
jest.setTimeout(180_000);

const timings: Record<string, number> = {};

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - started;
  }
}

afterAll(() => {
  const lines = Object.entries(timings).map(([label, ms]) => `  ${label}: ${ms} ms`);
  console.log(`directory harness timings:\n${lines.join('\n')}`);
});

async function withClient<T>(url: string, dn: string, password: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url, timeout: 30_000, connectTimeout: 5_000 });
  try {
    await client.bind(dn, password);
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Attribute values as a string array, looked up case-insensitively (servers echo their own casing). */
function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function bufferValue(entry: Entry, attribute: string): Buffer {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!Buffer.isBuffer(value)) throw new Error(`${attribute} is not a Buffer: ${String(value)}`);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('directory harness: OpenLDAP (slapd)', () => {
  let ldap: OpenLdapHandle;
  let sample: SampleDirectory;

  beforeAll(async () => {
    sample = buildSampleLdif({ userCount: 1200 });
    ldap = await timed('openldap: slapadd 1,201 users + start + add groups', () => startOpenLdap({ ldif: sample.ldif }));
  });

  afterAll(async () => {
    await ldap?.destroy();
  });

  it('binds with ldapts and reads entryUUID and direct/nested memberOf', async () => {
    const { engineering, staff } = sample.groups;
    await withClient(ldap.url, ldap.bindDn, ldap.bindPassword, async (client) => {
      const { searchEntries } = await client.search(ldap.peopleDn, {
        filter: escapeFilter`(uid=${sample.users[0].uid})`,
        attributes: ['entryUUID', 'memberOf'],
      });
      expect(searchEntries).toHaveLength(1);
      const [user] = searchEntries;
      expect(values(user, 'entryUUID')[0]).toMatch(UUID);
      // memberOf is direct membership only (as in AD) ...
      expect(values(user, 'memberOf')).toEqual([engineering.dn]);

      // ... and the nesting shows up as memberOf on the group itself.
      const groups = await client.search(engineering.dn, { scope: 'base', attributes: ['memberOf'] });
      expect(values(groups.searchEntries[0], 'memberOf')).toEqual([staff.dn]);
    });
  });

  it('round-trips a DN with ( ) * \\ , and non-ASCII characters', async () => {
    const { specialUser, groups } = sample;
    await withClient(ldap.url, ldap.bindDn, ldap.bindPassword, async (client) => {
      // (, ), * and \ must be escaped in the FILTER (RFC 4515; ldapts 8's escapeFilter is a tagged template) ...
      const byCn = await client.search(ldap.peopleDn, {
        filter: escapeFilter`(cn=${SPECIAL_USER_CN})`,
        attributes: ['cn', 'uid', 'memberOf', 'entryUUID'],
      });
      expect(byCn.searchEntries).toHaveLength(1);
      const entry = byCn.searchEntries[0];
      expect(values(entry, 'cn')).toEqual([SPECIAL_USER_CN]);
      expect(values(entry, 'uid')).toEqual([specialUser.uid]);
      expect(values(entry, 'memberOf')).toEqual([groups.engineering.dn]);
      // ... while , and \ are escaped in the DN (RFC 4514). We write `\,` and `\\`;
      // slapd hands back its own escaping (`\2C`, `\5C`), so compare DNs normalised.
      expect(specialUser.dn).toBe(`cn=Zoë O'Brien\\, Jr. (Ops) *lead* \\\\ Ünïcødé 測試,${ldap.peopleDn}`);
      expect(entry.dn).toBe(`cn=Zoë O'Brien\\2C Jr. (Ops) *lead* \\5C Ünïcødé 測試,${ldap.peopleDn}`);
      expect(dnEquals(entry.dn, specialUser.dn)).toBe(true);

      // The returned DN works as a search base.
      const byDn = await client.search(entry.dn, { scope: 'base', attributes: ['entryUUID'] });
      expect(values(byDn.searchEntries[0], 'entryUUID')).toEqual(values(entry, 'entryUUID'));
    });
  });

  it('enforces the 1000 entry size limit for plain searches and pages past it', async () => {
    await withClient(ldap.url, ldap.readerBindDn, ldap.readerBindPassword, async (client) => {
      await expect(client.search(ldap.peopleDn, { filter: '(objectClass=inetOrgPerson)', attributes: ['uid'] })).rejects.toBeInstanceOf(SizeLimitExceededError);

      const paged = await client.search(ldap.peopleDn, {
        filter: '(objectClass=inetOrgPerson)',
        attributes: ['uid'],
        paged: { pageSize: 500 },
      });
      expect(paged.searchEntries).toHaveLength(1201);
    });
  });

  it('applies LDIF changes with ldapModify (memberof overlay keeps memberOf in sync)', async () => {
    const user = sample.users[10];
    await ldap.ldapModify(
      `dn: ${sample.groups.staff.dn}\nchangetype: modify\nadd: member\nmember: ${user.dn}\n\n` +
        `dn: ${user.dn}\nchangetype: modify\nreplace: mail\nmail: changed@example.com\n\n`,
    );
    await withClient(ldap.url, ldap.bindDn, ldap.bindPassword, async (client) => {
      const { searchEntries } = await client.search(user.dn, { scope: 'base', attributes: ['mail', 'memberOf'] });
      expect(values(searchEntries[0], 'mail')).toEqual(['changed@example.com']);
      expect(values(searchEntries[0], 'memberOf')).toEqual([sample.groups.staff.dn]);
    });
  });

  it('stops and restarts on the same port with the same data', async () => {
    const readUuid = (): Promise<string> =>
      withClient(ldap.url, ldap.bindDn, ldap.bindPassword, async (client) => {
        const { searchEntries } = await client.search(sample.users[0].dn, { scope: 'base', attributes: ['entryUUID'] });
        return values(searchEntries[0], 'entryUUID')[0];
      });
    const before = await readUuid();

    await timed('openldap: stop', () => ldap.stop());
    expect(ldap.isRunning()).toBe(false);
    expect(await isPortOpen(ldap.port)).toBe(false);

    await timed('openldap: restart', () => ldap.start());
    expect(ldap.url).toBe(`ldap://127.0.0.1:${ldap.port}`);
    expect(await readUuid()).toBe(before);
  });
});

describe('directory harness: Samba AD DC', () => {
  let ad: SambaAdHandle;

  beforeAll(async () => {
    ad = await timed('samba: startSambaAd (template + copy + start)', () => startSambaAd());
    Object.assign(timings, {
      'samba: provision (0 = cached template)': ad.timings.provisionMs,
      'samba: copy template': ad.timings.copyMs,
      'samba: start until bind': ad.timings.startMs,
    });
  });

  afterAll(async () => {
    await ad?.destroy();
  });

  it('reads objectGUID as a Buffer that matches samba-tool user show', async () => {
    const user = await timed('samba: samba-tool user create', () => ad.createUser('jdoe', { givenName: 'Jane', surname: 'Doe' }));
    const printed = await ad.showObjectGuid('jdoe');

    await withClient(ad.url, ad.bindDn, ad.bindPassword, async (client) => {
      const { searchEntries } = await client.search(ad.baseDn, {
        filter: '(sAMAccountName=jdoe)',
        attributes: ['objectGUID', 'distinguishedName'],
        explicitBufferAttributes: ['objectGUID'],
      });
      expect(searchEntries).toHaveLength(1);
      const raw = bufferValue(searchEntries[0], 'objectGUID');
      expect(raw).toHaveLength(16);
      expect(formatObjectGuid(raw)).toBe(printed);
      expect(parseObjectGuid(printed).equals(raw)).toBe(true);
      expect(searchEntries[0].dn).toBe(user.dn);

      // Search by GUID. GOTCHA (ldapts 8.2.0, cf. ldapts issue #104): a filter
      // STRING like `(objectGUID=\4e\ce...)` finds nothing, because ldapts'
      // FilterParser turns each \xx into a UTF-16 char and re-encodes it as
      // UTF-8, so every byte >= 0x80 goes out as two bytes. Pass the raw
      // bytes in an EqualityFilter instead (written as an OCTET STRING as-is).
      expect(escapeFilter`${raw}`).toBe(objectGuidFilterValue(printed));
      const byGuid = await client.search(ad.baseDn, {
        filter: new EqualityFilter({ attribute: 'objectGUID', value: raw }),
        attributes: ['sAMAccountName'],
      });
      expect(byGuid.searchEntries.map((e) => e.dn)).toEqual([user.dn]);

      // AD also accepts the GUID as an extended DN: base `<GUID=...>`.
      const byGuidDn = await client.search(`<GUID=${printed}>`, { scope: 'base', attributes: ['sAMAccountName'] });
      expect(byGuidDn.searchEntries.map((e) => e.dn)).toEqual([user.dn]);
    });
  });

  it('creates nested groups; memberOf is direct, LDAP_MATCHING_RULE_IN_CHAIN resolves nesting', async () => {
    const inner = await ad.createGroup('audit-inner');
    const outer = await ad.createGroup('audit-outer');
    await ad.addGroupMembers(inner.name, ['jdoe']);
    await ad.addGroupMembers(outer.name, [inner.name]);

    await withClient(ad.url, ad.bindDn, ad.bindPassword, async (client) => {
      const direct = await client.search(ad.baseDn, { filter: '(sAMAccountName=jdoe)', attributes: ['memberOf'] });
      expect(values(direct.searchEntries[0], 'memberOf')).toEqual([inner.dn]);

      const chain = await client.search(ad.baseDn, {
        filter: escapeFilter`(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=${outer.dn}))`,
        attributes: ['sAMAccountName'],
      });
      expect(chain.searchEntries.flatMap((e) => values(e, 'sAMAccountName'))).toEqual(['jdoe']);
    });
  });

  it('bulk-adds 1,200 users with one ldapadd and pages through them', async () => {
    const users = await timed('samba: bulkAddUsers(1200) via ldapadd', () => ad.bulkAddUsers(1200, 'bulk'));
    expect(users).toHaveLength(1200);

    await withClient(ad.url, ad.bindDn, ad.bindPassword, async (client) => {
      const paged = await timed('samba: paged search of 1,200 users', () =>
        client.search(ad.usersDn, {
          filter: '(&(objectClass=user)(sAMAccountName=bulk*))',
          attributes: ['objectGUID'],
          explicitBufferAttributes: ['objectGUID'],
          paged: { pageSize: 500 },
        }),
      );
      expect(paged.searchEntries).toHaveLength(1200);
      const guids = new Set(paged.searchEntries.map((e) => formatObjectGuid(bufferValue(e, 'objectGUID'))));
      expect(guids.size).toBe(1200);
    });
  });

  it('stops (freeing port 389) and restarts with the same data', async () => {
    const before = await ad.showObjectGuid('jdoe');

    await timed('samba: stop', () => ad.stop());
    expect(ad.isRunning()).toBe(false);
    expect(await isPortOpen(SAMBA_LDAP_PORT)).toBe(false);

    await timed('samba: restart', () => ad.start());
    expect(await ad.showObjectGuid('jdoe')).toBe(before);
    await withClient(ad.url, ad.bindDn, ad.bindPassword, async (client) => {
      const { searchEntries } = await client.search(ad.baseDn, { filter: '(sAMAccountName=bulk01199)', attributes: ['cn'] });
      expect(searchEntries).toHaveLength(1);
    });
  });

  it('accepts LDAPS with the CA samba generated', async () => {
    const { readFileSync } = await import('node:fs');
    const client = new Client({
      url: ad.ldapsUrl,
      // The certificate is issued to dc1.corp.example.com, we connect to 127.0.0.1.
      tlsOptions: { ca: readFileSync(ad.tlsCaFile), checkServerIdentity: () => undefined },
    });
    try {
      await client.bind(ad.bindDn, ad.bindPassword);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  });
});
