import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from './support/databases';
import { ServerProcess, freePort, runToExit } from './support/server-process';

describe('start-up (real server process)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'audit-startup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/audit' }],
    ['PORT', { PORT: 'eighty' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'everyone' }],
    ['LDAP_URL', { LDAP_URL: 'http://directory' }],
    ['LDAP_SYNC_INTERVAL_S', { LDAP_URL: 'ldap://127.0.0.1:389', LDAP_SYNC_INTERVAL_S: '-5' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
  ])('stops with one line naming %s and a non-zero exit for a bad value', async (variable, env) => {
    const result = await runToExit({ DATABASE_URL: `sqlite:${join(dir, 'a.sqlite')}`, PORT: String(await freePort()), ...env });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${variable}: `)).toBe(true);
  });

  it('does not print the database password when PostgreSQL is unreachable', async () => {
    const result = await runToExit({ DATABASE_URL: 'postgres://audit:s3cret-pw@127.0.0.1:1/audit', PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^DATABASE_URL: cannot open the postgres database/);
    expect(result.stderr + result.stdout).not.toContain('s3cret-pw');
  });

  it('creates the SQLite file and its directory on first start, in WAL mode', async () => {
    const file = join(dir, 'nested', 'deeper', 'audit.sqlite');
    const server = await ServerProcess.start({ DATABASE_URL: `sqlite:${file}`, AUDIT_ADMIN_TOKEN: 'an-admin-token-of-some-length' });
    await server.stop();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT id FROM projects WHERE id = 'default'").get()).toEqual({ id: 'default' });
    db.close();
  });

  it('generates an admin token on first start, prints it once, and stores only its hash', async () => {
    const file = join(dir, 'audit.sqlite');
    const first = await ServerProcess.start({ DATABASE_URL: `sqlite:${file}` });
    const token = /Generated admin token \(shown only once, store it now\): (\S+)/.exec(first.stdout)?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`${first.baseUrl}/audit/v1/events`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await first.stop();
    expect(readFileSync(file).includes(Buffer.from(token!))).toBe(false);

    const second = await ServerProcess.start({ DATABASE_URL: `sqlite:${file}` });
    expect(second.stdout).not.toContain('Generated admin token');
    expect((await fetch(`${second.baseUrl}/audit/v1/events`, { headers: { authorization: `token=${token}` } })).status).toBe(200);
    await second.stop();
  });

  it('requires INTEGRATION_API_TOKEN on the Audit API when it is set', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: `sqlite:${join(dir, 'a.sqlite')}`, INTEGRATION_API_TOKEN: 'integration-secret-123' });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.baseUrl}/audit/v1/event`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"action":"a"}' });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post({ authorization: 'Bearer integration-secret-123' })).status).toBe(201);
    expect((await post({ authorization: 'Token token=integration-secret-123' })).status).toBe(201);
    await server.stop();
    expect(server.stdout).not.toContain('integration-secret-123');
  });

  it('applies the migrations with the ormconfig.ts DataSource (npm run migration:run) on PostgreSQL', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const root = join(__dirname, '..');
      const out = execFileSync(process.execPath, [join(root, 'node_modules/typeorm/cli.js'), 'migration:run', '-d', join(root, 'dist/ormconfig.js')], {
        env: { PATH: process.env.PATH, DATABASE_URL: db.url },
        encoding: 'utf8',
      });
      expect(out).toContain('InitialSchemaPostgres1764000000000');
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
      await client.end();
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['api_tokens', 'audit_events', 'projects', 'schema_migrations']));
    } finally {
      await db.drop();
    }
  });
});
