import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many events each group of a project holds, by crud and source API, kept by the event store in
 * the transaction that inserts them: a group's total (the viewer's `totalCount`) is a sum of a few
 * rows instead of a count over the group's index. Filled here from the events already stored.
 */
export class GroupCountsSqlite1765100000000 implements MigrationInterface {
  name = 'GroupCountsSqlite1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_group_counts (
      project_id TEXT NOT NULL,
      group_id TEXT NOT NULL,
      crud TEXT NOT NULL,
      source_api TEXT NOT NULL,
      events INTEGER NOT NULL,
      PRIMARY KEY (project_id, group_id, crud, source_api)
    ) WITHOUT ROWID`);
    await q.query(`INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
      SELECT project_id, group_id, COALESCE(crud, ''), source_api, COUNT(*) FROM audit_events
      WHERE group_id IS NOT NULL GROUP BY project_id, group_id, COALESCE(crud, ''), source_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_group_counts');
  }
}
