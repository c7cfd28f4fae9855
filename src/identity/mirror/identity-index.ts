import type { DirectoryGroup, DirectoryPerson } from '../directory-person';
import { dnKey, firstRdnValue } from '../ldap/distinguished-name';
import { isGuidString } from '../ldap/object-guid';
import { PeopleSearch } from './people-search';

/** The names a person is known by, as lookup keys (lower case; DNs canonical). */
export function aliasKeys(person: Pick<DirectoryPerson, 'guid' | 'username' | 'upn' | 'email' | 'dn'>): string[] {
  const keys = [person.guid.toLowerCase()];
  for (const name of [person.username, person.upn, person.email]) if (name) keys.push(name.toLowerCase());
  const dn = person.dn ? dnKey(person.dn) : undefined;
  if (dn) keys.push(dn);
  return [...new Set(keys)];
}

/**
 * The key(s) an identifier is looked up by: a GUID or name lower-cased, a DN canonical,
 * `DOMAIN\user` as the user name (when the domain is ours or unknown).
 */
export function lookupKeys(identifier: string, netbiosDomain?: string): string[] {
  const trimmed = identifier.trim();
  if (trimmed === '') return [];
  if (isGuidString(trimmed)) return [trimmed.toLowerCase()];
  const backslash = trimmed.indexOf('\\');
  if (backslash > 0 && !trimmed.includes('=')) {
    const domain = trimmed.slice(0, backslash);
    if (netbiosDomain && domain.toLowerCase() !== netbiosDomain.toLowerCase()) return [];
    return [trimmed.slice(backslash + 1).toLowerCase()];
  }
  const dn = trimmed.includes('=') ? dnKey(trimmed) : undefined;
  return dn ? [dn, trimmed.toLowerCase()] : [trimmed.toLowerCase()];
}

/**
 * The in-memory view of the mirror that the enricher reads on every event: person by GUID, GUID
 * by any current name, and by former names (renames keep the GUID, so an old name still leads to
 * the person). Current names win over former ones.
 */
export class IdentityIndex {
  private readonly people = new Map<string, DirectoryPerson>();
  private readonly current = new Map<string, string>();
  private readonly former = new Map<string, string>();
  private readonly groups = new Map<string, DirectoryGroup>();
  /** Who a typed start of a name could be (the console's person picker). */
  readonly search = new PeopleSearch();
  /** NetBIOS domain of the directory, when known. */
  netbiosDomain?: string;

  get size(): number {
    return this.people.size;
  }

  get(guid: string): DirectoryPerson | undefined {
    return this.people.get(guid.toLowerCase());
  }

  all(): IterableIterator<DirectoryPerson> {
    return this.people.values();
  }

  find(identifier: string): DirectoryPerson | undefined {
    for (const key of lookupKeys(identifier, this.netbiosDomain)) {
      const guid = this.current.get(key) ?? this.former.get(key);
      if (guid) return this.people.get(guid);
    }
    return undefined;
  }

  /** Adds or replaces a person; the names they no longer carry become former names. */
  put(person: DirectoryPerson): void {
    const previous = this.people.get(person.guid);
    const keys = aliasKeys(person);
    if (previous) {
      for (const key of aliasKeys(previous)) {
        if (!keys.includes(key) && this.current.get(key) === person.guid) {
          this.current.delete(key);
          this.former.set(key, person.guid);
          this.search.addFormerName(person.guid, key);
        }
      }
    }
    this.people.set(person.guid, person);
    this.search.put(person);
    for (const key of keys) {
      const holder = this.current.get(key);
      // A deleted person's names stay with whoever active holds them now (a re-used username).
      if (person.deleted && holder && holder !== person.guid && this.people.get(holder)?.deleted === false) {
        this.former.set(key, person.guid);
        continue;
      }
      this.current.set(key, person.guid);
    }
  }

  /** Records a former name (loaded from the alias history). */
  putFormerName(key: string, guid: string): void {
    if (this.current.get(key) !== guid) this.former.set(key, guid);
    this.search.addFormerName(guid, key);
  }

  setGroups(groups: Iterable<DirectoryGroup>): void {
    this.groups.clear();
    for (const group of groups) this.groups.set(dnKey(group.dn) ?? group.dn.toLowerCase(), group);
  }

  groupList(): DirectoryGroup[] {
    return [...this.groups.values()];
  }

  /** The group a name or DN denotes. */
  findGroup(nameOrDn: string): DirectoryGroup | undefined {
    const dn = nameOrDn.includes('=') ? dnKey(nameOrDn) : undefined;
    if (dn && this.groups.has(dn)) return this.groups.get(dn);
    const name = nameOrDn.toLowerCase();
    for (const group of this.groups.values()) if (group.name.toLowerCase() === name) return group;
    return undefined;
  }

  /** GUIDs of everyone in the group, nested membership included (a person's groups are already closed). */
  membersOf(nameOrDn: string): string[] {
    const group = this.findGroup(nameOrDn);
    const wantDn = group ? dnKey(group.dn) : nameOrDn.includes('=') ? dnKey(nameOrDn) : undefined;
    const wantName = group ? undefined : nameOrDn.toLowerCase();
    const members: string[] = [];
    for (const person of this.people.values()) {
      const hit = person.groups.some((g) => (wantDn ? dnKey(g.dn) === wantDn : g.name.toLowerCase() === wantName));
      if (hit) members.push(person.guid);
    }
    return members;
  }
}

/**
 * Closes direct memberships over the group graph: a person in `inner`, where `inner` is a member
 * of `outer`, is in both. Cycles (which AD allows) are cut.
 */
export class GroupGraph {
  private readonly byKey = new Map<string, DirectoryGroup>();
  private readonly bySid = new Map<string, string>();
  private readonly closure = new Map<string, DirectoryGroup[]>();

  constructor(groups: Iterable<DirectoryGroup>) {
    for (const group of groups) {
      this.byKey.set(dnKey(group.dn) ?? group.dn.toLowerCase(), group);
      if (group.sid) this.bySid.set(group.sid, group.dn);
    }
  }

  /** The DNs of the groups a person is directly in: those it names, and its AD primary group. */
  directDns(person: { memberOf: string[]; primaryGroupSid?: string }): string[] {
    const primary = person.primaryGroupSid === undefined ? undefined : this.bySid.get(person.primaryGroupSid);
    return primary === undefined ? person.memberOf : [...person.memberOf, primary];
  }

  /** The groups reached from these direct group DNs, each once, direct ones first. */
  expand(directDns: Iterable<string>): DirectoryGroup[] {
    const seen = new Map<string, DirectoryGroup>();
    for (const dn of directDns) {
      const key = dnKey(dn) ?? dn.toLowerCase();
      for (const group of this.ancestorsOf(key, dn)) seen.set(dnKey(group.dn) ?? group.dn, group);
    }
    return [...seen.values()];
  }

  private ancestorsOf(key: string, dn: string): DirectoryGroup[] {
    const cached = this.closure.get(key);
    if (cached) return cached;
    const result = new Map<string, DirectoryGroup>();
    const stack = [key];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      if (result.has(current)) continue;
      const group = this.byKey.get(current) ?? (current === key ? { dn, name: firstRdnValue(dn) ?? dn, parentDns: [] } : undefined);
      if (!group) continue;
      result.set(current, group);
      for (const parent of group.parentDns) stack.push(dnKey(parent) ?? parent.toLowerCase());
    }
    const list = [...result.values()];
    this.closure.set(key, list);
    return list;
  }
}
