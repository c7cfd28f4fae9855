import type { LineFormat, LineValue } from '../event-search-dialect';

/**
 * Export lines built straight from the bytes of `COPY … TO STDOUT`, without a row object, a string
 * per value or a re-encoding in between: the bytes of query/audit-event.view.ts (`JSON.stringify`
 * of the view) and query/export/csv.ts, which test/export-lines.e2e-spec.ts compares with the
 * row-by-row path over awkward values.
 *
 * A row of COPY's text format is its values separated by tabs and ended by a newline; a value is
 * `\N` (NULL) or its UTF-8 bytes with backslash, tab, newline, carriage return, backspace, form feed
 * and vertical tab written as backslash escapes. Most rows have no escape and no other control
 * character: their values are copied as they are, with `"` escaped (JSON) or doubled (CSV). A row
 * with either (rare: newlines in a description, say) is decoded and rendered value by value with
 * JSON.stringify and csv.ts's rules, so every row gets the same bytes either way.
 */

const TAB = 9;
const LF = 10;
const QUOTE = 34;
const APOSTROPHE = 39;
const COMMA = 44;
const BACKSLASH = 92;
const N = 78;

const MS_PER_DAY = 86_400_000;
/** Times rendered from bytes: years 0000-9999 (toISOString writes others with a sign, which CSV guards). */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;

const enum Kind {
  JsonText,
  JsonRaw,
  JsonTime,
  CsvText,
  CsvTime,
  Integer,
  Boolean,
  /** A nested object: `null` (and its steps skipped) when `unless` is NULL. */
  Open,
  /** The end of a nested object. */
  Close,
}

