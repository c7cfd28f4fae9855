import { MigrationInterface, QueryRunner } from 'typeorm';

/** Retraced actor/target fields, and the content digest that makes external_id retries idempotent. */
export class PublisherColumnsSqlite1764100000000 implements MigrationInterface {
  name = 'PublisherColumnsSqlite1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN actor_fields TEXT`);
    await q.query(`ALTER TABLE audit_events ADD COLUMN target_fields TEXT`);
    await q.query(`ALTER TABLE audit_events ADD COLUMN content_digest TEXT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DROP COLUMN content_digest`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN target_fields`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN actor_fields`);
  }
}
