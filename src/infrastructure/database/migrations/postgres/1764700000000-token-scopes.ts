import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tokens may carry several scopes (`publish read`) and instance scopes (`provision`, `directory`), and record when they were last used. */
export class TokenScopesPostgres1764700000000 implements MigrationInterface {
  name = 'TokenScopesPostgres1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check`);
    await q.query(`ALTER TABLE api_tokens ALTER COLUMN scope TYPE varchar(64)`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check
      CHECK (scope ~ '^(publish|read|admin|provision|directory)( (publish|read|admin|provision|directory))*$')`);
    await q.query(`ALTER TABLE api_tokens ADD COLUMN last_used_at bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens DROP COLUMN last_used_at`);
    await q.query(`DELETE FROM api_tokens WHERE scope NOT IN ('publish', 'read', 'admin')`);
    await q.query(`ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check`);
    await q.query(`ALTER TABLE api_tokens ALTER COLUMN scope TYPE varchar(16)`);
    await q.query(`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('publish', 'read', 'admin'))`);
  }
}
