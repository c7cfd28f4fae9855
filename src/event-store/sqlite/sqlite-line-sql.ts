import type { LineFormat, LineValue } from '../event-search-dialect';

/** The last millisecond `toISOString` writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/** SQLite's pieces of a line; each takes and returns an SQL expression. */
const f = {
  // json_quote escapes as JSON.stringify does: ", \, \b \f \n \r \t, other controls as \u00xx (lower case).
  jsonString: (c: string) => `CASE WHEN ${c} IS NULL THEN 'null' ELSE json_quote(${c}) END`,
  isoTime: (c: string) => `strftime('%Y-%m-%dT%H:%M:%S', ${c} / 1000, 'unixepoch') || '.' || printf('%03d', ${c} % 1000) || 'Z'`,
  integerText: (c: string) => `CAST(${c} AS TEXT)`,
  // A GLOB of '*' and one ASCII character is a strcspn(); with a character class it matches the class
  // at every position (four literal GLOBs, tested in turn, measured 10 % faster than one class).
  needsCsvQuotes: (c: string) => `(${c} GLOB '*"*' OR ${c} GLOB '*,*' OR ${c} GLOB '*\n*' OR ${c} GLOB '*\r*')`,
  hasComma: (c: string) => `${c} GLOB '*,*'`,
  /** Any of " CR LF in the text. */
  hasQuoteOrBreak: (c: string) => `(${c} GLOB '*"*' OR ${c} GLOB '*\n*' OR ${c} GLOB '*\r*')`,
  // Every formula start (tab 9, CR 13, + 43, - 45, = 61, @ 64) sorts below 'A', and below '0' or from
  // '=' on, so most cells are told apart by comparisons, without a call: one for a letter or anything
  // non-ASCII, three for a digit.
  startsLikeFormula: (c: string) => `${c} < 'A' AND (${c} < '0' OR ${c} >= '=') AND ${c} GLOB '[=+@\t\r-]*'`,
  lf: 'char(10)',
  crlf: 'char(13, 10)',
};