/** One step of a line: `prefix`, then (but for Open and Close) the row's next value as `kind` renders it. */
interface Step {
  prefix: string;
  prefixBytes: Buffer;
  /** The prefix and what opens a value (a JSON string's quote), or the prefix and a NULL's text. */
  openBytes: Buffer;
  nullBytes: Buffer;
  kind: Kind;
  /** Which value of the row this step reads (-1: none). */
  at: number;
  /** The value that, when NULL, makes this one JSON null or an empty cell (-1: none): one read before, or (Open) the next one. */
  unless: number;
  /** `unless` is the next value (it is peeked at, not read). */
  peek: boolean;
  /** Open: the steps up to and including its Close, and how many values they read. */
  skip: number;
  skipValues: number;
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A value of COPY's text format with its backslash escapes undone (`\N`, NULL, is handled before). */
function copyUnescaped(text: string): string {
  return text.indexOf('\\') === -1 ? text : text.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

/** csv.ts's csvCell of a string: an apostrophe before a formula start, quotes around `"`, `,`, CR or LF. */
function csvText(text: string): string {
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The COPY that copyLines reads: `columns` of the reader's query `sql` (which names them `e_<column>`), newest first. */
export function copyLinesSql(sql: string, columns: readonly string[]): string {
  for (const column of columns) if (!/^[a-z_]+$/.test(column)) throw new Error(`not a column: ${column}`);
  return `COPY (SELECT ${columns.map((c) => `r."e_${c}"`).join(', ')} FROM (${sql}) r ORDER BY r."e_seq" DESC) TO STDOUT`;
}

export interface CopyLines {
  /** The columns to COPY (copyLinesSql), in the order the renderer reads them: each once, as the line uses it. */
  columns: string[];
  /**
   * The lines of every whole row in `bytes` (COPY output) from `start`, and where the rest — the
   * start of a row the next chunk completes — begins.
   */
  render(bytes: Buffer, start?: number): { lines: Buffer; rows: number; rest: number };
  /** The lines of COPY output arriving in chunks that may end anywhere, a chunk's worth at a time. */
  ofChunks(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ lines: Buffer; rows: number }>;
}

/** Thrown inside a row that must be rendered the careful way. */
const CAREFUL = -1;

/** A renderer of COPY rows as the lines of `format`, in one pass over each row's bytes. */
export function copyLines(format: LineFormat): CopyLines {
  const columns: string[] = [];
  const steps: Step[] = [];
  const nullText = 'ndjson' in format ? 'null' : '';
  const step = (prefix: string, kind: Kind, column: string | undefined, unless: string | undefined, next?: string) => {
    // `unless` is a value read before this one, or the very next (this one, or an object's first).
    const before = unless === undefined ? -1 : columns.lastIndexOf(unless);
    const peek = unless !== undefined && before === -1;
    if (peek && unless !== (next ?? column)) throw new Error(`${unless} is tested before it is read`);
    const opens = kind === Kind.JsonText || kind === Kind.JsonTime;
    steps.push({
      prefix,
      prefixBytes: Buffer.from(prefix),
      openBytes: Buffer.from(opens ? `${prefix}"` : prefix),
      nullBytes: Buffer.from(prefix + nullText),
      kind,
      at: column === undefined ? -1 : columns.push(column) - 1,
      unless: peek ? columns.length - (column === undefined ? 0 : 1) : before,
      peek,
      skip: 0,
      skipValues: 0,
    });
  };
  const firstColumn = (value: LineValue): string | undefined => {
    if ('object' in value) return value.object.length > 0 ? firstColumn(value.object[0][1]) : undefined;
    return 'text' in value ? value.text : 'json' in value ? value.json : 'time' in value ? value.time : 'integer' in value ? value.integer : value.boolean;
  };
  const json = (entries: [string, LineValue][]) => {
    entries.forEach(([key, value], i) => {
      const prefix = `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`;
      if ('text' in value) step(prefix, Kind.JsonText, value.text, value.unless);
      else if ('json' in value) step(prefix, Kind.JsonRaw, value.json, value.unless);
      else if ('time' in value) step(prefix, Kind.JsonTime, value.time, value.unless);
      else if ('integer' in value) step(prefix, Kind.Integer, value.integer, value.unless);
      else if ('boolean' in value) step(prefix, Kind.Boolean, value.boolean, value.unless);
      else {
        const open = steps.length;
        const read = columns.length;
        step(prefix, Kind.Open, undefined, value.unless, firstColumn(value));
        json(value.object);
        step('}', Kind.Close, undefined, undefined);
        steps[open].skip = steps.length - open - 1;
        steps[open].skipValues = columns.length - read;
      }
    });
  };
  let end: string;
  if ('ndjson' in format) {
    json(format.ndjson);
    end = '}\n';
  } else {
    format.csv.forEach((value, i) => {
      const prefix = i === 0 ? '' : ',';
      if ('text' in value) step(prefix, Kind.CsvText, value.text, value.unless);
      else if ('json' in value) step(prefix, Kind.CsvText, value.json, value.unless);
      else if ('time' in value) step(prefix, Kind.CsvTime, value.time, value.unless);
      else if ('integer' in value) step(prefix, Kind.Integer, value.integer, value.unless);
      else if ('boolean' in value) step(prefix, Kind.Boolean, value.boolean, value.unless);
      else throw new Error('a CSV cell cannot be an object');
    });
    end = '\r\n';
  }
  const endBytes = Buffer.from(end);
  const count = columns.length;
  /** What a line adds to its row's bytes at most: every prefix, a null, quotes, an ISO time. */
  const fixedBytes = steps.reduce((n, s) => n + s.nullBytes.length + 32, endBytes.length);

  /** A row with escapes or control characters, as text: each value decoded, then rendered by the rules of csv.ts and JSON.stringify. */
  const carefulLine = (row: string): string => {
    const values = row.split('\t');
    if (values.length !== count) throw new Error(`a COPY row of ${values.length} values, not ${count}`);
    let line = '';
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      line += s.prefix;
      if (s.unless !== -1 && values[s.unless] === '\\N') {
        line += nullText;
        i += s.skip;
        continue;
      }
      if (s.kind === Kind.Open || s.kind === Kind.Close) continue;
      const v = values[s.at];
      if (v === '\\N') line += nullText;
      else if (s.kind === Kind.JsonText) line += JSON.stringify(copyUnescaped(v));
      else if (s.kind === Kind.JsonRaw) line += copyUnescaped(v);
      else if (s.kind === Kind.JsonTime) line += `"${new Date(Number(v)).toISOString()}"`;
      else if (s.kind === Kind.CsvText) line += csvText(copyUnescaped(v));
      else if (s.kind === Kind.CsvTime) line += csvText(new Date(Number(v)).toISOString());
      else if (s.kind === Kind.Integer) line += String(Number(v));
      else line += v === 't' ? 'true' : 'false';
    }
    return line + end;
  };

  let day = NaN;
  let datePart = Buffer.alloc(0);
  /** `YYYY-MM-DDT` of a day since the epoch; exports run in time order, so consecutive rows share one. */
  const datePartOf = (d: number): Buffer => {
    if (d !== day) {
      day = d;
      datePart = Buffer.from(new Date(d * MS_PER_DAY).toISOString().slice(0, 11), 'latin1');
    }
    return datePart;
  };
  const plainLine = compilePlainLine(steps, count, endBytes, { put, valueEnd, writeClock, datePartOf, malformed });

  return {
    columns,
    render(bytes, start = 0) {
      // Each chunk's lines get a buffer of their own: it is handed on to the client's socket.
      let out: Buffer = Buffer.allocUnsafe((bytes.length - start) * 2 + 16 * fixedBytes);
      let o = 0;
      let rows = 0;
      let from = start;
      for (let to = bytes.indexOf(LF, from); to !== -1; from = to + 1, to = bytes.indexOf(LF, from)) {
        // Room for the line: a plain one at most doubles its row's bytes (every byte a quote) plus the fixed parts.
        if (o + (to - from) * 2 + fixedBytes > out.length) out = grown(out, o, (to - from) * 2 + fixedBytes);
        const end = plainLine(bytes, from, to, out, o);
        if (end !== CAREFUL) o = end;
        else {
          const line = Buffer.from(carefulLine(bytes.toString('utf8', from, to)));
          if (o + line.length > out.length) out = grown(out, o, line.length);
          o += line.copy(out, o);
        }
        rows += 1;
      }
      return { lines: out.subarray(0, o), rows, rest: from };
    },
    async *ofChunks(chunks) {
      // The pieces of a row begun in an earlier chunk, joined once its newline arrives (joining at
      // every chunk would copy a row longer than many chunks over and over).
      let rest: Buffer[] = [];
      for await (const chunk of chunks) {
        let start = 0;
        if (rest.length > 0) {
          const newline = chunk.indexOf(LF);
          if (newline === -1) {
            rest.push(Buffer.from(chunk)); // a copy: the stream may reuse its buffer
            continue;
          }
          const first = this.render(Buffer.concat([...rest, chunk.subarray(0, newline + 1)]));
          yield { lines: first.lines, rows: first.rows };
          start = newline + 1;
        }
        const rendered = this.render(chunk, start);
        rest = rendered.rest < chunk.length ? [Buffer.from(chunk.subarray(rendered.rest))] : [];
        if (rendered.rows > 0) yield { lines: rendered.lines, rows: rendered.rows };
      }
      if (rest.length > 0) throw new Error('COPY output ended inside a row');
    },
  };
}

/** The helpers a compiled line calls. */
interface LineHelpers {
  put: typeof put;
  valueEnd: typeof valueEnd;
  writeClock: typeof writeClock;
  datePartOf: (day: number) => Buffer;
  malformed: typeof malformed;
}

type PlainLine = (bytes: Buffer, from: number, to: number, out: Buffer, o: number) => number;

function malformed(count: number): never {
  throw new Error(`a COPY row of other than ${count} values`);
}

/**
 * Compiles the steps to one function that renders a plain row (bytes[from, to), its newline at
 * `to`) as a line at out[o], returning the line's end or CAREFUL. Each value is read once, from its
 * start to its tab or the newline, with the bytes between values (keys, quotes, commas) written as
 * constants. Generated, like fast-json-stringify's serialisers, because a loop over the steps
 * measured about half as fast; the source holds only numbers derived from the format declared in
 * code, never a value read from the database or a request.
 */
function compilePlainLine(steps: Step[], count: number, endBytes: Buffer, helpers: LineHelpers): PlainLine {
  const bytesOf = (part: Buffer) =>
    Array.from(part)
      .map((b, i) => `out[o${i === 0 ? '' : ` + ${i}`}] = ${b};`)
      .join(' ') + (part.length ? ` o += ${part.length};` : '');
  const isNull = `bytes[p] === ${BACKSLASH} && bytes[p + 1] === ${N} && (bytes[p + 2] === ${TAB} || bytes[p + 2] === ${LF})`;
  const stopAtEnd = `if (c === ${TAB} || c === ${LF}) break;`;
  const value = (s: Step): string => {
    const n = `n${s.at}`;
    let read: string;
    switch (s.kind) {
      case Kind.JsonText:
        read = `for (;; p++) { c = bytes[p]; if (c < 35 || c === ${BACKSLASH}) { ${stopAtEnd} if (c === ${QUOTE}) out[o++] = ${BACKSLASH}; else if (c < 32 || c === ${BACKSLASH}) return ${CAREFUL}; } out[o++] = c; } out[o++] = ${QUOTE};`;
        break;
      case Kind.JsonRaw:
      case Kind.Integer:
        read = `const start = p; for (;; p++) { c = bytes[p]; if (c < 32 || c === ${BACKSLASH}) { ${stopAtEnd} return ${CAREFUL}; } out[o++] = c; }`;
        // Digits as JSON writes the number they read as: exact up to 15 of them.
        if (s.kind === Kind.Integer) read += ` if (p - start > 15) return ${CAREFUL};`;
        break;
      case Kind.CsvText:
        // Quotes go around the cell once a quote or a comma turns up in it; = + - @ get an apostrophe
        // (a tab or carriage return at the start is an escape, so the row is careful).
        read = `const cell = o; let quoted = false; c = bytes[p]; if (c === 61 || c === 43 || c === 45 || c === 64) out[o++] = ${APOSTROPHE};
          for (;; p++) { c = bytes[p]; if (c <= ${COMMA} || c === ${BACKSLASH}) { ${stopAtEnd}
            if (c === ${QUOTE} || c === ${COMMA}) { if (!quoted) { out.copyWithin(cell + 1, cell, o); out[cell] = ${QUOTE}; o++; quoted = true; } if (c === ${QUOTE}) out[o++] = ${QUOTE}; }
            else if (c < 32 || c === ${BACKSLASH}) return ${CAREFUL}; } out[o++] = c; }
          if (quoted) out[o++] = ${QUOTE};`;
        break;
      case Kind.JsonTime:
      case Kind.CsvTime:
        read = `const negative = bytes[p] === 45; if (negative) p++; let ms = 0;
          for (;; p++) { c = bytes[p]; ${stopAtEnd} if (c < 48 || c > 57) return ${CAREFUL}; ms = ms * 10 + (c - 48); }
          if (negative) ms = -ms; if (!(ms >= ${FIRST_MS} && ms <= ${LAST_MS})) return ${CAREFUL};
          const d = Math.floor(ms / ${MS_PER_DAY}); o = put(datePartOf(d), out, o); o = writeClock(out, o, ms - d * ${MS_PER_DAY});${s.kind === Kind.JsonTime ? ` out[o++] = ${QUOTE};` : ''}`;
        break;
      case Kind.Boolean:
        read = `if (bytes[p] === 116) { ${bytesOf(TRUE)} } else { ${bytesOf(FALSE)} } p = valueEnd(bytes, p, to);`;
        break;
      default:
        throw new Error('not a value');
    }
    const own = `if (p > to) malformed(${count}); if (${isNull}) { ${n} = 1; ${bytesOf(s.nullBytes)} p += 3; } else { ${n} = 0; ${bytesOf(s.openBytes)} { ${read} } p++; }`;
    if (s.unless === -1 || s.peek) return own;
    // NULL when an earlier value is: this value is passed over.
    return `if (n${s.unless} === 1) { ${bytesOf(s.nullBytes)} ${n} = ${isNull} ? 1 : 0; p = valueEnd(bytes, p, to) + 1; } else { ${own} }`;
  };
  const block = (from: number, to: number): string => {
    let code = '';
    for (let k = from; k < to; k++) {
      const s = steps[k];
      if (s.kind !== Kind.Open) {
        code += `${value(s)}\n`;
        continue;
      }
      const inner = block(k + 1, k + s.skip);
      const close = bytesOf(steps[k + s.skip].prefixBytes);
      if (s.unless === -1) code += `${bytesOf(s.prefixBytes)}\n${inner}${close}\n`;
      else {
        const skipped = Array.from({ length: s.skipValues }, (_, i) => `n${steps[k + 1].at + i} = ${isNull} ? 1 : 0; p = valueEnd(bytes, p, to) + 1;`).join(
          ' ',
        );
        const guard = s.peek ? isNull : `n${s.unless} === 1`;
        code += `if (${guard}) { ${bytesOf(s.nullBytes)} ${skipped} } else {\n${bytesOf(s.prefixBytes)}\n${inner}${close} }\n`;
      }
      k += s.skip;
    }
    return code;
  };
  const locals = Array.from({ length: count }, (_, i) => `n${i} = 0`).join(', ');
  const source = `return (bytes, from, to, out, o) => { let p = from; let c = 0; let ${locals};
${block(0, steps.length)}if (p !== to + 1) malformed(${count});
${bytesOf(endBytes)} return o; };`;
  return new Function('put', 'valueEnd', 'writeClock', 'datePartOf', 'malformed', source)(
    helpers.put,
    helpers.valueEnd,
    helpers.writeClock,
    helpers.datePartOf,
    helpers.malformed,
  ) as PlainLine;
}

function grown(out: Buffer, used: number, more: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, used + more));
  out.copy(bigger, 0, 0, used);
  return bigger;
}

