import type { DirectoryPerson } from '../directory-person';
import { PeopleSearch } from './people-search';

const person = (guid: string, parts: Partial<DirectoryPerson>): DirectoryPerson => ({ guid, source: 'ldap', groups: [], disabled: false, deleted: false, ...parts });

describe('people suggestions', () => {
  const search = new PeopleSearch();
  search.put(person('g1', { displayName: 'John Smith', username: 'jsmith', email: 'john.smith@corp.example', dn: 'uid=jsmith,ou=people,dc=corp' }));
  search.put(person('g2', { displayName: 'John Smith', username: 'jsmith2', email: 'j.smith@sales.example' }));
  search.put(person('g3', { displayName: 'Johanna Jones', username: 'jo' }));
  search.put(person('g5', { displayName: 'Joachim Deleted', username: 'jdel', deleted: true }));
  search.put(person('g4', { displayName: 'Ann Lee', username: 'alee', upn: 'alee@corp.example' }));

  const names = (query: string, limit = 10) => search.suggest(query, limit).map((s) => s.person.guid);

  it('matches the start of any name, any word of the display name, case-insensitively', () => {
    expect(names('john sm')).toEqual(['g1', 'g2']);
    expect(names('SMITH')).toEqual(['g1', 'g2']);
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