/** A column of the row being rendered (the reader's query, as a subquery `r`, names its columns e_<column>). */
const col = (name: string) => {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a column: ${name}`);
  return `r.e_${name}`;
};

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Compiles a line format to SQLite's SQL: the SELECT that renders each row of `sql` (the reader's query)
 * as a line — `line`, NULL where a time falls outside what is rendered in SQL — with its `id` and
 * `seq`, newest first. The bytes are those of query/audit-event.view.ts and query/export/csv.ts;
 * test/export-lines.e2e-spec.ts compares them with the row-by-row path. (PostgreSQL reads rows
 * through COPY instead: rendering lines in its SQL measured slower.)
 */
export function renderedLinesSql(sql: string, format: LineFormat): string {
  return linesSql(sql, format, false);
}

/**
 * The same lines as one value per row, for a statement read with `pluck`: the line, or for a row
 * not rendered here NUL and its id (no line starts with NUL: it is refused at the door). One value
 * instead of three per row measured 5–10 % faster.
 */
export function markedLinesSql(sql: string, format: LineFormat): string {
  return linesSql(sql, format, true);
}

function linesSql(sql: string, format: LineFormat, marked: boolean): string {
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
  // The apostrophe adds no character that needs quotes, so the quote test reads the value itself (once).
  const csvText = (c: string) => {
    const formula = f.startsLikeFormula(c);
    return `CASE WHEN ${c} IS NULL THEN '' WHEN ${f.needsCsvQuotes(c)} THEN '"' || CASE WHEN ${formula} THEN '''' ELSE '' END || replace(${c}, '"', '""') || '"' WHEN ${formula} THEN '''' || ${c} ELSE ${c} END`;
  };
  // In a row whose text cells hold no " CR or LF, a cell needs quotes only for a comma, and has no
  // quote to double. (A NULL cell falls through to itself: concat() takes NULL as ''.)
  const csvPlainText = (c: string) => {
    const formula = f.startsLikeFormula(c);
    return `CASE WHEN ${f.hasComma(c)} THEN '"' || CASE WHEN ${formula} THEN '''' ELSE '' END || ${c} || '"' WHEN ${formula} THEN '''' || ${c} ELSE ${c} END`;
  };
  // ...and a cell of a row whose seldom-comma cells were found to hold none, needs at most the apostrophe.
  const csvFormulaOnly = (c: string) => `CASE WHEN ${f.startsLikeFormula(c)} THEN '''' || ${c} ELSE ${c} END`;
  /** How a row's text cells are rendered: `quoted` each tested for every character, `plain` for a comma, `often` only those that often hold one. */
  type CsvRow = 'quoted' | 'plain' | 'often';
  const csvValue = (value: LineValue, row: CsvRow): string => unlessNull(value, csvScalar(value, row), "''");
  const csvScalar = (value: LineValue, row: CsvRow): string => {
    if ('text' in value) {
      if (row === 'quoted') return csvText(col(value.text));
      return (row === 'often' && value.commas !== 'often' ? csvFormulaOnly : csvPlainText)(col(value.text));
    }
    if ('integer' in value) return `COALESCE(${f.integerText(col(value.integer))}, '')`;
    if ('boolean' in value) return `CASE WHEN ${col(value.boolean)} THEN 'true' ELSE 'false' END`;
    if ('json' in value) return csvText(col(value.json));
    if ('time' in value) return f.isoTime(col(value.time));
    throw new Error('a CSV cell cannot be an object');
  };
  const times = (values: LineValue[]): string[] =>
    values.flatMap((v) => ('time' in v ? [v.time] : 'object' in v ? times(v.object.map(([, inner]) => inner)) : []));

  const values = 'ndjson' in format ? format.ndjson.map(([, v]) => v) : format.csv;
  let line: string;
  let from = `(${sql}) r`;
  if ('ndjson' in format) line = `concat(${jsonObject(format.ndjson)}, ${f.lf})`;
  else {
    // Per row, first the text cells' " CR LF are looked for at once, in their concatenation (r.e__text),
    // then commas in the concatenation of the cells that seldom hold one (r.e__seldom). Most rows have
    // neither: only the cells that often hold a comma are then tested for one, each on its own.
    const csvLine = (row: CsvRow) => `concat(${format.csv.map((value) => csvValue(value, row)).join(", ',', ")}, ${f.crlf})`;
    const texts = format.csv.filter((value): value is Extract<LineValue, { text: string }> => 'text' in value);
    const seldom = texts.filter((value) => value.commas !== 'often');
    const concat = (cells: { text: string }[]) => `concat(${cells.map((value) => col(value.text).replace(/^r\./, '')).join(', ')})`;
    if (texts.length === 0) line = csvLine('quoted');
    else {
      from = `(SELECT *, ${concat(texts)} AS e__text${seldom.length > 0 ? `, ${concat(seldom)} AS e__seldom` : ''} FROM (${sql})) r`;
      const unquoted = seldom.length > 0 ? `WHEN ${f.hasComma('r.e__seldom')} THEN ${csvLine('plain')} ELSE ${csvLine('often')}` : `ELSE ${csvLine('plain')}`;
      line = `CASE WHEN ${f.hasQuoteOrBreak('r.e__text')} THEN ${csvLine('quoted')} ${unquoted} END`;
    }
  }
  const renderable = [...new Set(times(values))].map((c) => `${col(c)} BETWEEN 0 AND ${LAST_FOUR_DIGIT_YEAR_MS}`);
  const guarded = renderable.length > 0 ? `CASE WHEN ${renderable.join(' AND ')} THEN ${line} END` : line;
  const columns = marked ? `COALESCE(${guarded}, char(0) || r.e_id) AS line` : `${guarded} AS line, r.e_id AS id, r.e_seq AS seq`;
  return `SELECT ${columns} FROM ${from} ORDER BY r.e_seq DESC`;
}
