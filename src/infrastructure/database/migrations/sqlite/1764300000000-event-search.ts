import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns `q` searches, in the FTS5 table's order. */
export const SEARCH_COLUMNS = ['action', 'description', 'actor_id', 'actor_name', 'target_id', 'target_name', 'target_type', 'group_name', 'fields'];

const cols = SEARCH_COLUMNS.join(', ');
const values = (row: 'new' | 'old') => SEARCH_COLUMNS.map((c) => `${row}.${c}`).join(', ');

/**
 * Free-text search with an external-content FTS5 table kept by triggers (the unicode61 tokenizer
 * splits on punctuation and folds case and diacritics), and the index for raw actor ids.
 */
export class EventSearchSqlite1764300000000 implements MigrationInterface {
  name = 'EventSearchSqlite1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIRTUAL TABLE audit_events_fts USING fts5(${cols}, content='audit_events', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    );
    await q.query(`CREATE TRIGGER audit_events_fts_insert AFTER INSERT ON audit_events BEGIN
      INSERT INTO audit_events_fts(rowid, ${cols}) VALUES (new.rowid, ${values('new')});
    END`);
    await q.query(`CREATE TRIGGER audit_events_fts_delete AFTER DELETE ON audit_events BEGIN
      INSERT INTO audit_events_fts(audit_events_fts, rowid, ${cols}) VALUES ('delete', old.rowid, ${values('old')});
    END`);
    await q.query(`CREATE TRIGGER audit_events_fts_update AFTER UPDATE ON audit_events BEGIN
      INSERT INTO audit_events_fts(audit_events_fts, rowid, ${cols}) VALUES ('delete', old.rowid, ${values('old')});
      INSERT INTO audit_events_fts(rowid, ${cols}) VALUES (new.rowid, ${values('new')});
    END`);
    await q.query(`INSERT INTO audit_events_fts(audit_events_fts) VALUES ('rebuild')`);
    await q.query(`CREATE INDEX audit_events_project_actor_id ON audit_events (project_id, actor_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_project_actor_id`);
    await q.query(`DROP TRIGGER audit_events_fts_update`);
    await q.query(`DROP TRIGGER audit_events_fts_delete`);
    await q.query(`DROP TRIGGER audit_events_fts_insert`);
    await q.query(`DROP TABLE audit_events_fts`);
  }
}
