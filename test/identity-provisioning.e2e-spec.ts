import { Injectable, Module } from '@nestjs/common';
import type { DirectoryPerson } from '../src/identity/directory-person';
import { IDENTITY_RESOLVER, IdentityResolution, IdentityResolver, IdentitySource, IdentitySourceProvider } from '../src/identity/resolution/identity-resolver';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { findFreePort } from './support/directories';
import { adminHeaders, postJson, readAllEvents, startTestApp, TestApp } from './support/test-app';

const JANE = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

describe.each(DIALECTS)('the Replicated Provisioning API writes the directory mirror on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let provisioner: Record<string, string>;
  const provision = (path: string, body: unknown) => postJson(`${t.baseUrl}/provisioning/v1/${path}`, body, provisioner);
  const remove = (uuid: string) => fetch(`${t.baseUrl}/provisioning/v1/user/${uuid}`, { method: 'DELETE', headers: provisioner });
  const user = (id: string) => fetch(`${t.baseUrl}/identity/v1/user/${encodeURIComponent(id)}`, { headers: adminHeaders() });
  const log = (actor: string, action: string) => postJson(`${t.baseUrl}/audit/v1/event`, { action, actor: { id: actor } });
  const event = async (action: string) => (await readAllEvents(t.baseUrl)).find((e) => e.action === action);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url);
    const minted = await postJson(`${t.baseUrl}/admin/v1/token`, { name: 'hr-provisioner', scope: 'provision' }, adminHeaders());
    expect(minted.status).toBe(201);
    provisioner = { authorization: `Bearer ${((await minted.json()) as { token: string }).token}` };
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('answers ping with 204', async () => {
    expect((await fetch(`${t.baseUrl}/provisioning/v1/ping`, { headers: provisioner })).status).toBe(204);
  });

  it('creates a user (201), and a repeated create updates it instead of failing', async () => {
    const body = {
      uuid: JANE.toUpperCase(),
      username: 'jdoe',
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      password: 'never-stored',
      password_format: 'plain',
    };
    expect((await provision('user/create', body)).status).toBe(201);
    expect((await provision('user/create', { ...body, full_name: 'Jane Q. Doe' })).status).toBe(201);
    expect(await (await user('jdoe')).json()).toMatchObject({
      guid: JANE,
      username: 'jdoe',
      email: 'jane@example.com',
      display_name: 'Jane Q. Doe',
      source: 'provisioning',
      deleted: false,
    });
    expect(JSON.stringify(await (await user(JANE)).json())).not.toContain('never-stored');
  });

  it('resolves events by any provisioned name to the uuid', async () => {
    expect((await log('jane@example.com', 'prov.by.email')).status).toBe(201);
    expect(await event('prov.by.email')).toMatchObject({ identity_status: 'resolved', actor: { guid: JANE, username: 'jdoe', email: 'jane@example.com' } });
  });

  it('modifies a user (204) keeping absent fields, and creates an unknown one', async () => {
    expect((await provision('user/modify', { uuid: JANE, username: 'jsmith' })).status).toBe(204);
    expect(await (await user('jsmith')).json()).toMatchObject({ guid: JANE, username: 'jsmith', email: 'jane@example.com' });
    expect((await user('jdoe')).status).toBe(200);
    expect((await provision('user/modify', { uuid: 'emp-77', username: 'newbie' })).status).toBe(204);
    expect(await (await user('newbie')).json()).toMatchObject({ guid: 'emp-77', source: 'provisioning' });
  });

  it('refuses a payload without uuid or with wrong types, naming the field', async () => {
    const missing = await provision('user/create', { username: 'x' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('uuid');
    const wrong = await provision('user/modify', { uuid: 'x', email: 5 });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).toContain('email');
  });

  it('deletes (204, also when absent) keeping the person and their events attributed', async () => {
    expect((await remove(JANE)).status).toBe(204);
    expect((await remove(JANE)).status).toBe(204);
    expect((await remove('no-such-user')).status).toBe(204);
    expect(await (await user('jsmith')).json()).toMatchObject({ guid: JANE, deleted: true });
    expect(await (await fetch(`${t.baseUrl}/identity/v1/user/jsmith/exists`, { headers: adminHeaders() })).json()).toBe(false);
    expect(await event('prov.by.email')).toMatchObject({ actor: { guid: JANE } });
  });

  it('resets (204): every provisioned user is marked deleted until sent again', async () => {
    expect((await provision('reset', {})).status).toBe(204);
    expect(await (await user('newbie')).json()).toMatchObject({ deleted: true });
    expect((await provision('user/create', { uuid: 'emp-77', username: 'newbie' })).status).toBe(201);
    expect(await (await user('newbie')).json()).toMatchObject({ deleted: false });
    const sources = await (await fetch(`${t.baseUrl}/identity/v1/sources`, { headers: adminHeaders() })).json();
    expect(sources.sources).toEqual([{ name: 'provisioning', type: 'provisioning', people: 1, deleted: 1 }]);
  });

  it('keeps the mirror across a restart', async () => {
    await t.close();
    t = await startTestApp(db.url);
    expect(await (await user('jsmith')).json()).toMatchObject({ guid: JANE, deleted: true });
    expect((await log('jdoe', 'prov.after.restart')).status).toBe(201);
    expect(await event('prov.after.restart')).toMatchObject({ identity_status: 'resolved', actor: { guid: JANE, username: 'jsmith' } });
  });

  it('records every provisioning call as an audit event in default, naming the token', async () => {
    const page = await (await fetch(`${t.baseUrl}/audit/v1/events?action=audit.provisioning.*&limit=1000`, { headers: adminHeaders() })).json();
    const trail: any[] = page.events;
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'audit.provisioning.user.create',
        'audit.provisioning.user.modify',
        'audit.provisioning.user.delete',
        'audit.provisioning.reset',
      ]),
    );
    const deletion = trail.find((e) => e.action === 'audit.provisioning.user.delete' && e.target?.id === JANE);
    expect(deletion).toMatchObject({ crud: 'd', actor: { name: 'provision token' }, source_api: 'admin-audit' });
  });

  it('refuses the Provisioning API without a provision or instance admin token, unless PROVISIONING_OPEN opts in', async () => {
    expect((await fetch(`${t.baseUrl}/identity/v1/user/jdoe`)).status).toBe(401);
    expect((await postJson(`${t.baseUrl}/provisioning/v1/user/create`, { uuid: 'attacker', username: 'jsmith' })).status).toBe(401);
    expect((await postJson(`${t.baseUrl}/provisioning/v1/reset`, {})).status).toBe(401);
    expect((await fetch(`${t.baseUrl}/provisioning/v1/ping`, { headers: adminHeaders() })).status).toBe(204);
    expect(await (await user('jsmith')).json()).toMatchObject({ guid: JANE });
    const open = await startTestApp(db.url, { env: { PROVISIONING_OPEN: 'true' } });
    try {
      expect((await fetch(`${open.baseUrl}/provisioning/v1/ping`)).status).toBe(204);
    } finally {
      await open.close();
    }
  });
});

