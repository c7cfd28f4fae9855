import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';

/** A viewer token (Retraced's "viewer descriptor"): a short-lived voucher for one group's log, kept only as a hash. */
@Entity('viewer_tokens')
export class ViewerTokenEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ name: 'token_hash', type: 'varchar' }) tokenHash: string;
  @Column({ name: 'project_id', type: 'varchar' }) projectId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ name: 'target_id', type: 'text', nullable: true }) targetId: string | null;
  @Column({ name: 'actor_id', type: 'text' }) actorId: string;
  @Column({ name: 'is_admin', type: 'boolean' }) isAdmin: boolean;
  @Column({ name: 'view_log_action', type: 'text' }) viewLogAction: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber }) expiresAt: number;
}

/** Sessions of an actor in a group issued before `revokedAt` are refused. */
@Entity('viewer_session_revocations')
export class SessionRevocationEntity {
  @PrimaryColumn({ name: 'project_id', type: 'varchar' }) projectId: string;
  @PrimaryColumn({ name: 'group_id', type: 'text' }) groupId: string;
  @PrimaryColumn({ name: 'actor_id', type: 'text' }) actorId: string;
  @Column({ name: 'revoked_at', type: 'bigint', transformer: bigintNumber }) revokedAt: number;
}

/** An export a viewer saved: its name and the search it renders (the widget's exportBody). */
@Entity('viewer_exports')
export class ViewerExportEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ name: 'project_id', type: 'varchar' }) projectId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ type: 'text' }) name: string;
  /** JSON of the export body. */
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'actor_id', type: 'text' }) actorId: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
}

/** An enterprise token: a group's own program reading the group's log; kept only as a hash. */
@Entity('enterprise_tokens')
export class EnterpriseTokenEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ name: 'token_hash', type: 'varchar' }) tokenHash: string;
  @Column({ name: 'project_id', type: 'varchar' }) projectId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ name: 'display_name', type: 'text' }) displayName: string;
  @Column({ name: 'view_log_action', type: 'text' }) viewLogAction: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintNumber }) revokedAt: number | null;
}

/** An enterprise saved search: which actions and actors, from when (`body` JSON). */
@Entity('saved_searches')
export class SavedSearchEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ name: 'project_id', type: 'varchar' }) projectId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
}

/** A saved search being followed: where it has got to, and the one `next` token that continues it. */
@Entity('active_searches')
export class ActiveSearchEntity {
  @PrimaryColumn({ type: 'varchar' }) id: string;
  @Column({ name: 'saved_search_id', type: 'varchar' }) savedSearchId: string;
  @Column({ name: 'project_id', type: 'varchar' }) projectId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ name: 'after_seq', type: 'bigint', transformer: bigintNumber }) afterSeq: number;
  @Column({ name: 'next_token', type: 'varchar' }) nextToken: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
}

/** Secrets the instance generates once and keeps (the viewer session signing key). */
@Entity('instance_secrets')
export class InstanceSecretEntity {
  @PrimaryColumn({ type: 'varchar' }) name: string;
  @Column({ type: 'text' }) value: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber }) createdAt: number;
}

export const VIEWER_ENTITIES = [
  ViewerTokenEntity,
  SessionRevocationEntity,
  ViewerExportEntity,
  EnterpriseTokenEntity,
  SavedSearchEntity,
  ActiveSearchEntity,
  InstanceSecretEntity,
];
