import { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, API tokens and the audit event table with the indexes the query paths use. */
export class InitialSchemaPostgres1764000000000 implements MigrationInterface {
  name = 'InitialSchemaPostgres1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projects (
      id varchar(64) PRIMARY KEY,
      name text NOT NULL,
      last_seq bigint NOT NULL DEFAULT 0,
      created_at bigint NOT NULL
    )`);
    await q.query(`INSERT INTO projects (id, name, last_seq, created_at) VALUES ('default', 'Default', 0, (extract(epoch from now()) * 1000)::bigint)`);
    await q.query(`CREATE TABLE api_tokens (
      id varchar(32) PRIMARY KEY,
      project_id varchar(64) REFERENCES projects(id),
      name text NOT NULL,
      scope varchar(16) NOT NULL CHECK (scope IN ('publish', 'read', 'admin')),
      token_hash char(64) NOT NULL UNIQUE,
      created_at bigint NOT NULL,
      revoked_at bigint
    )`);
    await q.query(`CREATE TABLE audit_events (
      id varchar(32) PRIMARY KEY,
      project_id varchar(64) NOT NULL REFERENCES projects(id),
      seq bigint NOT NULL,
      source_api varchar(16) NOT NULL,
      action text NOT NULL,
      crud char(1),
      name text,
      title text,
      description text,
      group_id text,
      group_name text,
      actor_id text,
      actor_name text,
      actor_href text,
      target_id text,
      target_name text,
      target_type text,
      target_href text,
      source_ip varchar(45),
      is_failure boolean NOT NULL DEFAULT false,
      is_anonymous boolean NOT NULL DEFAULT false,
      fields text,
      metadata text,
      created_at bigint NOT NULL,
      received_at bigint NOT NULL,
      component text,
      version text,
      external_id text,
      hash char(64),
      actor_guid text,
      actor_username text,
      actor_email text,
      actor_dn text,
      identity_status varchar(16) NOT NULL DEFAULT 'unknown'
    )`);
    await q.query(`CREATE UNIQUE INDEX audit_events_project_seq ON audit_events (project_id, seq)`);
    await q.query(`CREATE INDEX audit_events_project_created ON audit_events (project_id, created_at)`);
    await q.query(`CREATE INDEX audit_events_project_actor_guid ON audit_events (project_id, actor_guid, seq)`);
    await q.query(`CREATE INDEX audit_events_project_action ON audit_events (project_id, action text_pattern_ops, seq)`);
    await q.query(`CREATE UNIQUE INDEX audit_events_project_external_id ON audit_events (project_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_pending ON audit_events (identity_status) WHERE identity_status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP TABLE api_tokens`);
    await q.query(`DROP TABLE projects`);
  }
}
