import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many events each group of a project holds, by crud and source API, kept by the event store in
 * the transaction that inserts them: a group's total (the viewer's `totalCount`) is a sum of a few
 * rows instead of a count over the group's index. Filled here from the events already stored.
 */
export class GroupCountsPostgres1765100000000 implements MigrationInterface {
  name = 'GroupCountsPostgres1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_group_counts (
      project_id varchar(64) NOT NULL,
      group_id text NOT NULL,
      crud text NOT NULL,
      source_api varchar(32) NOT NULL,
      events bigint NOT NULL,
      PRIMARY KEY (project_id, group_id, crud, source_api)
    )`);
    await q.query(`INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
      SELECT project_id, group_id, COALESCE(crud, ''), source_api, COUNT(*) FROM audit_events
      WHERE group_id IS NOT NULL GROUP BY project_id, group_id, COALESCE(crud, ''), source_api`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_group_counts');
  }
}