/** Where the value at p ends: its tab, or the row's newline at `to`. */
function valueEnd(bytes: Buffer, p: number, to: number): number {
  const tab = bytes.indexOf(TAB, p);
  return tab === -1 || tab > to ? to : tab;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** Copies `part` (a few bytes) to out at o; returns the end. By hand: cheaper than a native call for so few. */
function put(part: Buffer, out: Buffer, o: number): number {
  for (let i = 0; i < part.length; i++) out[o++] = part[i];
  return o;
}

/** `HH:MM:SS.mmmZ` of a millisecond of the day. */
function writeClock(out: Buffer, o: number, ms: number): number {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const milli = ms % 1000;
  out[o] = 48 + Math.floor(h / 10);
  out[o + 1] = 48 + (h % 10);
  out[o + 2] = 58;
  out[o + 3] = 48 + Math.floor(m / 10);
  out[o + 4] = 48 + (m % 10);
  out[o + 5] = 58;
  out[o + 6] = 48 + Math.floor(s / 10);
  out[o + 7] = 48 + (s % 10);
  out[o + 8] = 46;
  out[o + 9] = 48 + Math.floor(milli / 100);
  out[o + 10] = 48 + (Math.floor(milli / 10) % 10);
  out[o + 11] = 48 + (milli % 10);
  out[o + 12] = 90;
  return o + 13;
}
