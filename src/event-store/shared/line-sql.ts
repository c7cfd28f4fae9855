import type { LineFormat, LineValue } from '../event-search-dialect';

/** The last millisecond `toISOString` writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/** What differs per database in rendering a line: each takes and returns an SQL expression. */
export interface LineSqlFunctions {
  /** A string as JSON text, exactly as JSON.stringify writes it; 'null' for NULL. */
  jsonString(c: string): string;
  /** Epoch milliseconds (0 to the end of year 9999) as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
  isoTime(c: string): string;
  /** An integer as decimal text. */
  integerText(c: string): string;
  /** True when the text holds a double quote, a comma, CR or LF. */
  needsCsvQuotes(c: string): string;
  /** The text's first character is one a spreadsheet reads as a formula (=, +, -, @, tab, CR). */
  startsLikeFormula(c: string): string;
  /** String literals for LF and CRLF. */
  readonly lf: string;
  readonly crlf: string;
}

/** A column of the row being rendered (the reader's query, as a subquery `r`, names its columns e_<column>). */
const col = (name: string) => {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a column: ${name}`);
  return `r.e_${name}`;
};

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Compiles a line format to SQL: the SELECT that renders each row of `sql` (the reader's query)
 * as a line — `line`, NULL where a time falls outside what is rendered in SQL — with its `id` and
 * `seq`, newest first. The bytes are those of query/audit-event.view.ts and query/export/csv.ts;
 * test/export-lines.e2e-spec.ts compares them on every database.
 */
export function renderedLinesSql(sql: string, format: LineFormat, f: LineSqlFunctions): string {
  const unlessNull = (value: LineValue, rendered: string, empty: string) =>
    value.unless === undefined ? rendered : `CASE WHEN ${col(value.unless)} IS NULL THEN ${empty} ELSE ${rendered} END`;
  const jsonValue = (value: LineValue): string => unlessNull(value, jsonScalar(value), "'null'");
  const jsonScalar = (value: LineValue): string => {
    if ('text' in value) return f.jsonString(col(value.text));
    if ('integer' in value) return `COALESCE(${f.integerText(col(value.integer))}, 'null')`;
    if ('boolean' in value) return `CASE WHEN ${col(value.boolean)} THEN 'true' ELSE 'false' END`;
    if ('json' in value) return `COALESCE(${col(value.json)}, 'null')`;
    if ('time' in value) return `'"' || ${f.isoTime(col(value.time))} || '"'`;
    return jsonObject(value.object);
  };
  // concat() builds its result once; a chain of || copies the growing line at every step.
  const jsonObject = (entries: [string, LineValue][]): string =>
    `concat(${entries.map(([key, value], i) => `${quoted(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`)}, ${jsonValue(value)}`).join(', ')}, '}')`;
  const csvText = (c: string) => {
    const guarded = `(CASE WHEN ${f.startsLikeFormula(c)} THEN '''' || ${c} ELSE ${c} END)`;
    return `CASE WHEN ${c} IS NULL THEN '' WHEN ${f.needsCsvQuotes(guarded)} THEN '"' || replace(${guarded}, '"', '""') || '"' ELSE ${guarded} END`;
  };
  const csvValue = (value: LineValue): string => unlessNull(value, csvScalar(value), "''");
  const csvScalar = (value: LineValue): string => {
    if ('text' in value) return csvText(col(value.text));
    if ('integer' in value) return `COALESCE(${f.integerText(col(value.integer))}, '')`;
    if ('boolean' in value) return `CASE WHEN ${col(value.boolean)} THEN 'true' ELSE 'false' END`;
    if ('json' in value) return csvText(col(value.json));
    if ('time' in value) return f.isoTime(col(value.time));
    throw new Error('a CSV cell cannot be an object');
  };
  const times = (values: LineValue[]): string[] =>
    values.flatMap((v) => ('time' in v ? [v.time] : 'object' in v ? times(v.object.map(([, inner]) => inner)) : []));

  const values = 'ndjson' in format ? format.ndjson.map(([, v]) => v) : format.csv;
  const line = 'ndjson' in format ? `concat(${jsonObject(format.ndjson)}, ${f.lf})` : `concat(${format.csv.map(csvValue).join(", ',', ")}, ${f.crlf})`;
  const renderable = [...new Set(times(values))].map((c) => `${col(c)} BETWEEN 0 AND ${LAST_FOUR_DIGIT_YEAR_MS}`);
  const guarded = renderable.length > 0 ? `CASE WHEN ${renderable.join(' AND ')} THEN ${line} END` : line;
  return `SELECT ${guarded} AS line, r.e_id AS id, r.e_seq AS seq FROM (${sql}) r ORDER BY r.e_seq DESC`;
}
