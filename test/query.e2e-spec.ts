import { get as httpGet } from 'node:http';
import { Client as PgClient } from 'pg';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { buildSampleLdif, OpenLdapHandle, SampleDirectory, startOpenLdap } from './support/directories';
import { adminHeaders, postJson, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(240_000);

type Json = any;

describe.each(DIALECTS)('querying "what did this person do?" on %s', (dialect) => {
  let db: TestDatabase;
  let ldap: OpenLdapHandle;
  let sample: SampleDirectory;
  let t: TestApp;
  let projectId: string;
  let publishToken: string;
  let readToken: string;
  let otherReadToken: string;

  const get = async (path: string, token?: string): Promise<{ status: number; body: Json; headers: Headers }> => {
    const response = await fetch(`${t.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : adminHeaders() });
    const text = await response.text();
    return {
      status: response.status,
      body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
      headers: response.headers,
    };
  };
  /** Every matching event, following cursors. */
  const all = async (query: string, token?: string): Promise<Json[]> => {
    const events: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await get(`/audit/v1/events?${query}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`, token);
      if (page.status !== 200) throw new Error(`${query}: ${page.status} ${JSON.stringify(page.body)}`);
      events.push(...page.body.events);
      cursor = page.body.next_cursor;
    } while (cursor);
    return events;
  };
  const log = (body: Json) => postJson(`${t.baseUrl}/audit/v1/event`, body).then((r) => expect(r.status).toBe(201));
  const admin = async (path: string, body: unknown) => {
    const response = await postJson(`${t.baseUrl}${path}`, body, adminHeaders());
    expect(response.status).toBe(201);
    return (await response.json()) as Record<string, string>;
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    sample = buildSampleLdif({ userCount: 12 });
    ldap = await startOpenLdap({ ldif: sample.ldif });
    t = await startTestApp(db.url, {
      env: {
        LDAP_URL: ldap.url,
        LDAP_BIND_DN: ldap.bindDn,
        LDAP_BIND_PASSWORD: ldap.bindPassword,
        LDAP_BASE_DN: ldap.baseDn,
        LDAP_SYNC_INTERVAL_S: '0',
        IDENTITY_PENDING_RETRY_S: '1',
        IDENTITY_LOOKUP_BUDGET_MS: '300',
        LDAP_CONNECT_TIMEOUT_MS: '500',
        LDAP_TIMEOUT_MS: '2000',
      },
    });
    expect((await postJson(`${t.baseUrl}/identity/v1/sync`, {}, adminHeaders())).status).toBe(200);
    projectId = (await admin('/admin/v1/project', { name: 'CRM' })).id;
    publishToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'p', scope: 'publish' })).token;
    readToken = (await admin(`/admin/v1/project/${projectId}/token`, { name: 'r', scope: 'read' })).token;
    const other = (await admin('/admin/v1/project', { name: 'Other' })).id;
    otherReadToken = (await admin(`/admin/v1/project/${other}/token`, { name: 'o', scope: 'read' })).token;
  });

  afterAll(async () => {
    await t?.close();
    await ldap?.destroy();
    await db?.drop();
  });

  describe('by person', () => {
    it('finds events logged under three aliases of one person by each alias and by the GUID', async () => {
      const jane = sample.users[0];
      await log({ action: 'doc.read', actor: { id: jane.uid }, description: 'read the plan' });
      await log({ action: 'doc.share', actor: { id: jane.mail }, description: 'shared the plan' });
      await log({ action: 'doc.delete', actor: { id: jane.dn }, description: 'deleted the plan' });
      await log({ action: 'doc.read', actor: { id: sample.users[1].uid } });
      const guid = (await get(`/identity/v1/user/${encodeURIComponent(jane.uid)}`)).body.guid;
      for (const alias of [jane.uid, jane.mail, jane.dn, guid, jane.uid.toUpperCase()]) {
        const events = await all(`actor=${encodeURIComponent(alias)}`);
        expect(events.map((e) => e.action).sort()).toEqual(['doc.delete', 'doc.read', 'doc.share']);
      }
      const page = await get(`/audit/v1/events?actor=${encodeURIComponent(jane.mail)}`);
      expect(page.headers.get('x-actor-resolution')).toBe('resolved');
      expect(page.body.actor).toMatchObject({ given: jane.mail, status: 'resolved', guid });
      expect(page.body.actor.matched_ids).toEqual(expect.arrayContaining([jane.mail, jane.uid, jane.dn, guid]));
    });

    it('falls back to the raw actor id for a name the directory does not know', async () => {
      await log({ action: 'robot.run', actor: { id: 'robot-7' } });
      expect((await all('actor=robot-7')).map((e) => e.action)).toEqual(['robot.run']);
      expect(await all('actor=nobody-at-all')).toEqual([]);
      const page = await get('/audit/v1/events?actor=robot-7');
      expect(page.headers.get('x-actor-resolution')).toBe('unknown');
      expect(page.body.actor).toEqual({ given: 'robot-7', status: 'unknown', guid: null, matched_ids: ['robot-7'] });
      expect((await get('/audit/v1/events?action=robot.run')).body.actor).toBeUndefined();
    });

    it('says so when the directory could not tell who the actor is, in the answer, the export and the read record', async () => {
      await ldap.stop();
      try {
        // Logged while the directory is down: stored pending (a name the directory answered for
        // would be a cached miss, answered `unknown` without asking).
        await log({ action: 'ghost.run', actor: { id: 'ghost-person' } });
        const page = await get('/audit/v1/events?actor=ghost-person');
        expect(page.status).toBe(200);
        expect(page.headers.get('x-actor-resolution')).toBe('pending');
        expect(page.body.actor).toEqual({ given: 'ghost-person', status: 'pending', guid: null, matched_ids: ['ghost-person'] });
        // What the raw id can find is still answered.
        expect(page.body.events.map((e: Json) => e.action)).toEqual(['ghost.run']);
        const exported = await fetch(`${t.baseUrl}/audit/v1/events/export?actor=ghost-person`, { headers: adminHeaders() });
        expect(exported.status).toBe(200);
        expect(exported.headers.get('x-actor-resolution')).toBe('pending');
        expect(
          (await exported.text())
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l).action),
        ).toEqual(['ghost.run']);
        const reads = (await get('/audit/v1/events?reads=only&limit=10')).body.events as Json[];
        const view = reads.find((e) => e.action === 'audit.log.view' && e.fields['filter.actor'] === 'ghost-person');
        expect(view?.fields.actor_resolution).toBe('pending');
      } finally {
        await ldap.start();
      }
      // Once the directory answers again, the same question gets a definite answer.
      const deadline = Date.now() + 20_000;
      let status = 'pending';
      while (status === 'pending' && Date.now() < deadline) {
        status = (await get('/audit/v1/events?actor=ghost-person')).body.actor.status;
        if (status === 'pending') await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe('unknown');
    });

    it('finds an event stored pending once the directory resolved it', async () => {
      await ldap.ldapAdd(`dn: uid=late,ou=people,${ldap.baseDn}\nobjectClass: inetOrgPerson\nuid: late\ncn: Late\nsn: Late\nmail: late@example.com\n`);
      await ldap.stop();
      await log({ action: 'late.action', actor: { id: 'late' } });
      await ldap.start();
      const deadline = Date.now() + 20_000;
      let found: Json[] = [];
      while (Date.now() < deadline) {
        found = await all('actor=late@example.com');
        if (found.length === 1) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ action: 'late.action', identity_status: 'resolved', actor: { id: 'late', username: 'late' } });
    });

    it('finds events logged before the person was in the directory by any of their names', async () => {
      await log({ action: 'before.known', actor: { id: 'future' } });
      expect((await all('action=before.known'))[0].identity_status).toBe('unknown');
      await ldap.ldapAdd(
        `dn: uid=future,ou=people,${ldap.baseDn}\nobjectClass: inetOrgPerson\nuid: future\ncn: Future\nsn: Future\nmail: future@example.com\n`,
      );
      expect((await all('actor=future@example.com')).map((e) => e.action)).toEqual(['before.known']);
    });

    it('filters by directory group, nested membership included, by name or DN', async () => {
      const last = sample.users[sample.users.length - 1];
      await log({ action: 'grp.test', actor: { id: sample.users[2].uid } });
      await log({ action: 'grp.test', actor: { id: last.uid } });
      await log({ action: 'grp.test', actor: { id: sample.users[5].uid } });
      const staff = (await all('action=grp.test&member_of=staff')).map((e) => e.actor.username).sort();
      expect(staff).toEqual([sample.users[2].uid, last.uid].sort());
      const engineering = (await all(`action=grp.test&member_of=${encodeURIComponent(sample.groups.engineering.dn)}`)).map((e) => e.actor.username);
      expect(engineering).toEqual([sample.users[2].uid]);
      expect(await all('action=grp.test&member_of=no-such-group')).toEqual([]);
    });
  });

  describe('by what and when', () => {
    beforeAll(async () => {
      const base = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 6; i++) {
        await log({
          action: i % 2 ? 'billing.invoice.paid' : 'billing.refund',
          created: new Date(base + i * 3_600_000).toISOString(),
          description: i === 3 ? 'Refund of Zoë’s invoice approved' : `billing step ${i}`,
          target: { id: `inv-${i}`, name: i === 4 ? 'Quarterly Report' : 'invoice', type: 'invoice' },
          group: { id: i < 3 ? 'acme' : 'globex', name: 'tenant' },
          ip_address: i === 5 ? '2600:1900:0:2107::' : '10.0.0.1',
          is_failure: i === 2,
          fields: { region: i === 1 ? 'north-east' : 'south' },
        });
      }
    });

    it('matches an exact action or a trailing-* prefix', async () => {
      expect(await all('action=billing.refund')).toHaveLength(3);
      expect(await all('action=billing.*')).toHaveLength(6);
      expect(await all('action=billing.invoice.*')).toHaveLength(3);
      expect(await all('action=billing')).toHaveLength(0);
    });

    it('treats since/until as a half-open range on when the event happened', async () => {
      const within = await all('action=billing.*&since=2026-01-01T01:00:00Z&until=2026-01-01T03:00:00Z');
      expect(within.map((e) => e.created)).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T01:00:00.000Z']);
    });

    it('searches free text over description, target names and fields, every word required', async () => {
      expect((await all('q=approved')).map((e) => e.target.id)).toEqual(['inv-3']);
      expect((await all('q=zoë%20refund')).map((e) => e.target.id)).toEqual(['inv-3']);
      expect((await all('q=quarterly')).map((e) => e.target.id)).toEqual(['inv-4']);
      expect((await all('q=north-east')).map((e) => e.target.id)).toEqual(['inv-1']);
      expect((await all('q=billing.invoice.paid')).length).toBe(3);
      expect(await all(`q=${encodeURIComponent('approved nonexistentword')}`)).toEqual([]);
      expect(await all(`q=${encodeURIComponent('") OR 1=1 -- * NEAR(')}`)).toEqual([]);
    });

    it('searches by the start of a word with a trailing *', async () => {
      expect((await all(`q=${encodeURIComponent('quarter*')}`)).map((e) => e.target.id)).toEqual(['inv-4']);
      expect((await all(`q=${encodeURIComponent('appro* refund')}`)).map((e) => e.target.id)).toEqual(['inv-3']);
      expect((await all(`q=${encodeURIComponent('zoë*')}`)).map((e) => e.target.id)).toEqual(['inv-3']);
      expect((await all(`q=${encodeURIComponent('north-eas*')}`)).map((e) => e.target.id)).toEqual(['inv-1']);
      // A start shorter than 3 characters is a whole word ("ea" is not one).
      expect(await all(`q=${encodeURIComponent('north-ea*')}`)).toEqual([]);
      expect(await all(`q=${encodeURIComponent('quarterz*')}`)).toEqual([]);
      // Without the *, a word start is not a word.
      expect(await all('q=quarter')).toEqual([]);
    });

    it('filters by group, target, ip and failure', async () => {
      expect(await all('action=billing.*&group=acme')).toHaveLength(3);
      expect((await all('target=inv-2')).map((e) => e.is_failure)).toEqual([true]);
      expect((await all('action=billing.*&failure=true')).map((e) => e.target.id)).toEqual(['inv-2']);
      expect((await all(`ip=${encodeURIComponent('2600:1900:0:2107::')}`)).map((e) => e.target.id)).toEqual(['inv-5']);
    });

    it.each([
      ['since=yesterday', 'since'],
      ['until=2026-13-01', 'until'],
      ['since=2026-W05-1', 'since'],
      ['since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'until'],
      ['ip=1.2.3', 'ip'],
      ['failure=maybe', 'failure'],
      ['action=a*b', 'action'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['q=%20%2A%20', 'q'],
      ['reads=all', 'reads'],
      ['cursor=not-a-cursor', 'cursor'],
      ['colour=red', 'colour'],
    ])('refuses %s with a 400 naming %s', async (query, field) => {
      const { status, body } = await get(`/audit/v1/events?${query}`);
      expect(status).toBe(400);
      expect(body.errors.map((e: Json) => e.field)).toContain(field);
    });
  });

  it('pages newest first through every matching event exactly once while new ones keep arriving', async () => {
    for (let i = 0; i < 120; i++) await log({ action: 'paging.item', description: `item ${i}` });
    const before = new Set((await all('action=paging.*')).map((e) => e.id));
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) await log({ action: 'paging.item', description: `late ${n++}` });
    })();
    const seen: string[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page: { body: Json } = await get(`/audit/v1/events?action=paging.item&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.events.map((e: Json) => e.id));
        cursor = page.body.next_cursor;
      } while (cursor);
    } finally {
      writing = false;
      await writer;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  describe('token scoping', () => {
    it('lets a read token see its own project only, whatever the filters', async () => {
      const publish = await fetch(`${t.baseUrl}/publisher/v1/project/${projectId}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `token=${publishToken}` },
        body: JSON.stringify({ action: 'crm.view', crud: 'r', actor: { id: sample.users[3].uid } }),
      });
      expect(publish.status).toBe(201);
      expect((await all('action=crm.view', readToken)).length).toBe(1);
      expect((await all(`action=crm.view&project=${projectId}`)).length).toBe(1);
      expect((await get(`/audit/v1/events?project=${projectId}`, otherReadToken)).status).toBe(403);
      expect((await get(`/audit/v1/events?project=default`, readToken)).status).toBe(403);
      expect((await get(`/audit/v1/events/export?project=${projectId}`, otherReadToken)).status).toBe(403);
      expect(await all('action=crm.view', otherReadToken)).toEqual([]);
    });
  });

  describe('exports', () => {
    const EXPORT_ROWS = 20_000;

    beforeAll(async () => {
      const tricky = ['=HYPERLINK("http://evil","click")', '+1+2', '-3', '@SUM(A1)', '\tindented', 'comma, "quoted" and\nnewline'];
      for (let start = 0; start < EXPORT_ROWS; start += 1000) {
        const events = Array.from({ length: 1000 }, (_, k) => {
          const i = start + k;
          return {
            action: 'export.row',
            crud: 'c',
            actor: { id: `exporter-${i % 49}` },
            target: { id: `t-${i}`, name: tricky[i % tricky.length] },
            description: `row ${i}`,
          };
        });
        const response = await fetch(`${t.baseUrl}/publisher/v1/project/${projectId}/event/bulk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `token=${publishToken}` },
          body: JSON.stringify({ events }),
        });
        expect(response.status).toBe(201);
      }
    });

    it('streams NDJSON whose rows and content match the query, with a file name', async () => {
      const response = await fetch(`${t.baseUrl}/audit/v1/events/export?format=ndjson&project=${projectId}&action=export.row`, { headers: adminHeaders() });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="audit-events-${projectId}-.+\\.ndjson"$`));
      const lines = (await response.text())
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(EXPORT_ROWS);
      const listed = await all(`project=${projectId}&action=export.row`);
      expect(lines.map((e) => e.id)).toEqual(listed.map((e) => e.id));
      expect(lines[0]).toEqual(listed[0]);
    });

    it('streams RFC 4180 CSV with formula-looking cells neutralised', async () => {
      const response = await fetch(`${t.baseUrl}/audit/v1/events/export?format=csv&project=${projectId}&action=export.row&actor=exporter-0`, {
        headers: adminHeaders(),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      const rows = parseCsv(await response.text());
      const header = rows[0];
      const name = header.indexOf('target_name');
      expect(rows).toHaveLength(1 + Array.from({ length: EXPORT_ROWS }, (_, i) => i).filter((i) => i % 49 === 0).length);
      const names = new Set(rows.slice(1).map((r) => r[name]));
      expect(names).toEqual(new Set([`'=HYPERLINK("http://evil","click")`, `'+1+2`, `'-3`, `'@SUM(A1)`, `'\tindented`, 'comma, "quoted" and\nnewline']));
      for (const row of rows) expect(row).toHaveLength(header.length);
    });

    it('releases the cursor when the client goes away mid-export', async () => {
      // A hard disconnect: the socket is destroyed after the first chunk arrives.
      await new Promise<void>((resolve, reject) => {
        const request = httpGet(`${t.baseUrl}/audit/v1/events/export?format=ndjson&project=${projectId}`, { headers: adminHeaders() }, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
      });
      await new Promise((r) => setTimeout(r, 500));
      if (dialect === 'postgres') {
        const pg = new PgClient({ connectionString: db.url });
        await pg.connect();
        try {
          const { rows } = await pg.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
          );
          expect(rows[0].n).toBe(0);
        } finally {
          await pg.end();
        }
      }
      // Writers are not held up by the abandoned export.
      await log({ action: 'after.abort' });
      const exported = await all(`project=${projectId}&reads=only&action=audit.log.export`);
      expect(exported[0].fields).toMatchObject({ complete: 'false' });
    });
  });

  it('records every read as an audit event with who, which filters and how many rows, left out of later reads', async () => {
    const before = await all('action=robot.run', readToken);
    void before;
    const { body } = await get(`/audit/v1/events?project=${projectId}&action=crm.view`, readToken);
    expect(body.events).toHaveLength(1);
    const reads = await all(`project=${projectId}&reads=only&action=audit.log.view`);
    const mine = reads.find((e) => e.fields['filter.action'] === 'crm.view');
    expect(mine).toMatchObject({ crud: 'r', actor: { name: 'read token' }, fields: { rows: '1', 'filter.action': 'crm.view' } });
    expect((await all(`project=${projectId}&action=crm.*`)).every((e) => e.source_api !== 'read-audit')).toBe(true);
    const exports = await all(`project=${projectId}&action=audit.log.export`);
    expect(exports.some((e) => e.fields.rows === String(20_000) && e.fields.complete === 'true')).toBe(true);
    const starts = await all(`project=${projectId}&action=audit.log.export.start`);
    expect(starts.some((e) => e.fields['filter.format'] === 'ndjson' && e.fields['filter.action'] === 'export.row' && e.fields.rows === undefined)).toBe(true);
  });
});

/** A strict RFC 4180 parser: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
