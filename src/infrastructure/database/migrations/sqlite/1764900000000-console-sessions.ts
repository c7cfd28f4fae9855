import { MigrationInterface, QueryRunner } from 'typeorm';

/** Console sessions: the hash of each signed-in browser's cookie, who it is, and when it idles out. */
export class ConsoleSessionsSqlite1764900000000 implements MigrationInterface {
  name = 'ConsoleSessionsSqlite1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE console_sessions (
      secret_hash TEXT PRIMARY KEY,
      id TEXT NOT NULL,
      kind TEXT NOT NULL,
      person_guid TEXT,
      token_id TEXT,
      display_name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    )`);
    await q.query(`CREATE INDEX console_sessions_expiry ON console_sessions (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE console_sessions`);
  }
}
