import { copyLines } from './postgres-copy-lines';
import type { LineFormat, LineValue } from '../event-search-dialect';
import { csvRow } from '../../query/export/csv';

/** A row as the database holds it: column → value (null: NULL). */
type Row = Record<string, string | number | boolean | null>;

const COLUMNS = ['id', 'seq', 'note', 'body', 'at', 'flag', 'owner', 'owner_name'];

/** Every kind of value, an object guarded by its first column, and a value guarded by an earlier one. */
const NDJSON: LineFormat = {
  ndjson: [
    ['id', { text: 'id' }],
    ['seq', { integer: 'seq' }],
    ['note', { text: 'note' }],
    ['body', { json: 'body' }],
    ['at', { time: 'at' }],
    ['flag', { boolean: 'flag' }],
    [
      'owner',
      {
        unless: 'owner',
        object: [
          ['id', { text: 'owner' }],
          ['name', { text: 'owner_name' }],
        ],
      },
    ],
  ],
};
const CSV: LineFormat = {
  csv: [
    { text: 'id' },
    { integer: 'seq' },
    { text: 'note' },
    { json: 'body' },
    { time: 'at' },
    { boolean: 'flag' },
    { text: 'owner' },
    { text: 'owner_name', unless: 'owner' },
  ],
};

/** What the service writes for a row, by the format's declared meaning (audit-event.view.ts's JSON.stringify, csv.ts). */
function expected(format: LineFormat, row: Row): string {
  const json = (value: LineValue): unknown => {
    if (value.unless !== undefined && row[value.unless] === null) return null;
    if ('object' in value) return Object.fromEntries(value.object.map(([k, v]) => [k, json(v)]));
    const column =
      'text' in value ? value.text : 'json' in value ? value.json : 'time' in value ? value.time : 'integer' in value ? value.integer : value.boolean;
    const v = row[column];
    if (v === null) return null;
    if ('json' in value) return JSON.parse(String(v));
    if ('time' in value) return new Date(Number(v)).toISOString();
    return v;
  };
  if ('ndjson' in format) return `${JSON.stringify(Object.fromEntries(format.ndjson.map(([k, v]) => [k, json(v)])))}\n`;
  return csvRow(
    format.csv.map((value) => {
      const v = json(value);
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean | null);
    }),
  );
}

/** A row in COPY's text format (the columns in the renderer's order). */
function copyText(columns: string[], row: Row): string {
  const escapes: Record<string, string> = { '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  const value = (v: Row[string]) => (v === null ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v).replace(/[\\\b\f\n\r\t\v]/g, (c) => escapes[c]));
  return `${columns.map((c) => value(row[c])).join('\t')}\n`;
}

const AWKWARD = [
  'plain',
  '',
  'a "quoted" word',
  'comma, inside',
  'back\\slash',
  'tab\there',
  'new\nline',
  'cr\rhere',
  '\u0001\u001f\u007f controls',
  '\b\f\v',
  '=SUM(A1)',
  '+1',
  '-2',
  '@me',
  '\tstarts with tab',
  'Zoë 🚀 文档 \u2028\u2029',
  '\\N',
  'N',
  '\\',
  '"',
];
const TIMES = [0, 1, 1_767_225_600_123, 253_402_300_799_999, 253_402_300_800_000, -1, -62_167_219_200_000, -62_167_219_200_001, 8_640_000_000_000_000];

function rows(): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < 400; i++) {
    const text = AWKWARD[i % AWKWARD.length];
    const plain = i % 3 !== 0;
    out.push({
      id: plain ? `event-${i}` : text,
      seq: i % 7 === 0 ? 1_000_000_000_000_000 + i : 1_000_000 - i,
      note: i % 5 === 0 ? null : plain ? `note ${i}, "ok"` : text,
      body: i % 4 === 0 ? null : JSON.stringify(plain ? { region: 'eu-west', n: `${i}` } : { [text]: text, 'a"b': '\\' }),
      at: TIMES[i % TIMES.length],
      flag: i % 2 === 0,
      owner: i % 6 === 0 ? null : plain ? `user${i}` : text,
      owner_name: i % 4 === 1 ? null : plain ? `User ${i}` : text,
    });
  }
  return out;
}

async function* chunksOf(bytes: Buffer, sizes: (i: number) => number): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes(i));
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function rendered(format: LineFormat, bytes: Buffer, sizes: (i: number) => number): Promise<{ text: string; rows: number }> {
  const parts: Buffer[] = [];
  let count = 0;
  for await (const piece of copyLines(format).ofChunks(chunksOf(bytes, sizes))) {
    parts.push(piece.lines);
    count += piece.rows;
  }
  return { text: Buffer.concat(parts).toString('utf8'), rows: count };
}

describe.each([
  ['ndjson', NDJSON],
  ['csv', CSV],
])('copyLines (%s)', (_name, format) => {
  const all = rows();
  const columns = copyLines(format).columns;
  const bytes = Buffer.from(all.map((row) => copyText(columns, row)).join(''));
  const want = all.map((row) => expected(format, row)).join('');

  it('reads every column the format uses, each once', () => {
    expect([...columns].sort()).toEqual([...COLUMNS].sort());
  });

  it('renders every row as the service would, plain or awkward, in one chunk', async () => {
    const got = await rendered(format, bytes, () => bytes.length);
    expect(got.rows).toBe(all.length);
    const gotLines = got.text.split('\n');
    const wantLines = want.split('\n');
    for (let i = 0; i < wantLines.length; i++) expect([i, gotLines[i]]).toEqual([i, wantLines[i]]);
    expect(got.text).toBe(want);
  });

  it.each([1, 2, 3, 7, 64, 997])('gives the same bytes whatever the chunks (%i bytes, and varying)', async (size) => {
    expect(await rendered(format, bytes, () => size)).toEqual({ text: want, rows: all.length });
    expect(await rendered(format, bytes, (i) => (i * size) % 1500)).toEqual({ text: want, rows: all.length });
  });

  it('refuses output that ends inside a row, or a row of the wrong width', async () => {
    await expect(rendered(format, bytes.subarray(0, bytes.length - 1), () => 4096)).rejects.toThrow('ended inside a row');
    await expect(rendered(format, Buffer.from('a\tb\n'), () => 4096)).rejects.toThrow(/values/);
    await expect(rendered(format, Buffer.from(`${'x\t'.repeat(columns.length)}x\n`), () => 4096)).rejects.toThrow(/values/);
  });
});
