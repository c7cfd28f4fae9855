import { dnKey, domainComponents, firstRdnValue } from './distinguished-name';

describe('distinguished names', () => {
  it('gives the same key to the spellings servers return', () => {
    const written = "cn=Zoë O'Brien\\, Jr. (Ops) \\\\ x,ou=People,dc=example,dc=com";
    const returned = "CN=Zo\\C3\\AB O'Brien\\2C Jr. (Ops) \\5C x, OU=people,DC=Example,DC=com";
    expect(dnKey(written)).toBe(dnKey(returned));
  });

  it('tells different entries apart', () => {
    expect(dnKey('uid=a,dc=x')).not.toBe(dnKey('uid=b,dc=x'));
  });

  it('refuses text that is not a DN', () => {
    expect(dnKey('jdoe')).toBeUndefined();
    expect(dnKey('jdoe@example.com')).toBeUndefined();
    expect(dnKey('=x,dc=y')).toBeUndefined();
  });

  it('reads the first RDN value and the domain components', () => {
    expect(firstRdnValue('CN=Jane\\, Doe,CN=Users,DC=corp,DC=example,DC=com')).toBe('Jane, Doe');
    expect(domainComponents('CN=Users,DC=corp,DC=example,DC=com')).toEqual(['corp', 'example', 'com']);
  });
});
