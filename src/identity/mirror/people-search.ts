import type { DirectoryPerson } from '../directory-person';

/** Which of a person's names a suggestion matched. */
export type MatchedName = 'display_name' | 'username' | 'email' | 'upn' | 'dn' | 'guid' | 'former_name';

export interface PersonSuggestion {
  person: DirectoryPerson;
  matched: { field: MatchedName; value: string };
}

interface Term {
  /** Lower case, what a query's start is compared with. */
  key: string;
  field: MatchedName;
  /** As the directory spells it. */
  value: string;
}

/** Shortest query that suggests anyone: one letter would match a tenth of the directory. */
export const MIN_SUGGEST_LENGTH = 2;

/** Suggestions rank by the kind of name matched (then alphabetically by it): names people say first. */
const CLASS_OF: Record<MatchedName, number> = { display_name: 0, username: 0, email: 1, upn: 1, dn: 2, guid: 2, former_name: 3 };
const CLASSES = 4;
/** People changed since the sorted snapshot are searched one by one; past this many the snapshot is rebuilt. */
const REBUILD_AFTER_CHANGES = 20_000;
/** ...but not more often than this (a large sync changes people faster than sorting pays). */
const REBUILD_AT_MOST_EVERY_MS = 30_000;

/** One rank class's names, sorted by key, as parallel arrays (compact for 100,000s of people). */
interface SortedNames {
  keys: string[];
  guids: string[];
  terms: Term[];
}

/**
 * Who a typed start of a name could be: every current name of a person (display name and each of
 * its later words, username, email, UPN, DN, GUID) and every former one. The names sit in sorted
 * arrays, one per rank class, so a suggestion is a binary search and a walk over its first few
 * matches, never a scan of the directory; people changed since the arrays were sorted are searched
 * one by one until the next rebuild. Exact names rank first, then display names and usernames, then
 * emails and UPNs, then DNs and GUIDs, then former names, each alphabetically; deleted people last.
 */
export class PeopleSearch {
  private readonly people = new Map<string, DirectoryPerson>();
  private readonly formerOf = new Map<string, Set<string>>();
  private snapshot: SortedNames[] = Array.from({ length: CLASSES }, () => ({ keys: [], guids: [], terms: [] }));
  /** People whose names changed since the snapshot: its entries for them are ignored. */
  private readonly changed = new Set<string>();
  private builtAt = -Infinity;

  /** Adds or replaces a person's current names. */
  put(person: DirectoryPerson): void {
    this.people.set(person.guid, person);
    this.changed.add(person.guid);
  }

  /** A name the person no longer carries (kept lower case, as the alias history stores it). */
  addFormerName(guid: string, key: string): void {
    let names = this.formerOf.get(guid);
    if (!names) this.formerOf.set(guid, (names = new Set()));
    if (names.has(key)) return;
    names.add(key);
    this.changed.add(guid);
  }

  formerNamesOf(guid: string): string[] {
    const person = this.people.get(guid);
    const current = new Set(person ? currentTerms(person).map((t) => t.key) : []);
    return [...(this.formerOf.get(guid) ?? [])].filter((name) => !current.has(name));
  }

  /** Sorts every name now (after the mirror is loaded, so the first suggestion does not wait for it). */
  rebuild(now = Date.now()): void {
    this.snapshot = Array.from({ length: CLASSES }, (_, rank) => this.sortedTerms([...this.people.keys()], rank));
    this.changed.clear();
    this.builtAt = now;
  }

  /**
   * Folds the people changed since the snapshot into it: their old entries dropped, their names
   * sorted on their own and merged in — linear in the directory, never a full sort while serving.
   */
  private refresh(now: number): void {
    const changed = this.changed;
    this.snapshot = this.snapshot.map((old, rank) => {
      const fresh = this.sortedTerms([...changed], rank);
      const merged: SortedNames = { keys: [], guids: [], terms: [] };
      let j = 0;
      for (let i = 0; i < old.keys.length; i++) {
        if (changed.has(old.guids[i])) continue;
        while (j < fresh.keys.length && fresh.keys[j] < old.keys[i]) push(merged, fresh, j++);
        push(merged, old, i);
      }
      while (j < fresh.keys.length) push(merged, fresh, j++);
      return merged;
    });
    this.changed.clear();
    this.builtAt = now;
  }

  /** The names of these people in one rank class, sorted by key. */
  private sortedTerms(guids: string[], rank: number): SortedNames {
    const entries: string[] = [];
    const terms: Term[] = [];
    const owners: string[] = [];
    for (const guid of guids) {
      for (const term of this.termsOf(guid)) {
        if (CLASS_OF[term.field] !== rank) continue;
        // Sorting "key NUL index" strings natively is several times faster than a comparator.
        entries.push(`${term.key}\u0000${terms.length}`);
        terms.push(term);
        owners.push(guid);
      }
    }
    entries.sort();
    const sorted: SortedNames = { keys: new Array(entries.length), guids: new Array(entries.length), terms: new Array(entries.length) };
    entries.forEach((entry, i) => {
      const at = entry.lastIndexOf('\u0000');
      const index = Number(entry.slice(at + 1));
      sorted.keys[i] = entry.slice(0, at);
      sorted.guids[i] = owners[index];
      sorted.terms[i] = terms[index];
    });
    return sorted;
  }

