import { MigrationInterface, QueryRunner } from 'typeorm';

/** The directory mirror: people, their former names, groups, and where each sync stopped. */
export class DirectoryMirrorPostgres1764200000000 implements MigrationInterface {
  name = 'DirectoryMirrorPostgres1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE directory_people (
      guid text PRIMARY KEY,
      source text NOT NULL,
      username text,
      upn text,
      email text,
      dn text,
      display_name text,
      groups text NOT NULL DEFAULT '[]',
      disabled boolean NOT NULL DEFAULT false,
      deleted boolean NOT NULL DEFAULT false,
      first_seen_at bigint NOT NULL,
      last_seen_at bigint NOT NULL,
      deleted_at bigint
    )`);
    await q.query(`CREATE INDEX directory_people_source ON directory_people (source, deleted)`);
    await q.query(`CREATE TABLE directory_aliases (
      alias text NOT NULL,
      guid text NOT NULL,
      last_seen_at bigint NOT NULL,
      PRIMARY KEY (alias, guid)
    )`);
    await q.query(`CREATE TABLE directory_groups (
      dn_key text PRIMARY KEY,
      dn text NOT NULL,
      name text NOT NULL,
      guid text,
      parent_dns text NOT NULL DEFAULT '[]',
      last_seen_at bigint NOT NULL
    )`);
    await q.query(`CREATE TABLE directory_sync_state (
      source text PRIMARY KEY,
      kind text,
      change_marker text,
      last_full_sync_at bigint,
      last_sync_at bigint,
      last_result text
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory_sync_state`);
    await q.query(`DROP TABLE directory_groups`);
    await q.query(`DROP TABLE directory_aliases`);
    await q.query(`DROP TABLE directory_people`);
  }
}
