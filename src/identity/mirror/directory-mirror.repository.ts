import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { DirectoryGroup, DirectoryPerson } from '../directory-person';
import { dnKey } from '../ldap/distinguished-name';
import { DirectoryAliasEntity, DirectoryGroupEntity, DirectoryPersonEntity, DirectorySyncStateEntity } from './directory-mirror.entities';

const CHUNK = 400;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface SyncState {
  kind?: string;
  changeMarker?: string;
  lastFullSyncAt?: number;
  lastSyncAt?: number;
  lastResult?: unknown;
}

/** The mirror tables; the only place that reads or writes them. */
@Injectable()
export class DirectoryMirrorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async loadPeople(): Promise<DirectoryPerson[]> {
    const rows = await this.dataSource.getRepository(DirectoryPersonEntity).find();
    return rows.map((row) => ({
      guid: row.guid,
      source: row.source,
      username: row.username ?? undefined,
      upn: row.upn ?? undefined,
      email: row.email ?? undefined,
      dn: row.dn ?? undefined,
      displayName: row.displayName ?? undefined,
      groups: row.groups,
      disabled: Boolean(row.disabled),
      deleted: Boolean(row.deleted),
      firstSeenAt: row.firstSeenAt,
      lastSeenAt: row.lastSeenAt,
    }));
  }

  async loadAliases(): Promise<{ alias: string; guid: string }[]> {
    return this.dataSource.getRepository(DirectoryAliasEntity).find({ select: { alias: true, guid: true } });
  }

  async loadGroups(): Promise<DirectoryGroup[]> {
    const rows = await this.dataSource.getRepository(DirectoryGroupEntity).find();
    return rows.map((row) => ({ dn: row.dn, name: row.name, guid: row.guid ?? undefined, sid: row.sid ?? undefined, parentDns: row.parentDns }));
  }

  /** Inserts or updates people and records their names; one transaction. */
  async savePeople(people: DirectoryPerson[], aliases: { alias: string; guid: string }[], at: number): Promise<void> {
    if (people.length === 0 && aliases.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      for (const part of chunks(people)) {
        await manager.getRepository(DirectoryPersonEntity).upsert(
          part.map((p) => ({
            guid: p.guid,
            source: p.source,
            username: p.username ?? null,
            upn: p.upn ?? null,
            email: p.email ?? null,
            dn: p.dn ?? null,
            displayName: p.displayName ?? null,
            groups: p.groups,
            disabled: p.disabled,
            deleted: p.deleted,
            firstSeenAt: p.firstSeenAt ?? at,
            lastSeenAt: p.lastSeenAt ?? at,
            deletedAt: p.deleted ? at : null,
          })),
          ['guid'],
        );
      }
      for (const part of chunks(aliases)) {
        await manager.getRepository(DirectoryAliasEntity).upsert(
          part.map((a) => ({ ...a, lastSeenAt: at })),
          ['alias', 'guid'],
        );
      }
    });
  }

  /** Records that these people were seen by a sync without other change. */
  async touch(guids: string[], at: number): Promise<void> {
    for (const part of chunks(guids, 900)) {
      await this.dataSource.getRepository(DirectoryPersonEntity).update({ guid: In(part) }, { lastSeenAt: at });
    }
  }

  async markDeleted(guids: string[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const part of chunks(guids, 900)) {
        await manager.getRepository(DirectoryPersonEntity).update({ guid: In(part) }, { deleted: true, deletedAt: at });
      }
    });
  }

  async replaceGroups(groups: DirectoryGroup[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(DirectoryGroupEntity).clear();
      for (const part of chunks(groups)) {
        await manager.getRepository(DirectoryGroupEntity).insert(
          part.map((g) => ({
            dnKey: dnKey(g.dn) ?? g.dn.toLowerCase(),
            dn: g.dn,
            name: g.name,
            guid: g.guid ?? null,
            sid: g.sid ?? null,
            parentDns: g.parentDns,
            lastSeenAt: at,
          })),
        );
      }
    });
  }

  async syncState(source: string): Promise<SyncState | undefined> {
    const row = await this.dataSource.getRepository(DirectorySyncStateEntity).findOneBy({ source });
    if (!row) return undefined;
    return {
      kind: row.kind ?? undefined,
      changeMarker: row.changeMarker ?? undefined,
      lastFullSyncAt: row.lastFullSyncAt ?? undefined,
      lastSyncAt: row.lastSyncAt ?? undefined,
      lastResult: row.lastResult ? JSON.parse(row.lastResult) : undefined,
    };
  }

  async saveSyncState(source: string, state: SyncState): Promise<void> {
    await this.dataSource.getRepository(DirectorySyncStateEntity).upsert(
      {
        source,
        kind: state.kind ?? null,
        changeMarker: state.changeMarker ?? null,
        lastFullSyncAt: state.lastFullSyncAt ?? null,
        lastSyncAt: state.lastSyncAt ?? null,
        lastResult: state.lastResult === undefined ? null : JSON.stringify(state.lastResult),
      },
      ['source'],
    );
  }
}
