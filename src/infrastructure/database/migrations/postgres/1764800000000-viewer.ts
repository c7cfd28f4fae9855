import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Retraced viewer and enterprise API: vouchers (viewer tokens), revoked sessions, saved exports, enterprise tokens, saved and active searches, display templates, the session signing key, and an index for a group's log. */
export class ViewerPostgres1764800000000 implements MigrationInterface {
  name = 'ViewerPostgres1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE viewer_tokens (
      id varchar PRIMARY KEY,
      token_hash varchar NOT NULL UNIQUE,
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      target_id TEXT,
      actor_id TEXT NOT NULL,
      is_admin boolean NOT NULL,
      view_log_action TEXT NOT NULL,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL
    )`);
    await q.query(`CREATE TABLE viewer_session_revocations (
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      revoked_at bigint NOT NULL,
      PRIMARY KEY (project_id, group_id, actor_id)
    )`);
    await q.query(`CREATE TABLE viewer_exports (
      id varchar PRIMARY KEY,
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      created_at bigint NOT NULL
    )`);
    await q.query(`CREATE INDEX viewer_exports_group ON viewer_exports (project_id, group_id, created_at)`);
    await q.query(`CREATE TABLE enterprise_tokens (
      id varchar PRIMARY KEY,
      token_hash varchar NOT NULL UNIQUE,
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      display_name TEXT NOT NULL,
      view_log_action TEXT NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    )`);
    await q.query(`CREATE INDEX enterprise_tokens_group ON enterprise_tokens (project_id, group_id)`);
    await q.query(`CREATE TABLE saved_searches (
      id varchar PRIMARY KEY,
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at bigint NOT NULL
    )`);
    await q.query(`CREATE TABLE active_searches (
      id varchar PRIMARY KEY,
      saved_search_id varchar NOT NULL,
      project_id varchar NOT NULL,
      group_id TEXT NOT NULL,
      after_seq bigint NOT NULL,
      next_token varchar NOT NULL,
      created_at bigint NOT NULL
    )`);
    await q.query(`CREATE TABLE display_templates (
      project_id varchar NOT NULL,
      position INTEGER NOT NULL,
      action TEXT NOT NULL,
      template TEXT NOT NULL,
      PRIMARY KEY (project_id, position)
    )`);
    // A group's log, newest first: the viewer's and the enterprise API's every read. crud and
    // source_api ride along so the group's total (the widget shows it) is counted from the index alone.
    // Only events with a group: the Audit API's (none) pay nothing for it.
    await q.query(`CREATE INDEX audit_events_project_group ON audit_events (project_id, group_id, seq) INCLUDE (crud, source_api) WHERE group_id IS NOT NULL`);
    await q.query(`CREATE TABLE instance_secrets (
      name varchar PRIMARY KEY,
      value TEXT NOT NULL,
      created_at bigint NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_project_group`);
    for (const table of [
      'display_templates',
      'active_searches',
      'saved_searches',
      'instance_secrets',
      'enterprise_tokens',
      'viewer_exports',
      'viewer_session_revocations',
      'viewer_tokens',
    ])
      await q.query(`DROP TABLE ${table}`);
  }
}
