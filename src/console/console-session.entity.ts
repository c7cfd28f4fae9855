import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

/** A signed-in console session; the cookie holds a secret, this row its hash. */
@Entity('console_sessions')
export class ConsoleSessionEntity {
  /** SHA-256 of the cookie's secret, hex. */
  @PrimaryColumn({ name: 'secret_hash', type: 'varchar' })
  secretHash: string;

  /** A short public id for logs and records (never the secret). */
  @Column({ type: 'varchar' })
  id: string;

  /** `directory` (a person signed in with their password) or `token`. */
  @Column({ type: 'varchar' })
  kind: 'directory' | 'token';

  @Column({ name: 'person_guid', type: 'text', nullable: true })
  personGuid: string | null;

  @Column({ name: 'token_id', type: 'text', nullable: true })
  tokenId: string | null;

  /** How the console greets the reader. */
  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: bigintNumber })
  lastSeenAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt: number;
}
