import { escapeLiteral } from 'pg';

/**
 * The query with its `$n` parameters written in as literals (COPY takes none), or undefined when a
 * value is not one that can be written safely: strings through pg's escapeLiteral, finite numbers,
 * booleans, NULL and arrays of those. A `$n` inside a quoted literal or identifier is left alone.
 */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string | undefined {
  const literal = (value: unknown): string | undefined => {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'string') return value.includes('\0') ? undefined : escapeLiteral(value);
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (Array.isArray(value)) {
      const items = value.map(literal);
      if (items.some((item) => item === undefined)) return undefined;
      return value.every((item) => typeof item === 'string') ? `ARRAY[${items.join(', ')}]::text[]` : undefined;
    }
    return undefined;
  };
  let out = '';
  let failed = false;
  for (let i = 0; i < sql.length;) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // A quoted literal or identifier runs to its closing quote (a doubled quote stays inside).
      let end = i + 1;
      for (; end < sql.length; end++) {
        if (sql[end] === c) {
          if (sql[end + 1] === c) end++;
          else break;
        }
      }
      out += sql.slice(i, end + 1);
      i = end + 1;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let end = i + 1;
      while (end < sql.length && /[0-9]/.test(sql[end])) end++;
      const value = literal(parameters[Number(sql.slice(i + 1, end)) - 1]);
      if (value === undefined || Number(sql.slice(i + 1, end)) > parameters.length) failed = true;
      out += value ?? '';
      i = end;
    } else {
      out += c;
      i += 1;
    }
  }
  return failed ? undefined : out;
}