/** A team's HR system as a second identity source, contributed from its own module. */
@Injectable()
@IdentitySourceProvider({ order: 10 })
class HrSystemSource implements IdentitySource {
  readonly name = 'hr-system';
  lookups = 0;
  async lookup(identifier: string): Promise<DirectoryPerson | null> {
    this.lookups += 1;
    await new Promise((r) => setTimeout(r, 20));
    if (identifier !== 'emp-42') return null;
    return {
      guid: '42424242-0000-4000-8000-000000000042',
      source: this.name,
      username: 'emp-42',
      email: 'ada@example.com',
      groups: [],
      disabled: false,
      deleted: false,
    };
  }
}

@Module({ providers: [HrSystemSource], exports: [HrSystemSource] })
class HrModule {}

/** A team's own resolver replacing the default one. */
@Injectable()
class FixedResolver implements IdentityResolver {
  resolveLocal(identifier: string): IdentityResolution | undefined {
    return identifier === 'svc-backup'
      ? {
          status: 'resolved',
          person: { guid: 'bac0bac0-0000-4000-8000-00000000b0b0', source: 'fixed', username: 'svc-backup', groups: [], disabled: false, deleted: false },
        }
      : { status: 'unknown' };
  }
  async resolve(identifier: string): Promise<IdentityResolution> {
    return this.resolveLocal(identifier) as IdentityResolution;
  }
  membersOf(): string[] {
    return [];
  }
}

