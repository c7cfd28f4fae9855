import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/app-config';
import { MIGRATIONS, dataSourceOptions } from '../src/infrastructure/database/data-source-options';
import { searchWordsOf } from '../src/event-store/search-words';
import { createTestDatabase, DIALECTS, TestDatabase } from './support/databases';

/** Upgrading a PostgreSQL database that already holds events, one migration at a time. */
describe('PostgreSQL migrations on a database with events', () => {
  let db: TestDatabase;
  const open = (count: number) =>
    new DataSource({ ...dataSourceOptions({ type: 'postgres', url: db.url }), migrations: [...MIGRATIONS.postgres].slice(0, count) });

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('recomputes the search words of events stored before they were computed by the service, and can be undone', async () => {
    const upToSearch = MIGRATIONS.postgres.findIndex((m) => m.name.startsWith('EventSearch')) + 1;
    const before = open(upToSearch);
    await before.initialize();
    await before.runMigrations();
    await before.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('p', 'p', 2, 0)`);
    const event = (id: string, seq: number, description: string, fields: string) =>
      before.query(
        `INSERT INTO audit_events (id, project_id, seq, source_api, action, description, actor_id, target_name, fields, created_at, received_at)
         VALUES ($1, 'p', $2, 'publisher', 'Invoice.Paid', $3, 'jdoe@corp.example.com', 'Q3 report', $4, 0, 0)`,
        [id, seq, description, fields],
      );
    await event('a1', 1, 'Payé à Zürich — the 東京 office', '{"région":"eu-west"}');
    await event('a2', 2, 'x'.repeat(600) + ' tail', '{"k":"v"}');
    await before.destroy();

    const throughWords = MIGRATIONS.postgres.findIndex((m) => m.name.startsWith('SearchWords')) + 1;
    const after = open(throughWords);
    await after.initialize();
    await after.runMigrations();
    const rows: { id: string; words: string[] }[] = await after.query(`SELECT id, tsvector_to_array(search_vector) AS words FROM audit_events ORDER BY id`);
    const expected = (description: string, fields: string) =>
      searchWordsOf(['Invoice.Paid', description, 'jdoe@corp.example.com', null, null, 'Q3 report', null, null, fields]).split(' ').sort();
    expect(rows[0].words.sort()).toEqual(expected('Payé à Zürich — the 東京 office', '{"région":"eu-west"}'));
    expect(rows[0].words).toEqual(expect.arrayContaining(['zürich', '東京', 'région', 'invoice', 'paid', 'jdoe', 'q3']));
    expect(rows[1].words.sort()).toEqual(expected('x'.repeat(600) + ' tail', '{"k":"v"}'));
    expect(rows[1].words).not.toContain('x'.repeat(600));
    const found = await after.query(`SELECT id FROM audit_events WHERE search_vector @@ '''zürich'' & ''paid'''::tsquery`);
    expect(found).toEqual([{ id: 'a1' }]);
    const fk = await after.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'audit_events'::regclass AND contype = 'f'`);
    expect(fk).toEqual([]);

    await after.undoLastMigration();
    const generated = await after.query(
      `SELECT is_generated FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'search_vector'`,
    );
    expect(generated).toEqual([{ is_generated: 'ALWAYS' }]);
    const restoredFk = await after.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'audit_events'::regclass AND contype = 'f'`);
    expect(restoredFk).toEqual([{ conname: 'audit_events_project_id_fkey' }]);
    await after.destroy();
  });
});

describe.each(DIALECTS)('the group SID migration on %s', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('adds directory_groups.sid and can be undone', async () => {
    const throughGroupSid = MIGRATIONS[dialect].findIndex((m) => m.name.startsWith('GroupSid')) + 1;
    const ds = new DataSource({ ...dataSourceOptions(parseDatabaseUrl(db.url)), migrations: [...MIGRATIONS[dialect]].slice(0, throughGroupSid) });
    await ds.initialize();
    try {
      await ds.runMigrations();
      const columns = async () =>
        (
          await ds.query(
            dialect === 'postgres'
              ? `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'directory_groups'`
              : `PRAGMA table_info(directory_groups)`,
          )
        ).map((c: { name: string }) => c.name);
      await ds.query(`INSERT INTO directory_groups (dn_key, dn, name, sid, parent_dns, last_seen_at) VALUES ('k', 'CN=G', 'G', 'S-1-5-21-1-2-3-513', '[]', 0)`);
      expect(await ds.query(`SELECT sid FROM directory_groups`)).toEqual([{ sid: 'S-1-5-21-1-2-3-513' }]);
      await ds.undoLastMigration();
      expect(await columns()).not.toContain('sid');
      expect(await columns()).toContain('dn');
    } finally {
      await ds.destroy();
    }
  });
});
