import type { LineSqlFunctions } from '../shared/line-sql';

/** Rendering lines in SQLite. */
export const SQLITE_LINE_SQL: LineSqlFunctions = {
  // json_quote escapes as JSON.stringify does: ", \, \b \f \n \r \t, other controls as \u00xx (lower case).
  jsonString: (c) => `CASE WHEN ${c} IS NULL THEN 'null' ELSE json_quote(${c}) END`,
  isoTime: (c) => `strftime('%Y-%m-%dT%H:%M:%S', ${c} / 1000, 'unixepoch') || '.' || printf('%03d', ${c} % 1000) || 'Z'`,
  integerText: (c) => `CAST(${c} AS TEXT)`,
  needsCsvQuotes: (c) => `(instr(${c}, '"') > 0 OR instr(${c}, ',') > 0 OR instr(${c}, char(13)) > 0 OR instr(${c}, char(10)) > 0)`,
  startsLikeFormula: (c) => `substr(${c}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13))`,
  lf: 'char(10)',
  crlf: 'char(13, 10)',
};