  /** Up to `limit` people one of whose names starts with `query` (case-insensitive), best first. */
  suggest(query: string, limit: number, now = Date.now()): PersonSuggestion[] {
    let wanted = query.trim().toLowerCase().replace(/\s+/g, ' ');
    // `DOMAIN\user`: the user name is what is indexed.
    const backslash = wanted.indexOf('\\');
    if (backslash > 0 && !wanted.includes('=')) wanted = wanted.slice(backslash + 1);
    if (wanted.length < MIN_SUGGEST_LENGTH) return [];
    if (this.changed.size > REBUILD_AFTER_CHANGES && now - this.builtAt >= REBUILD_AT_MOST_EVERY_MS) this.refresh(now);

    // Candidates per rank: 0 exact, 1 + class for prefixes; deleted people after everyone else.
    const best = new Map<string, { rank: number; key: string; term: Term }>();
    const consider = (guid: string, term: Term) => {
      const person = this.people.get(guid);
      if (!person) return;
      const rank = (term.key === wanted ? 0 : 1 + CLASS_OF[term.field]) + (person.deleted ? 10 : 0);
      const seen = best.get(guid);
      if (!seen || rank < seen.rank || (rank === seen.rank && term.key < seen.key)) best.set(guid, { rank, key: term.key, term });
    };
    for (const guid of this.changed) for (const term of this.termsOf(guid)) if (term.key.startsWith(wanted)) consider(guid, term);
    // Each class is walked from its first match until it has given enough people who are not deleted
    // (exact names sort first in their class, so they are always met).
    for (const names of this.snapshot) {
      let active = 0;
      const taken = new Set<string>();
      for (let i = lowerBound(names.keys, wanted); i < names.keys.length && names.keys[i].startsWith(wanted); i++) {
        const guid = names.guids[i];
        if (this.changed.has(guid)) continue;
        consider(guid, names.terms[i]);
        if (!taken.has(guid)) {
          taken.add(guid);
          if (this.people.get(guid)?.deleted === false && names.keys[i] !== wanted && ++active >= limit) break;
        }
      }
    }
    // Equal names (every Smith matches "smi" by the same word) are ordered by the person's full name.
    const order = (guid: string) => sortName(this.people.get(guid) as DirectoryPerson);
    return [...best.entries()]
      .sort(([ga, a], [gb, b]) => a.rank - b.rank || compareText(a.key, b.key) || compareText(order(ga), order(gb)) || compareText(ga, gb))
      .slice(0, limit)
      .map(([guid, { term }]) => ({ person: this.people.get(guid) as DirectoryPerson, matched: { field: term.field, value: term.value } }));
  }

  private termsOf(guid: string): Term[] {
    const person = this.people.get(guid);
    if (!person) return [];
    const terms = currentTerms(person);
    const current = new Set(terms.map((t) => t.key));
    for (const name of this.formerOf.get(guid) ?? []) if (!current.has(name)) terms.push({ key: name, field: 'former_name', value: name });
    return terms.filter((t) => t.key.length >= MIN_SUGGEST_LENGTH);
  }
}

function currentTerms(person: DirectoryPerson): Term[] {
  const terms: Term[] = [];
  const add = (field: MatchedName, value: string | undefined, key = value?.toLowerCase()) => {
    if (value && key) terms.push({ key, field, value });
  };
  if (person.displayName) {
    const name = person.displayName.replace(/\s+/g, ' ').trim();
    add('display_name', name);
    // Each later word too: "Smith" finds John Smith.
    const words = name.split(' ');
    for (let i = 1; i < words.length; i++) add('display_name', name, words.slice(i).join(' ').toLowerCase());
  }
  add('username', person.username);
  add('email', person.email);
  add('upn', person.upn);
  add('dn', person.dn);
  add('guid', person.guid);
  return terms;
}

function sortName(person: DirectoryPerson): string {
  return (person.displayName ?? person.username ?? person.email ?? person.guid).toLowerCase();
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function push(into: SortedNames, from: SortedNames, i: number): void {
  into.keys.push(from.keys[i]);
  into.guids.push(from.guids[i]);
  into.terms.push(from.terms[i]);
}

/** The first index whose key is not below `wanted`. */
function lowerBound(keys: string[], wanted: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] < wanted) low = mid + 1;
    else high = mid;
  }
  return low;
}
