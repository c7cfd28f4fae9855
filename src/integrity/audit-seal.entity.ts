import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

/**
 * A seal over the events `seq_from`..`seq_to` of a project: their digest, chained to the project's
 * previous seal. Rewriting, removing or inserting a sealed event, or a seal, breaks the chain.
 */
@Entity('audit_seals')
export class AuditSealEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar' })
  projectId: string;

  @PrimaryColumn({ name: 'seq_to', type: 'bigint', transformer: bigintNumber })
  seqTo: number;

  @Column({ name: 'seq_from', type: 'bigint', transformer: bigintNumber })
  seqFrom: number;

  @Column({ name: 'events_digest', type: 'varchar' })
  eventsDigest: string;

  @Column({ name: 'previous_seal', type: 'varchar' })
  previousSeal: string;

  @Column({ type: 'varchar' })
  seal: string;

  @Column({ name: 'sealed_at', type: 'bigint', transformer: bigintNumber })
  sealedAt: number;

  /** The seal format (seal-format.ts) the events were read with: `v1` for every seal made before formats had names. */
  @Column({ type: 'varchar' })
  format: string;
}
