import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../../infrastructure/clock/clock';
import type { DirectoryGroup, DirectoryPerson } from '../directory-person';
import { DirectoryMirrorRepository } from './directory-mirror.repository';
import { aliasKeys, IdentityIndex } from './identity-index';

export interface ApplyCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Left as they were because another writer wrote them after `unlessWrittenSince`. */
  superseded: number;
}

export interface ApplyOptions {
  /** Unchanged people also get their last-seen time stored. */
  touch?: boolean;
  /**
   * A {@link DirectoryMirror.writeMark} taken before the data was read from its source: a person
   * written since (by a sync, the Provisioning API or a deletion) is left as the newer write made them.
   */
  unlessWrittenSince?: number;
}

function sameContent(a: DirectoryPerson, b: DirectoryPerson): boolean {
  return (
    a.source === b.source &&
    a.username === b.username &&
    a.upn === b.upn &&
    a.email === b.email &&
    a.dn === b.dn &&
    a.displayName === b.displayName &&
    a.disabled === b.disabled &&
    a.deleted === b.deleted &&
    JSON.stringify(a.groups) === JSON.stringify(b.groups)
  );
}

/**
 * The local mirror of directory people (the provisioning concept): persisted in the database,
 * held in memory for the enricher. LDAP sync, the Provisioning API and live lookups all write here.
 */
@Injectable()
export class DirectoryMirror implements OnModuleInit {
  private readonly logger = new Logger(DirectoryMirror.name);
  readonly index = new IdentityIndex();
  /** Writes run one at a time, so memory and database apply them in the same order. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Counts person writes; `lastWrite` holds the count at each person's latest one. */
  private writeCount = 0;
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly repository: DirectoryMirrorRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const [people, aliases, groups] = await Promise.all([this.repository.loadPeople(), this.repository.loadAliases(), this.repository.loadGroups()]);
    // Deleted and long-unseen people first, so a name re-used by someone active ends with them.
    people.sort((a, b) => Number(b.deleted) - Number(a.deleted) || (a.lastSeenAt ?? 0) - (b.lastSeenAt ?? 0));
    for (const person of people) this.index.put(person);
    for (const { alias, guid } of aliases) this.index.putFormerName(alias, guid);
    this.index.setGroups(groups);
    this.index.search.rebuild();
    this.logger.log({ msg: 'directory mirror loaded', people: people.length, groups: groups.length });
  }

  find(identifier: string): DirectoryPerson | undefined {
    return this.index.find(identifier);
  }

  get(guid: string): DirectoryPerson | undefined {
    return this.index.get(guid);
  }

  /** Writes people seen by a source; unchanged ones only get their last-seen time (when `touch`). */
  apply(people: DirectoryPerson[], options: ApplyOptions = {}): Promise<ApplyCounts> {
    return this.serialized(() => this.applyNow(people, options));
  }

  /**
   * Where the mirror's writes stand now. A writer whose read of the directory may finish after other
   * writers' (a live lookup racing a sync) takes a mark before reading and passes it to `apply`, so an
   * answer read before a newer write cannot overwrite it.
   */
  writeMark(): number {
    return this.writeCount;
  }

  private written(guid: string): void {
    this.lastWrite.set(guid, ++this.writeCount);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async applyNow(people: DirectoryPerson[], options: ApplyOptions): Promise<ApplyCounts> {
    const now = this.clock.now();
    const counts: ApplyCounts = { created: 0, updated: 0, unchanged: 0, superseded: 0 };
    const changed: DirectoryPerson[] = [];
    const aliases: { alias: string; guid: string }[] = [];
    const untouched: string[] = [];
    for (const incoming of people) {
      const guid = incoming.guid.toLowerCase();
      if (options.unlessWrittenSince !== undefined && (this.lastWrite.get(guid) ?? -1) > options.unlessWrittenSince) {
        counts.superseded += 1;
        continue;
      }
      const previous = this.index.get(guid);
      const person: DirectoryPerson = { ...incoming, guid, firstSeenAt: previous?.firstSeenAt ?? now, lastSeenAt: now };
      if (previous && sameContent(previous, person)) {
        counts.unchanged += 1;
        untouched.push(person.guid);
        previous.lastSeenAt = now;
        continue;
      }
      if (previous) counts.updated += 1;
      else counts.created += 1;
      const previousKeys = previous ? new Set(aliasKeys(previous)) : new Set<string>();
      for (const alias of aliasKeys(person)) if (!previousKeys.has(alias)) aliases.push({ alias, guid: person.guid });
      changed.push(person);
    }
    await this.repository.savePeople(changed, aliases, now);
    for (const person of changed) {
      this.index.put(person);
      this.written(person.guid);
    }
    for (const guid of untouched) this.written(guid);
    if (options.touch && untouched.length > 0) await this.repository.touch(untouched, now);
    return counts;
  }

  /** Marks people deleted, keeping them (and their names) so their history stays attributed. */
  markDeleted(guids: string[]): Promise<number> {
    return this.serialized(() => this.markDeletedNow(guids));
  }

  private async markDeletedNow(guids: string[]): Promise<number> {
    const now = this.clock.now();
    const hits = guids.map((g) => this.index.get(g)).filter((p): p is DirectoryPerson => p !== undefined && !p.deleted);
    if (hits.length === 0) return 0;
    await this.repository.markDeleted(
      hits.map((p) => p.guid),
      now,
    );
    for (const person of hits) {
      this.index.put({ ...person, deleted: true });
      this.written(person.guid);
    }
    return hits.length;
  }

  /** People of a source that are not deleted, not in `seen`, and (when given) not seen since `before`. */
  missingFrom(source: string, seen: Set<string>, before?: number): string[] {
    const missing: string[] = [];
    for (const person of this.index.all()) {
      if (person.source !== source || person.deleted || seen.has(person.guid)) continue;
      if (before !== undefined && (person.lastSeenAt ?? 0) >= before) continue;
      missing.push(person.guid);
    }
    return missing;
  }

  /** Every not-deleted person of a source. */
  activeOf(source: string): string[] {
    return this.missingFrom(source, new Set());
  }

  count(source?: string): { people: number; deleted: number } {
    let people = 0;
    let deleted = 0;
    for (const person of this.index.all()) {
      if (source && person.source !== source) continue;
      if (person.deleted) deleted += 1;
      else people += 1;
    }
    return { people, deleted };
  }

  groups(): DirectoryGroup[] {
    return this.index.groupList();
  }

  async replaceGroups(groups: DirectoryGroup[]): Promise<void> {
    await this.repository.replaceGroups(groups, this.clock.now());
    this.index.setGroups(groups);
  }
}
