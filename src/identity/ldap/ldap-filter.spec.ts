import { FilterParser } from 'ldapts';
import { escapeFilterValue, renderUserFilter } from './ldap-filter';

describe('LDAP filter escaping (RFC 4515)', () => {
  it('escapes *, (, ), \\ and NUL', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0')).toBe('a\\2ab\\28c\\29d\\5ce\\00');
  });

  it('keeps an injection attempt a single literal value', () => {
    const filter = renderUserFilter('(&(objectClass=person)(uid={id}))', 'jdoe)(mail=*');
    expect(filter).toBe('(&(objectClass=person)(uid=jdoe\\29\\28mail=\\2a))');
    const parsed = FilterParser.parseString(filter);
    expect(parsed.toString()).not.toContain('(mail=*)');
  });

  it('makes a lone * an equality match, not a presence test', () => {
    const parsed = FilterParser.parseString(renderUserFilter('(uid={id})', '*'));
    expect(parsed.constructor.name).toBe('EqualityFilter');
  });

  it('leaves non-ASCII as text for the client to encode', () => {
    expect(escapeFilterValue('Zoë 測試')).toBe('Zoë 測試');
  });

  it('fills every {id}', () => {
    expect(renderUserFilter('(|(uid={id})(mail={id}))', 'x')).toBe('(|(uid=x)(mail=x))');
  });
});
