import { MigrationInterface, QueryRunner } from 'typeorm';

/** Seals: each covers a run of a project's events and is chained to the one before (see src/integrity). */
export class AuditSealsSqlite1764600000000 implements MigrationInterface {
  name = 'AuditSealsSqlite1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_seals (
        project_id VARCHAR NOT NULL,
        seq_from INTEGER NOT NULL,
        seq_to INTEGER NOT NULL,
        events_digest VARCHAR NOT NULL,
        previous_seal VARCHAR NOT NULL,
        seal VARCHAR NOT NULL,
        sealed_at INTEGER NOT NULL,
        PRIMARY KEY (project_id, seq_to)
      )`);
    // Two sealers (two replicas) cannot both extend the chain from the same point.
    await q.query(`CREATE UNIQUE INDEX audit_seals_project_from ON audit_seals (project_id, seq_from)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_seals`);
  }
}
