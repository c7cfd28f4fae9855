import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

@Entity('projects')
export class ProjectEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Highest sequence number handed out in this project; advanced inside each write transaction. */
  @Column({ name: 'last_seq', type: 'bigint', transformer: bigintNumber })
  lastSeq: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
