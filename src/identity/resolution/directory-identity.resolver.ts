import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { CLOCK, Clock } from '../../infrastructure/clock/clock';
import type { DirectoryPerson } from '../directory-person';
import { LdapDirectory } from '../ldap/ldap-directory';
import { LDAP_DIRECTORY } from '../ldap/ldap-directory.provider';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import { GroupGraph, lookupKeys } from '../mirror/identity-index';
import { LDAP_SOURCE } from '../sync/directory-sync.service';
import { IdentityResolution, IdentityResolver, IdentitySource, IdentitySourceProvider, ResolveOptions } from './identity-resolver';

const UNKNOWN: IdentityResolution = { status: 'unknown' };
/** How long after a failed or over-budget lookup the enricher stops waiting for the directory. */
const DEGRADED_MS = 2_000;
const MAX_LOOKUPS_IN_FLIGHT = 256;

/**
 * The default resolver: the in-memory mirror first (no I/O), then a live lookup in the directory
 * and any contributed sources, with one lookup in flight per identifier however many events carry
 * it, misses cached for IDENTITY_MISS_TTL_S, and people found live added to the mirror.
 */
@Injectable()
export class DirectoryIdentityResolver implements IdentityResolver, OnModuleInit {
  private readonly logger = new Logger('IdentityResolver');
  private readonly inFlight = new Map<string, Promise<IdentityResolution>>();
  private readonly misses = new Map<string, number>();
  private sources: IdentitySource[] = [];
  /** Until then a live lookup is known to be slow or failing: misses answer pending at once. */
  private degradedUntil = 0;
  /** A lookup testing whether a degraded directory answers again is in flight. */
  private probing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    private readonly mirror: DirectoryMirror,
    private readonly discovery: DiscoveryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const contributed = this.discovery
      .getProviders({ metadataKey: IdentitySourceProvider.KEY })
      .filter((w) => w.instance && typeof w.instance.lookup === 'function')
      .map((w) => ({ order: this.discovery.getMetadataByDecorator(IdentitySourceProvider, w)?.order ?? 100, source: w.instance as IdentitySource }))
      .sort((a, b) => a.order - b.order)
      .map((s) => s.source);
    const ldap: IdentitySource[] = this.directory ? [this.ldapSource(this.directory)] : [];
    this.sources = [...ldap, ...contributed];
    this.logger.log({ msg: 'identity sources', sources: ['mirror', ...this.sources.map((s) => s.name)] });
  }

  resolveLocal(identifier: string): IdentityResolution | undefined {
    const person = this.mirror.find(identifier);
    if (person) return { status: 'resolved', person };
    const key = this.key(identifier);
    if (key === undefined || this.sources.length === 0) return UNKNOWN;
    const missUntil = this.misses.get(key);
    if (missUntil !== undefined) {
      if (missUntil > this.clock.now()) return UNKNOWN;
      this.misses.delete(key);
    }
    return undefined;
  }

  resolve(identifier: string, options: ResolveOptions = {}): Promise<IdentityResolution> {
    const local = this.resolveLocal(identifier);
    if (local) return Promise.resolve(local);
    const key = this.key(identifier) as string;
    const budget = options.budgetMs;
    let lookup = this.inFlight.get(key);
    if (!lookup) {
      // With a budget (ingestion), a directory known to be down or slow is not asked at all (the
      // pending job asks later), and live lookups are capped so a burst of strangers cannot pile up.
      if (budget !== undefined && (this.clock.now() < this.degradedUntil || this.probing || this.inFlight.size >= MAX_LOOKUPS_IN_FLIGHT)) {
        return Promise.resolve({ status: 'pending', reason: 'directory slow or unavailable' });
      }
      // After a degraded spell, one lookup probes the directory while every other event goes on.
      const probe = this.degradedUntil !== 0;
      if (probe) this.probing = true;
      lookup = this.lookupLive(identifier, key).finally(() => {
        this.inFlight.delete(key);
        if (probe) this.probing = false;
      });
      this.inFlight.set(key, lookup);
    }
    if (budget === undefined) return lookup;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.degradedUntil = this.clock.now() + DEGRADED_MS;
        resolve({ status: 'pending', reason: `directory did not answer within ${budget} ms` });
      }, budget);
      void lookup.then((result) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  membersOf(group: string): string[] {
    return this.mirror.index.membersOf(group);
  }

  /** One key per distinct name: `OTHER\\jdoe` and `jdoe` are looked up (and missed) separately. */
  private key(identifier: string): string | undefined {
    const keys = lookupKeys(identifier, this.mirror.index.netbiosDomain);
    if (keys.length === 0) return undefined;
    const trimmed = identifier.trim();
    return trimmed.includes('\\') && !trimmed.includes('=') ? trimmed.toLowerCase() : keys[0];
  }

  private async lookupLive(identifier: string, key: string): Promise<IdentityResolution> {
    // A sync or a provisioning push that writes this person while the lookup runs holds newer data.
    const mark = this.mirror.writeMark();
    const failures: string[] = [];
    for (const source of this.sources) {
      try {
        const person = await source.lookup(identifier);
        if (person) {
          this.degradedUntil = 0;
          const known = this.mirror.get(person.guid);
          // A live hit joins the mirror so the next event is a memory hit.
          await this.mirror
            .apply([{ ...person, groups: person.groups.length > 0 ? person.groups : (known?.groups ?? []) }], { unlessWrittenSince: mark })
            .catch((error: Error) => this.logger.warn({ msg: 'could not store a looked-up person in the mirror', error: error.message }));
          return { status: 'resolved', person: this.mirror.get(person.guid) ?? person };
        }
      } catch (error) {
        failures.push(`${source.name}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) {
      this.degradedUntil = this.clock.now() + DEGRADED_MS;
      return { status: 'pending', reason: failures.join('; ') };
    }
    this.degradedUntil = 0;
    this.misses.set(key, this.clock.now() + this.config.identity.missTtlMs);
    if (this.misses.size > 100_000) this.misses.delete(this.misses.keys().next().value as string);
    return UNKNOWN;
  }

  private ldapSource(directory: LdapDirectory): IdentitySource {
    const mirror = this.mirror;
    return {
      name: LDAP_SOURCE,
      async lookup(identifier: string): Promise<DirectoryPerson | null> {
        const entry = await directory.lookup(identifier);
        if (!entry) return null;
        const graph = new GroupGraph(mirror.groups());
        const groups = graph.expand(graph.directDns(entry)).map((g) => ({ dn: g.dn, name: g.name }));
        const { memberOf: _memberOf, primaryGroupSid: _primary, changeMarker: _marker, ...person } = entry;
        return { ...person, source: LDAP_SOURCE, groups, deleted: false };
      },
    };
  }
}
