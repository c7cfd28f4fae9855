import type { LineSqlFunctions } from '../shared/line-sql';

/** Rendering lines in PostgreSQL. */
export const POSTGRES_LINE_SQL: LineSqlFunctions = {
  // to_json escapes as JSON.stringify does: ", \, \b \f \n \r \t, other controls as \u00xx (lower case).
  jsonString: (c) => `COALESCE(to_json(${c})::text, 'null')`,
  // Whole seconds through to_timestamp (exact for integers), the milliseconds as digits.
  isoTime: (c) => `to_char(to_timestamp(${c} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad((${c} % 1000)::text, 3, '0') || 'Z'`,
  integerText: (c) => `${c}::text`,
  needsCsvQuotes: (c) => `${c} ~ E'[",\\r\\n]'`,
  startsLikeFormula: (c) => `left(${c}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r')`,
  lf: `E'\\n'`,
  crlf: `E'\\r\\n'`,
};
