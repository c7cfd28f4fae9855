import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tokens may carry several scopes (`publish read`) and instance scopes (`provision`, `directory`),
 * and record when they were last used. SQLite cannot drop a CHECK, so the table is rebuilt.
 */
export class TokenScopesSqlite1764700000000 implements MigrationInterface {
  name = 'TokenScopesSqlite1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_tokens_next (
      id TEXT PRIMARY KEY,
      project_id TEXT REFERENCES projects(id),
      name TEXT NOT NULL,
      scope TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER,
      last_used_at INTEGER
    )`);
    await q.query(`INSERT INTO api_tokens_next (id, project_id, name, scope, token_hash, created_at, revoked_at)
      SELECT id, project_id, name, scope, token_hash, created_at, revoked_at FROM api_tokens`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`ALTER TABLE api_tokens_next RENAME TO api_tokens`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE api_tokens_previous (
      id TEXT PRIMARY KEY,
      project_id TEXT REFERENCES projects(id),
      name TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('publish', 'read', 'admin')),
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    )`);
    await q.query(`INSERT INTO api_tokens_previous SELECT id, project_id, name, scope, token_hash, created_at, revoked_at FROM api_tokens
      WHERE scope IN ('publish', 'read', 'admin')`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`ALTER TABLE api_tokens_previous RENAME TO api_tokens`);
  }
}
