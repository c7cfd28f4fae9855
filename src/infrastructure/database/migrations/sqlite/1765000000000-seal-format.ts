import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each seal names the format its events were read with; every seal made before formats had names is v1. */
export class SealFormatSqlite1765000000000 implements MigrationInterface {
  name = 'SealFormatSqlite1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_seals ADD COLUMN format TEXT NOT NULL DEFAULT 'v1'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_seals DROP COLUMN format`);
  }
}
