import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../infrastructure/database/bigint-number.transformer';
import type { Crud, IdentityStatus, SourceApi } from './audit-event';

const json = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as Record<string, string>)),
};

/** A stored audit event, as read back; writes go through the batch writer's dialect-specific store. */
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ name: 'project_id', type: 'varchar' })
  projectId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seq: number;

  @Column({ name: 'source_api', type: 'varchar' })
  sourceApi: SourceApi;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'varchar', nullable: true })
  crud: Crud | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'group_id', type: 'text', nullable: true })
  groupId: string | null;

  @Column({ name: 'group_name', type: 'text', nullable: true })
  groupName: string | null;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName: string | null;

  @Column({ name: 'actor_href', type: 'text', nullable: true })
  actorHref: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  @Column({ name: 'target_name', type: 'text', nullable: true })
  targetName: string | null;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType: string | null;

  @Column({ name: 'target_href', type: 'text', nullable: true })
  targetHref: string | null;

  @Column({ name: 'source_ip', type: 'varchar', nullable: true })
  sourceIp: string | null;

  @Column({ name: 'is_failure', type: 'boolean' })
  isFailure: boolean;

  @Column({ name: 'is_anonymous', type: 'boolean' })
  isAnonymous: boolean;

  @Column({ type: 'text', nullable: true, transformer: json })
  fields: Record<string, string> | null;

  @Column({ type: 'text', nullable: true, transformer: json })
  metadata: Record<string, string> | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'received_at', type: 'bigint', transformer: bigintNumber })
  receivedAt: number;

  @Column({ type: 'text', nullable: true })
  component: string | null;

  @Column({ type: 'text', nullable: true })
  version: string | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'varchar', nullable: true })
  hash: string | null;

  @Column({ name: 'actor_fields', type: 'text', nullable: true, transformer: json })
  actorFields: Record<string, string> | null;

  @Column({ name: 'target_fields', type: 'text', nullable: true, transformer: json })
  targetFields: Record<string, string> | null;

  @Column({ name: 'content_digest', type: 'varchar', nullable: true })
  contentDigest: string | null;

  @Column({ name: 'actor_guid', type: 'text', nullable: true })
  actorGuid: string | null;

  @Column({ name: 'actor_username', type: 'text', nullable: true })
  actorUsername: string | null;

  @Column({ name: 'actor_email', type: 'text', nullable: true })
  actorEmail: string | null;

  @Column({ name: 'actor_dn', type: 'text', nullable: true })
  actorDn: string | null;

  @Column({ name: 'identity_status', type: 'varchar' })
  identityStatus: IdentityStatus;
}
