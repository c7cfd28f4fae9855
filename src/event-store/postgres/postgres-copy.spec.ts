import { inlineParameters } from './postgres-copy';

describe('inlineParameters', () => {
  it('writes strings, numbers, booleans, NULL and text arrays in as literals', () => {
    expect(inlineParameters('SELECT $1, $2, $3, $4, $5', ["it's", 42, true, null, ['a', "b'c"]])).toBe(
      "SELECT 'it''s', 42, TRUE, NULL, ARRAY['a', 'b''c']::text[]",
    );
  });

  it('escapes backslashes so they mean themselves', () => {
    // pg's escapeLiteral: an E'' string (after a space) with the backslash doubled.
    expect(inlineParameters('SELECT $1', ['a\\b'])).toBe("SELECT  E'a\\\\b'");
  });

  it('tells $1 from $10 and leaves $n inside quoted literals and identifiers alone', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(inlineParameters(`SELECT $10, $1, '$1 it''s', "$2" FROM t ESCAPE '\\'`, values)).toBe(`SELECT 10, 1, '$1 it''s', "$2" FROM t ESCAPE '\\'`);
  });

  it('refuses what it cannot write safely: objects, non-finite numbers, NUL, missing parameters', () => {
    expect(inlineParameters('SELECT $1', [{ a: 1 }])).toBeUndefined();
    expect(inlineParameters('SELECT $1', [Number.NaN])).toBeUndefined();
    expect(inlineParameters('SELECT $1', ['a\0b'])).toBeUndefined();
    expect(inlineParameters('SELECT $2', ['x'])).toBeUndefined();
    expect(inlineParameters('SELECT $1', [[1, 2]])).toBeUndefined();
  });
});
