import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../../infrastructure/database/bigint-number.transformer';
import type { DirectoryGroupRef } from '../directory-person';

const jsonArray = {
  to: (value: unknown) => JSON.stringify(value ?? []),
  from: (value: string | null) => (value ? JSON.parse(value) : []),
};

/** One person of the directory mirror; rows are never removed, only marked deleted. */
@Entity('directory_people')
export class DirectoryPersonEntity {
  @PrimaryColumn({ type: 'varchar' })
  guid: string;

  @Column({ type: 'varchar' })
  source: string;

  @Column({ type: 'text', nullable: true })
  username: string | null;

  @Column({ type: 'text', nullable: true })
  upn: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  dn: string | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'text', transformer: jsonArray })
  groups: DirectoryGroupRef[];

  @Column({ type: 'boolean' })
  disabled: boolean;

  @Column({ type: 'boolean' })
  deleted: boolean;

  @Column({ name: 'first_seen_at', type: 'bigint', transformer: bigintNumber })
  firstSeenAt: number;

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: bigintNumber })
  lastSeenAt: number;

  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  deletedAt: number | null;
}

/** Every name a person has been known by, so former names still lead to them. */
@Entity('directory_aliases')
export class DirectoryAliasEntity {
  @PrimaryColumn({ type: 'varchar' })
  alias: string;

  @PrimaryColumn({ type: 'varchar' })
  guid: string;

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: bigintNumber })
  lastSeenAt: number;
}

/** The directory's groups and what they are nested in. */
@Entity('directory_groups')
export class DirectoryGroupEntity {
  @PrimaryColumn({ name: 'dn_key', type: 'varchar' })
  dnKey: string;

  @Column({ type: 'text' })
  dn: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  guid: string | null;

  @Column({ type: 'text', nullable: true })
  sid: string | null;

  @Column({ name: 'parent_dns', type: 'text', transformer: jsonArray })
  parentDns: string[];

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: bigintNumber })
  lastSeenAt: number;
}

/** Where the last sync of a source stopped. */
@Entity('directory_sync_state')
export class DirectorySyncStateEntity {
  @PrimaryColumn({ type: 'varchar' })
  source: string;

  @Column({ type: 'varchar', nullable: true })
  kind: string | null;

  @Column({ name: 'change_marker', type: 'text', nullable: true })
  changeMarker: string | null;

  @Column({ name: 'last_full_sync_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastFullSyncAt: number | null;

  @Column({ name: 'last_sync_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastSyncAt: number | null;

  @Column({ name: 'last_result', type: 'text', nullable: true })
  lastResult: string | null;
}

export const DIRECTORY_ENTITIES = [DirectoryPersonEntity, DirectoryAliasEntity, DirectoryGroupEntity, DirectorySyncStateEntity];
