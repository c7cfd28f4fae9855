import type { DirectoryPerson } from '../directory-person';
import { GroupGraph, IdentityIndex, lookupKeys } from './identity-index';

const jane: DirectoryPerson = {
  guid: '0d9b6f2e-1111-4a5b-9c3d-000000000001',
  source: 'ldap',
  username: 'jdoe',
  upn: 'jdoe@corp.example.com',
  email: 'Jane.Doe@Example.com',
  dn: 'CN=Jane Doe,CN=Users,DC=corp,DC=example,DC=com',
  groups: [{ dn: 'CN=inner,CN=Users,DC=corp,DC=example,DC=com', name: 'inner' }],
  disabled: false,
  deleted: false,
};

describe('IdentityIndex', () => {
  it('finds one person by every name, case-insensitively', () => {
    const index = new IdentityIndex();
    index.netbiosDomain = 'CORP';
    index.put(jane);
    for (const name of [
      jane.guid.toUpperCase(),
      'JDOE',
      'corp\\jdoe',
      'jdoe@corp.example.com',
      'jane.doe@example.com',
      'cn=jane doe, cn=users, dc=corp, dc=example, dc=com',
    ]) {
      expect(index.find(name)?.guid).toBe(jane.guid);
    }
  });

  it("does not take another domain's user for ours", () => {
    const index = new IdentityIndex();
    index.netbiosDomain = 'CORP';
    index.put(jane);
    expect(index.find('OTHER\\jdoe')).toBeUndefined();
    expect(lookupKeys('OTHER\\jdoe', 'CORP')).toEqual([]);
  });

  it('keeps former names leading to the person after a rename, current names winning', () => {
    const index = new IdentityIndex();
    index.put(jane);
    index.put({ ...jane, username: 'jsmith', email: 'jane.smith@example.com', dn: 'CN=Jane Smith,CN=Users,DC=corp,DC=example,DC=com' });
    expect(index.find('jdoe')?.username).toBe('jsmith');
    expect(index.find('jsmith')?.guid).toBe(jane.guid);
    const newcomer = { ...jane, guid: '0d9b6f2e-1111-4a5b-9c3d-000000000002', username: 'jdoe', upn: undefined, email: undefined, dn: undefined };
    index.put(newcomer);
    expect(index.find('jdoe')?.guid).toBe(newcomer.guid);
  });

  it('leaves a re-used name with the active person when the former holder is deleted', () => {
    const index = new IdentityIndex();
    const newcomer = { ...jane, guid: '0d9b6f2e-1111-4a5b-9c3d-000000000002', email: undefined, upn: undefined, dn: undefined };
    index.put({ ...jane, username: 'former' });
    index.put(newcomer);
    index.put({ ...jane, deleted: true });
    expect(index.find('jdoe')?.guid).toBe(newcomer.guid);
    expect(index.find(jane.guid)?.deleted).toBe(true);
  });

  it('lists the members of a group by name or DN', () => {
    const index = new IdentityIndex();
    index.put(jane);
    expect(index.membersOf('inner')).toEqual([jane.guid]);
    expect(index.membersOf('cn=INNER,cn=users,dc=corp,dc=example,dc=com')).toEqual([jane.guid]);
    expect(index.membersOf('outer')).toEqual([]);
  });
});

describe('GroupGraph', () => {
  it('closes membership over nesting and survives cycles', () => {
    const graph = new GroupGraph([
      { dn: 'cn=inner,dc=x', name: 'inner', parentDns: ['cn=outer,dc=x'] },
      { dn: 'cn=outer,dc=x', name: 'outer', parentDns: ['cn=top,dc=x'] },
      { dn: 'cn=top,dc=x', name: 'top', parentDns: ['cn=inner,dc=x'] },
    ]);
    expect(
      graph
        .expand(['CN=inner,DC=x'])
        .map((g) => g.name)
        .sort(),
    ).toEqual(['inner', 'outer', 'top']);
  });
});
