import { tokenDigest, tokenFromHeader, tokenMatches } from './token-header';

describe('tokenFromHeader', () => {
  it.each([
    ['Bearer abc123', 'abc123'],
    ['bearer abc123', 'abc123'],
    ['token=abc123', 'abc123'],
    ['Token token=abc123', 'abc123'],
    ['Token token="abc123"', 'abc123'],
  ])('reads %s', (header, token) => expect(tokenFromHeader(header)).toBe(token));

  it.each([[undefined], [''], ['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a b']])('finds no token in %p', (header) => {
    expect(tokenFromHeader(header)).toBeUndefined();
  });
});

describe('tokenMatches', () => {
  it('matches only the token whose digest is stored', () => {
    const digest = tokenDigest('secret-token');
    expect(tokenMatches('secret-token', digest)).toBe(true);
    expect(tokenMatches('secret-tokeN', digest)).toBe(false);
    expect(tokenMatches('', digest)).toBe(false);
  });
});
