import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

export type TokenScope = 'publish' | 'read' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['publish', 'read', 'admin'];

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

  @Column({ type: 'varchar' })
  scope: TokenScope;

  @Column({ name: 'token_hash', type: 'varchar' })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  revokedAt: number | null;
}
