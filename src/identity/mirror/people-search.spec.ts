import type { DirectoryPerson } from '../directory-person';
import { PeopleSearch } from './people-search';

const person = (guid: string, parts: Partial<DirectoryPerson>): DirectoryPerson => ({
  guid,
  source: 'ldap',
  groups: [],
  disabled: false,
  deleted: false,
  ...parts,
});

describe.each([
  ['freshly changed (searched one by one)', false],
  ['sorted (after a rebuild)', true],
])('people suggestions, %s', (_mode, sorted) => {
  const search = new PeopleSearch();
  search.put(person('g1', { displayName: 'John Smith', username: 'jsmith', email: 'john.smith@corp.example', dn: 'uid=jsmith,ou=people,dc=corp' }));
  search.put(person('g2', { displayName: 'John Smith', username: 'jsmith2', email: 'j.smith@sales.example' }));
  search.put(person('g3', { displayName: 'Johanna Jones', username: 'jo' }));
  search.put(person('g5', { displayName: 'Joachim Deleted', username: 'jdel', deleted: true }));
  search.put(person('g4', { displayName: 'Ann Lee', username: 'alee', upn: 'alee@corp.example' }));
  if (sorted) search.rebuild();

  const names = (query: string, limit = 10) => search.suggest(query, limit).map((s) => s.person.guid);

  it('matches the start of any name, any word of the display name, case-insensitively', () => {
    expect(names('john sm')).toEqual(['g1', 'g2']);
    expect(names('SMITH')).toEqual(['g1', 'g2']);
    // One shared word: ordered by the whole name.
    expect(names('lee')).toEqual(['g4']);
    expect(names('j.smith@')).toEqual(['g2']);
    expect(names('alee@corp')).toEqual(['g4']);
    expect(names('uid=jsmith,')).toEqual(['g1']);
    expect(names('CORP\\jsmith2')).toEqual(['g2']);
  });

  it('ranks an exact name first and deleted people last, and keeps only the best `limit`', () => {
    expect(names('jo')).toEqual(['g3', 'g1', 'g2', 'g5']);
    expect(names('joh')).toEqual(['g3', 'g1', 'g2']);
    expect(names('joh', 2)).toEqual(['g3', 'g1']);
    expect(search.suggest('jsmith', 10)[0]).toMatchObject({ person: { guid: 'g1' }, matched: { field: 'username', value: 'jsmith' } });
  });

  it('needs two characters', () => {
    expect(names('j')).toEqual([]);
    expect(names('  ')).toEqual([]);
  });

  it('follows a rename: the new name matches, the old one as a former name, and an update leaves no stale entry', () => {
    const renaming = new PeopleSearch();
    renaming.put(person('r1', { displayName: 'Rita Hayes', username: 'rita' }));
    if (sorted) renaming.rebuild();
    renaming.put(person('r1', { displayName: 'Rita Wilson', username: 'rwilson' }));
    renaming.addFormerName('r1', 'rita');
    expect(renaming.suggest('wilson', 5).map((s) => s.person.displayName)).toEqual(['Rita Wilson']);
    expect(renaming.suggest('hayes', 5)).toEqual([]);
    // Typed in full, the former name is what matched, and the suggestion says so.
    expect(renaming.suggest('rita', 5)[0].matched).toEqual({ field: 'former_name', value: 'rita' });
    expect(renaming.suggest('rita ', 5)).toHaveLength(1);
    expect(renaming.formerNamesOf('r1')).toEqual(['rita']);
    const formerOnly = new PeopleSearch();
    formerOnly.put(person('x', { username: 'newname' }));
    formerOnly.addFormerName('x', 'oldname');
    expect(formerOnly.suggest('oldn', 5)[0].matched).toEqual({ field: 'former_name', value: 'oldname' });
  });
});

describe('people suggestions among many', () => {
  it('walks only the first matches of a sorted index, and rebuilds it once enough people changed', () => {
    const search = new PeopleSearch();
    for (let i = 0; i < 20_000; i++) search.put(person(`p${i}`, { displayName: `Person ${i}`, username: `p${i}`, email: `person${i}@corp.example` }));
    search.rebuild(0);
    expect(search.suggest('person 1', 3, 1).map((s) => s.matched.value)).toEqual(['Person 1', 'Person 10', 'Person 100']);
    expect(search.suggest('person1@', 3, 1).map((s) => s.matched.value)).toEqual(['person1@corp.example']);
    // A change is seen at once, before any rebuild.
    search.put(person('p5', { displayName: 'Renamed Five', username: 'p5', email: 'person5@corp.example' }));
    expect(search.suggest('renamed', 3, 2).map((s) => s.person.guid)).toEqual(['p5']);
    expect(search.suggest('person 5', 50, 3).map((s) => s.person.guid)).not.toContain('p5');
    for (let i = 0; i < 25_000; i++) search.put(person(`q${i}`, { displayName: `Quinn ${i}` }));
    expect(search.suggest('quinn 2499', 20, 40_000).map((s) => s.matched.value)).toEqual([
      'Quinn 2499',
      'Quinn 24990',
      'Quinn 24991',
      'Quinn 24992',
      'Quinn 24993',
      'Quinn 24994',
      'Quinn 24995',
      'Quinn 24996',
      'Quinn 24997',
      'Quinn 24998',
      'Quinn 24999',
    ]);
  });
});
