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

const RANK: Record<MatchedName, number> = { display_name: 1, username: 1, email: 2, upn: 2, dn: 3, guid: 3, former_name: 4 };

/**
 * Who a typed start of a name could be: every current name of a person (display name and each of
 * its words, username, email, UPN, DN, GUID) and every former one, kept in buckets by their first
 * two letters, so a suggestion reads one bucket, never the whole directory, and a change to one
 * person touches only that person's entries. Exact names rank first, then display names and
 * usernames, then other names, then former ones; deleted people after active ones.
 */
export class PeopleSearch {
  private readonly buckets = new Map<string, Map<string, Term[]>>();
  private readonly termsOf = new Map<string, Term[]>();
  private readonly people = new Map<string, DirectoryPerson>();
  private readonly formerOf = new Map<string, Set<string>>();

  /** Adds or replaces a person's current names. */
  put(person: DirectoryPerson): void {
    this.people.set(person.guid, person);
    this.index(person.guid);
  }

  /** A name the person no longer carries (kept lower case, as the alias history stores it). */
  addFormerName(guid: string, key: string): void {
    let names = this.formerOf.get(guid);
    if (!names) this.formerOf.set(guid, (names = new Set()));
    if (names.has(key)) return;
    names.add(key);
    if (this.people.has(guid)) this.index(guid);
  }

  formerNamesOf(guid: string): string[] {
    const person = this.people.get(guid);
    const current = new Set(person ? currentTerms(person).map((t) => t.key) : []);
    return [...(this.formerOf.get(guid) ?? [])].filter((name) => !current.has(name));
  }

  /** Up to `limit` people one of whose names starts with `query` (case-insensitive), best first. */
  suggest(query: string, limit: number): PersonSuggestion[] {
    let wanted = query.trim().toLowerCase().replace(/\s+/g, ' ');
    // `DOMAIN\user`: the user name is what is indexed.
    const backslash = wanted.indexOf('\\');
    if (backslash > 0 && !wanted.includes('=')) wanted = wanted.slice(backslash + 1);
    if (wanted.length < MIN_SUGGEST_LENGTH) return [];
    const bucket = this.buckets.get(wanted.slice(0, 2));
    if (!bucket) return [];
    const best: { suggestion: PersonSuggestion; rank: number; sortName: string }[] = [];
    for (const [guid, terms] of bucket) {
      let hit: Term | undefined;
      let rank = Infinity;
      for (const term of terms) {
        if (!term.key.startsWith(wanted)) continue;
        const termRank = term.key === wanted ? 0 : RANK[term.field];
        if (termRank < rank) [hit, rank] = [term, termRank];
      }
      if (!hit) continue;
      const person = this.people.get(guid) as DirectoryPerson;
      const candidate = { suggestion: { person, matched: { field: hit.field, value: hit.value } }, rank: rank + (person.deleted ? 10 : 0), sortName: sortName(person) };
      // Keep the best `limit` without sorting every match (a short query matches thousands).
      if (best.length === limit && compare(candidate, best[limit - 1]) >= 0) continue;
      let at = best.length;
      while (at > 0 && compare(candidate, best[at - 1]) < 0) at--;
      best.splice(at, 0, candidate);
      if (best.length > limit) best.pop();
    }
    return best.map((b) => b.suggestion);
  }

  private index(guid: string): void {
    for (const term of this.termsOf.get(guid) ?? []) this.buckets.get(term.key.slice(0, 2))?.delete(guid);
    const person = this.people.get(guid) as DirectoryPerson;
    const terms = currentTerms(person);
    const current = new Set(terms.map((t) => t.key));
    for (const name of this.formerOf.get(guid) ?? []) if (!current.has(name)) terms.push({ key: name, field: 'former_name', value: name });
    this.termsOf.set(guid, terms);
    for (const term of terms) {
      if (term.key.length < MIN_SUGGEST_LENGTH) continue;
      const prefix = term.key.slice(0, 2);
      let bucket = this.buckets.get(prefix);
      if (!bucket) this.buckets.set(prefix, (bucket = new Map()));
      const listed = bucket.get(guid);
      if (listed) listed.push(term);
      else bucket.set(guid, [term]);
    }
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

function compare(a: { rank: number; sortName: string; suggestion: PersonSuggestion }, b: { rank: number; sortName: string; suggestion: PersonSuggestion }): number {
  return a.rank - b.rank || (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0) || (a.suggestion.person.guid < b.suggestion.person.guid ? -1 : 1);
}