describe('identity resolution is extended and replaced through dependency injection', () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  it('asks a contributed source on a miss, once per identifier however many events carry it', async () => {
    db = await createTestDatabase('sqlite');
    const t = await startTestApp(db.url, { extraImports: [HrModule] });
    try {
      const bulk = Array.from({ length: 20 }, () => postJson(`${t.baseUrl}/audit/v1/event`, { action: 'hr.source', actor: { id: 'emp-42' } }));
      expect((await Promise.all(bulk)).map((r) => r.status)).toEqual(Array(20).fill(201));
      const events = (await readAllEvents(t.baseUrl)).filter((e) => e.action === 'hr.source');
      expect(events).toHaveLength(20);
      for (const e of events)
        expect(e).toMatchObject({ identity_status: 'resolved', actor: { guid: '42424242-0000-4000-8000-000000000042', email: 'ada@example.com' } });
      expect(t.app.get(HrSystemSource).lookups).toBe(1);
      // Misses are cached too: a second unknown actor is asked for once.
      await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'hr.miss', actor: { id: 'ghost' } });
      await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'hr.miss', actor: { id: 'ghost' } });
      expect(t.app.get(HrSystemSource).lookups).toBe(2);
      expect((await readAllEvents(t.baseUrl)).filter((e) => e.action === 'hr.miss').map((e) => e.identity_status)).toEqual(['unknown', 'unknown']);
    } finally {
      await t.close();
    }
  });

  it.each([
    ['AppModule.forRoot(config, { identity: { resolver } })', { modules: { identity: { resolver: FixedResolver } } }],
    ['overrideProvider(IDENTITY_RESOLVER)', { customize: (b: any) => b.overrideProvider(IDENTITY_RESOLVER).useClass(FixedResolver) }],
  ])('uses a resolver provided through %s instead of the default', async (_how, options) => {
    db = await createTestDatabase('sqlite');
    const t = await startTestApp(db.url, options);
    try {
      await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'fixed.resolver', actor: { id: 'svc-backup' } });
      const [event] = (await readAllEvents(t.baseUrl)).filter((e) => e.action === 'fixed.resolver');
      expect(event).toMatchObject({ identity_status: 'resolved', actor: { guid: 'bac0bac0-0000-4000-8000-00000000b0b0' } });
      const identity = await (await fetch(`${t.baseUrl}/identity/v1/user/svc-backup`, { headers: adminHeaders() })).json();
      expect(identity.guid).toBe('bac0bac0-0000-4000-8000-00000000b0b0');
    } finally {
      await t.close();
    }
  });
});

describe('start-up with an unreachable directory', () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  it('serves anyway, stores unknown actors pending, and reports the directory on /health/ready without failing it', async () => {
    db = await createTestDatabase('sqlite');
    const deadPort = await findFreePort();
    const t = await startTestApp(db.url, {
      env: { LDAP_URL: `ldap://127.0.0.1:${deadPort}`, LDAP_CONNECT_TIMEOUT_MS: '500', IDENTITY_LOOKUP_BUDGET_MS: '200' },
    });
    try {
      const started = performance.now();
      expect((await postJson(`${t.baseUrl}/audit/v1/event`, { action: 'dir.unreachable', actor: { id: 'jdoe' } })).status).toBe(201);
      expect(performance.now() - started).toBeLessThan(1_000);
      const [event] = (await readAllEvents(t.baseUrl)).filter((e) => e.action === 'dir.unreachable');
      expect(event.identity_status).toBe('pending');
      const ready = await fetch(`${t.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect((await ready.json()).checks.directory).toMatchObject({ ok: false, critical: false });
      const sync = await postJson(`${t.baseUrl}/identity/v1/sync`, {}, adminHeaders());
      expect(sync.status).toBe(503);
      expect((await sync.json()).message).toContain('directory unavailable');
    } finally {
      await t.close();
    }
  });
});
