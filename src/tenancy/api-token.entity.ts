import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

/** An API token; only the SHA-256 of the secret is stored. */
@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  /** Null for an instance-wide admin token. */
  @Column({ name: 'project_id', type: 'varchar', nullable: true })
  projectId: string | null;

  @Column({ type: 'text' })
  name: string;

  /** Space-separated scopes (`publish read`), as formatScopes spells them. */
  @Column({ type: 'varchar' })
  scope: string;

  @Column({ name: 'token_hash', type: 'varchar' })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  /** When the token last authenticated a request (updated at most once a minute). */
  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastUsedAt: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  revokedAt: number | null;
}
