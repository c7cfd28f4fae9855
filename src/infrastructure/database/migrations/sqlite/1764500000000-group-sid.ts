import { MigrationInterface, QueryRunner } from 'typeorm';

/** AD groups' objectSid, by which people name their primary group (primaryGroupID). Filled by the next full sync. */
export class GroupSidSqlite1764500000000 implements MigrationInterface {
  name = 'GroupSidSqlite1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directory_groups ADD COLUMN sid TEXT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directory_groups DROP COLUMN sid`);
  }
}
