import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { CLOCK, Clock } from '../../infrastructure/clock/clock';
import type { DirectoryGroup, DirectoryGroupRef, DirectoryPerson } from '../directory-person';
import { dnKey } from '../ldap/distinguished-name';
import { DirectoryEntryPerson, DirectoryGroupEntry, LdapDirectory } from '../ldap/ldap-directory';
import { LDAP_DIRECTORY } from '../ldap/ldap-directory.provider';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import { DirectoryMirrorRepository } from '../mirror/directory-mirror.repository';
import { GroupGraph } from '../mirror/identity-index';
import { PeriodicTask } from '../../infrastructure/scheduling/periodic-task';

export const LDAP_SOURCE = 'ldap';

const TIMESTAMP_MARGIN_MS = 5 * 60_000;

/** LDAP GeneralizedTime, as OpenLDAP writes modifyTimestamp: 20261125193000Z. */
function generalizedTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export type SyncMode = 'full' | 'incremental';

export interface SyncResult {
  mode: SyncMode;
  /** Why an incremental request ran as full, if it did. */
  reason?: string;
  directoryKind: string;
  peopleSeen: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  groups: number;
  durationMs: number;
  finishedAt: number;
  /** AD's NetBIOS domain, kept so `DOMAIN\\user` is checked after a restart too. */
  netbiosDomain?: string;
  /** The server that answered (AD: dsServiceName), since AD's change markers are per server. */
  serverId?: string;
}

/** No directory is configured (LDAP_URL unset). */
export class NoDirectoryConfiguredError extends Error {
  constructor() {
    super('no directory is configured (set LDAP_URL)');
  }
}

/**
 * Keeps the mirror in step with the LDAP directory: a full sync at start, an incremental one
 * (uSNChanged on AD, modifyTimestamp elsewhere) every LDAP_SYNC_INTERVAL_S, and every Nth a full
 * reconciliation that marks people who vanished as deleted. A group change makes the next
 * incremental sync a full one, since memberships are computed over the whole group graph.
 */
