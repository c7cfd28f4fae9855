import { formatQuery, parseQuery, toFilters, withChip, withoutChip } from './query-syntax';

describe("the console's query bar", () => {
  it('reads qualifiers, quoted values and free text', () => {
    const parsed = parseQuery('action:user.login.* target:"Quarterly report" failure:true hello "two words"');
    expect(parsed.chips).toEqual([
      { key: 'action', value: 'user.login.*' },
      { key: 'target', value: 'Quarterly report' },
      { key: 'failure', value: 'true' },
    ]);
    expect(parsed.text).toBe('hello "two words"');
    expect(toFilters(parsed)).toEqual({ action: 'user.login.*', target: 'Quarterly report', failure: 'true', q: 'hello two words' });
  });

  it('keeps unknown qualifiers and URLs as text, and writes back what it read', () => {
    const parsed = parseQuery('https://example.com/x colour:red actor:uid=jdoe,ou=people');
    expect(parsed.chips).toEqual([{ key: 'actor', value: 'uid=jdoe,ou=people' }]);
    expect(parsed.text).toBe('https://example.com/x colour:red');
    expect(parseQuery(formatQuery(parsed))).toEqual(parsed);
  });

  it('turns dates into ISO times read in UTC', () => {
    expect(toFilters(parseQuery('since:2026-11-01 until:2026-11-02T10:30'))).toEqual({ since: '2026-11-01T00:00:00Z', until: '2026-11-02T10:30:00Z' });
  });

  it('adds a chip in place of one with the same qualifier, and removes one by position', () => {
    const parsed = parseQuery('action:a ip:10.0.0.1 text');
    expect(formatQuery(withChip(parsed, { key: 'action', value: 'b c' }))).toBe('ip:10.0.0.1 action:"b c" text');
    expect(formatQuery(withoutChip(parsed, 0))).toBe('ip:10.0.0.1 text');
  });
});
