import { MigrationInterface, QueryRunner } from 'typeorm';

/** The directory mirror: people, their former names, groups, and where each sync stopped. */
export class DirectoryMirrorSqlite1764200000000 implements MigrationInterface {
  name = 'DirectoryMirrorSqlite1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE directory_people (
      guid TEXT PRIMARY KEY NOT NULL,
      source TEXT NOT NULL,
      username TEXT,
      upn TEXT,
      email TEXT,
      dn TEXT,
      display_name TEXT,
      groups TEXT NOT NULL DEFAULT '[]',
      disabled BOOLEAN NOT NULL DEFAULT 0,
      deleted BOOLEAN NOT NULL DEFAULT 0,
      first_seen_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      deleted_at INTEGER
    )`);
    await q.query(`CREATE INDEX directory_people_source ON directory_people (source, deleted)`);
    await q.query(`CREATE TABLE directory_aliases (
      alias TEXT NOT NULL,
      guid TEXT NOT NULL,
      last_seen_at INTEGER NOT NULL,
      PRIMARY KEY (alias, guid)
    )`);
    await q.query(`CREATE TABLE directory_groups (
      dn_key TEXT PRIMARY KEY NOT NULL,
      dn TEXT NOT NULL,
      name TEXT NOT NULL,
      guid TEXT,
      parent_dns TEXT NOT NULL DEFAULT '[]',
      last_seen_at INTEGER NOT NULL
    )`);
    await q.query(`CREATE TABLE directory_sync_state (
      source TEXT PRIMARY KEY NOT NULL,
      kind TEXT,
      change_marker TEXT,
      last_full_sync_at INTEGER,
      last_sync_at INTEGER,
      last_result TEXT
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory_sync_state`);
    await q.query(`DROP TABLE directory_groups`);
    await q.query(`DROP TABLE directory_aliases`);
    await q.query(`DROP TABLE directory_people`);
  }
}
