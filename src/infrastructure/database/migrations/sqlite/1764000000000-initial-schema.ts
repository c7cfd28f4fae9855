import { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, API tokens and the audit event table with the indexes the query paths use. */
export class InitialSchemaSqlite1764000000000 implements MigrationInterface {
  name = 'InitialSchemaSqlite1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      last_seq INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    )`);
    await q.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('default', 'Default', 0, CAST(unixepoch('subsec') * 1000 AS INTEGER))`);
    await q.query(`CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      project_id TEXT REFERENCES projects(id),
      name TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('publish', 'read', 'admin')),
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    )`);
    await q.query(`CREATE TABLE audit_events (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id),
      seq INTEGER NOT NULL,
      source_api TEXT NOT NULL,
      action TEXT NOT NULL,
      crud TEXT,
      name TEXT,
      title TEXT,
      description TEXT,
      group_id TEXT,
      group_name TEXT,
      actor_id TEXT,
      actor_name TEXT,
      actor_href TEXT,
      target_id TEXT,
      target_name TEXT,
      target_type TEXT,
      target_href TEXT,
      source_ip TEXT,
      is_failure INTEGER NOT NULL DEFAULT 0,
      is_anonymous INTEGER NOT NULL DEFAULT 0,
      fields TEXT,
      metadata TEXT,
      created_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      component TEXT,
      version TEXT,
      external_id TEXT,
      hash TEXT,
      actor_guid TEXT,
      actor_username TEXT,
      actor_email TEXT,
      actor_dn TEXT,
      identity_status TEXT NOT NULL DEFAULT 'unknown'
    )`);
    await q.query(`CREATE UNIQUE INDEX audit_events_project_seq ON audit_events (project_id, seq)`);
    await q.query(`CREATE INDEX audit_events_project_created ON audit_events (project_id, created_at)`);
    await q.query(`CREATE INDEX audit_events_project_actor_guid ON audit_events (project_id, actor_guid, seq)`);
    await q.query(`CREATE INDEX audit_events_project_action ON audit_events (project_id, action, seq)`);
    await q.query(`CREATE UNIQUE INDEX audit_events_project_external_id ON audit_events (project_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_pending ON audit_events (identity_status) WHERE identity_status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE projects`);
  }
}