@Injectable()
export class DirectorySyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DirectorySyncService.name);
  private running?: Promise<SyncResult>;
  private runningMode?: SyncMode;
  private fullAfterRunning?: Promise<SyncResult>;
  private readonly scheduled = new PeriodicTask<SyncResult>(
    () => this.scheduledSync(),
    (error) => this.logger.warn({ msg: 'scheduled directory sync failed', error: error.message }),
  );
  private scheduledRuns = 0;
  private readonly listeners: (() => void)[] = [];
  lastResult?: SyncResult;
  lastError?: { message: string; at: number };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    private readonly mirror: DirectoryMirror,
    private readonly repository: DirectoryMirrorRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get configured(): boolean {
    return this.directory !== null;
  }

  /** Called after each successful sync (the pending-identity job listens). */
  onSynced(listener: () => void): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.directory || !this.config.ldap) return;
    const state = await this.repository.syncState(LDAP_SOURCE);
    const netbios = (state?.lastResult as SyncResult | undefined)?.netbiosDomain;
    if (netbios) this.mirror.index.netbiosDomain = netbios;
    // Start-up never waits for the directory: the service serves with the mirror it has.
    void this.sync('full').catch((error: Error) =>
      this.logger.warn({ msg: 'directory unreachable at start-up; serving from the local mirror, unknown actors are stored pending', error: error.message }),
    );
    this.scheduled.start(this.config.ldap.syncIntervalS * 1000);
  }

  /** A scheduled sync: every LDAP_FULL_SYNC_EVERY-th is a full reconciliation, the others incremental. */
  private scheduledSync(): Promise<SyncResult> {
    this.scheduledRuns += 1;
    return this.sync(this.scheduledRuns % (this.config.ldap?.fullSyncEvery ?? 12) === 0 ? 'full' : 'incremental');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduled.stop();
    await this.running?.catch(() => undefined);
    await this.directory?.close();
  }

  /**
   * Runs a sync now. A call while one runs shares it when it covers the request (any sync covers an
   * incremental one; a full one covers everything); a full sync asked for while an incremental one
   * runs starts when that one ends (one such full sync for all who asked meanwhile).
   */
  sync(mode: SyncMode = 'full'): Promise<SyncResult> {
    if (!this.directory) return Promise.reject(new NoDirectoryConfiguredError());
    if (this.running && mode === 'full' && this.runningMode === 'incremental') {
      this.fullAfterRunning ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.fullAfterRunning = undefined;
          return this.sync('full');
        });
      return this.fullAfterRunning;
    }
    if (!this.running) this.runningMode = mode;
    this.running ??= this.run(this.directory, mode)
      .then((result) => {
        this.lastResult = result;
        this.lastError = undefined;
        this.logger.log({ msg: 'directory sync done', ...result });
        for (const listener of this.listeners) listener();
        return result;
      })
      .catch((error: Error) => {
        this.lastError = { message: error.message, at: this.clock.now() };
        throw error;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(directory: LdapDirectory, requested: SyncMode): Promise<SyncResult> {
    const started = this.clock.now();
    const state = await this.repository.syncState(LDAP_SOURCE);
    const info = await directory.describe();
    // `DOMAIN\user` names only match this directory's own NetBIOS domain.
    if (info.netbiosDomain) this.mirror.index.netbiosDomain = info.netbiosDomain;
    let mode = requested;
    let reason: string | undefined;
    if (mode === 'incremental' && !state?.changeMarker) {
      mode = 'full';
      reason = 'no earlier sync';
    }
    if (mode === 'incremental' && state?.kind && state.kind !== info.kind) {
      mode = 'full';
      reason = 'directory kind changed';
    }
    // AD's USNs are per domain controller: after a failover to another DC the marker means nothing.
    const lastServer = (state?.lastResult as SyncResult | undefined)?.serverId;
    if (mode === 'incremental' && info.kind === 'ad' && lastServer && lastServer !== info.serverId) {
      mode = 'full';
      reason = 'directory server changed';
    }
    if (mode === 'incremental') {
      for await (const page of directory.groups(state?.changeMarker)) {
        if (page.length > 0) {
          mode = 'full';
          reason = 'groups changed';
          break;
        }
      }
    }
    // AD: the USN before reading, so nothing committed during the sync is skipped next time.
    let marker: string | undefined = info.kind === 'ad' ? info.highestCommittedUsn : state?.changeMarker;
    // modifyTimestamp: the newest seen, but never past the sync's start (less a margin for clock
    // skew), so an entry changed mid-sync after its page was read is fetched again next time.
    const ceiling = generalizedTime(started - TIMESTAMP_MARGIN_MS);
    const floor = marker;
    const track = (value?: string): void => {
      if (info.kind === 'ad' || !value) return;
      const capped = value > ceiling ? ceiling : value;
      if (!marker || capped > marker) marker = capped;
      if (floor && marker < floor) marker = floor;
    };

    let groups: DirectoryGroup[];
    let memberships: Memberships;
    if (mode === 'full') {
      const entries: DirectoryGroupEntry[] = [];
      for await (const page of directory.groups()) entries.push(...page);
      entries.forEach((g) => track(g.changeMarker));
      ({ groups, memberships } = groupModel(entries));
    } else {
      groups = this.mirror.groups();
      memberships = { byMemberDn: new Map(), byMemberUid: new Map() };
    }
    const graph = new GroupGraph(groups);

    const seen = new Set<string>();
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for await (const page of directory.people(mode === 'incremental' ? state?.changeMarker : undefined)) {
      const people = page.map((entry) => {
        track(entry.changeMarker);
        seen.add(entry.guid);
        return this.toMirrorPerson(entry, graph, memberships, mode);
      });
      const applied = await this.mirror.apply(people, { touch: mode === 'full' });
      counts.created += applied.created;
      counts.updated += applied.updated;
      counts.unchanged += applied.unchanged;
    }

    let deleted = 0;
    if (mode === 'incremental' && info.kind === 'ad' && state?.changeMarker) {
      deleted = await this.markTombstonesDeleted(directory, state.changeMarker);
    }
    if (mode === 'full') {
      await this.mirror.replaceGroups(groups);
      // People a live lookup added while this sync ran were seen after it started: not missing.
      const missing = this.mirror.missingFrom(LDAP_SOURCE, seen, started);
      if (seen.size === 0 && missing.length > 0) {
        // An empty answer is far likelier a wrong base DN or lost permission than everyone leaving.
        this.logger.warn({ msg: 'directory returned no people; not marking the mirror deleted', mirrored: missing.length });
      } else {
        deleted = await this.mirror.markDeleted(missing);
      }
    }
    const finishedAt = this.clock.now();
    const result: SyncResult = {
      mode,
      ...(reason ? { reason } : {}),
      directoryKind: info.kind,
      peopleSeen: seen.size,
      ...counts,
      deleted,
      groups: groups.length,
      durationMs: finishedAt - started,
      finishedAt,
      ...(info.netbiosDomain ? { netbiosDomain: info.netbiosDomain } : {}),
      ...(info.serverId ? { serverId: info.serverId } : {}),
    };
    await this.repository.saveSyncState(LDAP_SOURCE, {
      kind: info.kind,
      changeMarker: marker,
      lastFullSyncAt: mode === 'full' ? finishedAt : state?.lastFullSyncAt,
      lastSyncAt: finishedAt,
      lastResult: result,
    });
    return result;
  }

  /** AD: people deleted since the marker, read from their tombstones, marked deleted now. */
  private async markTombstonesDeleted(directory: LdapDirectory, marker: string): Promise<number> {
    let deleted = 0;
    try {
      for await (const guids of directory.deletedPeople(marker)) {
        deleted += await this.mirror.markDeleted(guids.filter((guid) => this.mirror.get(guid)?.source === LDAP_SOURCE));
      }
    } catch (error) {
      // Deleted people are then found by the next full sync, as without the right to read tombstones.
      this.logger.warn({ msg: 'could not read deleted objects; the next full sync will find who left', error: (error as Error).message });
    }
    return deleted;
  }

  private toMirrorPerson(entry: DirectoryEntryPerson, graph: GroupGraph, memberships: Memberships, mode: SyncMode): DirectoryPerson {
    const key = entry.dn ? dnKey(entry.dn) : undefined;
    const direct = new Set<string>(graph.directDns(entry));
    for (const dn of (key && memberships.byMemberDn.get(key)) || []) direct.add(dn);
    for (const dn of (entry.username && memberships.byMemberUid.get(entry.username.toLowerCase())) || []) direct.add(dn);
    const previous = this.mirror.get(entry.guid);
    // Incremental syncs run only while no group changed, so memberships listed by groups still hold.
    const groups: DirectoryGroupRef[] = direct.size === 0 && mode === 'incremental' && previous ? previous.groups : sortGroups(graph.expand(direct));
    return {
      guid: entry.guid,
      source: LDAP_SOURCE,
      username: entry.username,
      upn: entry.upn,
      email: entry.email,
      dn: entry.dn,
      displayName: entry.displayName,
      groups,
      disabled: entry.disabled,
      deleted: false,
    };
  }
}

interface Memberships {
  /** Member DN key → DNs of the groups that list it. */
  byMemberDn: Map<string, string[]>;
  /** posixGroup memberUid (lower case) → group DNs. */
  byMemberUid: Map<string, string[]>;
}

/** Builds the group graph from both directions: a group's memberOf and groups listing it as member. */
export function groupModel(entries: DirectoryGroupEntry[]): { groups: DirectoryGroup[]; memberships: Memberships } {
  const byMemberDn = new Map<string, string[]>();
  const byMemberUid = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, dn: string): void => {
    const list = map.get(key);
    if (list) list.push(dn);
    else map.set(key, [dn]);
  };
  for (const group of entries) {
    for (const member of group.memberDns) add(byMemberDn, dnKey(member) ?? member.toLowerCase(), group.dn);
    for (const uid of group.memberUids) add(byMemberUid, uid.toLowerCase(), group.dn);
  }
  const groups = entries.map((g) => ({
    dn: g.dn,
    name: g.name,
    guid: g.guid,
    sid: g.sid,
    parentDns: [...new Set([...g.parentDns, ...(byMemberDn.get(dnKey(g.dn) ?? '') ?? [])])],
  }));
  return { groups, memberships: { byMemberDn, byMemberUid } };
}

function sortGroups(groups: DirectoryGroup[]): DirectoryGroupRef[] {
  return groups.map((g) => ({ dn: g.dn, name: g.name })).sort((a, b) => a.name.localeCompare(b.name) || a.dn.localeCompare(b.dn));
}
