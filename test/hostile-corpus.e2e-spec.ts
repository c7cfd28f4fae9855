import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Client } from 'pg';
import { DIALECTS, TestDatabase, createTestDatabase } from './support/databases';
import { TestApp, adminHeaders, startTestApp } from './support/test-app';

/**
 * A hostile corpus against every write endpoint: whatever the depth, size, encoding or code
 * points of a body, the service answers 2xx or a 4xx JSON error naming the field, never 5xx, and
 * a refused request stores nothing (row counts read straight from the database around every request).
 *
 * Replay a failing property with FC_SEED=<seed> (and FC_PATH=<path>) from fast-check's report;
 * FC_RUNS=<n> changes the runs per property; HC_DEBUG=1 logs requests slower than 200 ms.
 */

// ---------------------------------------------------------------------------------------------
// JSON documents as trees, serialised by hand: keys such as __proto__ survive, duplicate keys are
// possible, and numbers can be written as JSON text JavaScript would not produce (1e400, -0.0).
// ---------------------------------------------------------------------------------------------

type Node =
  | { t: 'lit'; text: string }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; entries: [string, Node][] }
  | { t: 'deep'; depth: number; open: string; close: string; inner: Node };

const lit = (value: unknown): Node => ({ t: 'lit', text: JSON.stringify(value) ?? 'null' });
const raw = (text: string): Node => ({ t: 'lit', text });

function serialise(node: Node): string {
  switch (node.t) {
    case 'lit':
      return node.text;
    case 'arr':
      return `[${node.items.map(serialise).join(',')}]`;
    case 'obj':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialise(v)}`).join(',')}}`;
    case 'deep':
      return node.open.repeat(node.depth) + serialise(node.inner) + node.close.repeat(node.depth);
  }
}

function fromJson(value: unknown): Node {
  if (Array.isArray(value)) return { t: 'arr', items: value.map(fromJson) };
  if (value !== null && typeof value === 'object') return { t: 'obj', entries: Object.entries(value).map(([k, v]) => [k, fromJson(v)]) };
  return lit(value);
}

type Path = (string | number)[];

/** A path as the service names it: `events[2].actor.id` (as json-inspection's pathOf). */
function fieldOf(path: Path): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

/** Every path below the root, parents before children. */
function pathsOf(node: Node, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (node.t === 'arr') node.items.forEach((item, i) => out.push([...prefix, i], ...pathsOf(item, [...prefix, i])));
  if (node.t === 'obj') node.entries.forEach(([k, v]) => out.push([...prefix, k], ...pathsOf(v, [...prefix, k])));
  return out;
}

/** The object paths (the root included), where a key may be added. */
function objectPathsOf(node: Node): Path[] {
  return [[], ...pathsOf(node)].filter((p) => at(node, p).t === 'obj');
}

function at(node: Node, path: Path): Node {
  let n = node;
  for (const seg of path) {
    if (n.t === 'arr' && typeof seg === 'number') n = n.items[seg];
    else if (n.t === 'obj') n = n.entries.find(([k]) => k === seg)![1];
    else throw new Error(`no ${String(seg)} in ${n.t}`);
  }
  return n;
}

/** A copy of `node` with the value at `path` given to `change` (return undefined to remove it). */
function edit(node: Node, path: Path, change: (old: Node) => Node | undefined): Node {
  if (path.length === 0) return change(node) ?? lit(null);
  const [seg, ...rest] = path;
  const apply = (child: Node) => (rest.length === 0 ? change(child) : edit(child, rest, change));
  if (node.t === 'arr') {
    const items: Node[] = [];
    node.items.forEach((item, i) => {
      const next = i === seg ? apply(item) : item;
      if (next) items.push(next);
    });
    return { t: 'arr', items };
  }
  if (node.t === 'obj') {
    const entries: [string, Node][] = [];
    for (const [k, v] of node.entries) {
      const next = k === seg ? apply(v) : v;
      if (next) entries.push([k, next]);
    }
    return { t: 'obj', entries };
  }
  return node;
}

function addKey(node: Node, path: Path, key: string, value: Node): Node {
  return edit(node, path, (old) => (old.t === 'obj' ? { t: 'obj', entries: [...old.entries, [key, value]] } : old));
}

function renameKey(node: Node, path: Path, rename: (key: string) => string): Node {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  return edit(node, parent, (old) =>
    old.t === 'obj' ? { t: 'obj', entries: old.entries.map(([k, v]): [string, Node] => [k === key ? rename(k) : k, v]) } : old,
  );
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));

/** Characters that break naive handling: controls, NUL, separators, BOM, non-characters, astral, lone surrogates. */
const oddChar = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\u0001',
    '\b',
    '\t',
    '\n',
    '\r',
    '\u001b',
    '\u001f',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u200b',
    '\u200d',
    '\u202e',
    '\u2028',
    '\u2029',
    '\ufeff',
    '\ufffd',
    '\ufffe',
    '\uffff',
    '\u{1f600}',
    '\u{1f468}\u200d\u{1f469}',
    '\u{10ffff}',
    '\u{e0001}',
    '"',
    '\\',
    '/',
    '%',
    '%00',
    '%ED%A0%80',
    '\\u0000',
    '\\ud800',
    '${x}',
    '{{x}}',
    "'",
    '<',
    '>',
    '&',
    '*',
    ':',
    ',',
  ),
  loneSurrogate,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Any text: printable graphemes mixed with odd characters (NUL and lone surrogates included). */
const anyText = fc.string({
  unit: fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: oddChar }),
  maxLength: 24,
});
/** Well-formed text without NUL (printable graphemes, astral included). */
const cleanText = fc.string({ unit: 'grapheme', maxLength: 12 });

/** The real schema's keys, and near misses of them. */
const SCHEMA_KEYS = [
  'action',
  'actor',
  'id',
  'name',
  'href',
  'fields',
  'target',
  'type',
  'group',
  'crud',
  'created',
  'is_failure',
  'metadata',
  'external_id',
  'description',
  'title',
  'ip_address',
  'source_ip',
  'is_anonymous',
  'component',
  'version',
  'events',
  'query',
  'variables',
  'operationName',
  'scope',
  'uuid',
  'user_id',
  'username',
  'first_name',
  'last_name',
  'full_name',
  'email',
  'dn',
  'upn',
  'groups',
  'password',
  'password_format',
  'mode',
];
const NEAR_MISS_KEYS = [
  'Action',
  'ACTION',
  'action ',
  ' action',
  'actor_id',
  'actor.id',
  'actorId',
  'event',
  'Events',
  'events[0]',
  'scopes',
  'Scope',
  'UUID',
  'uuid\u200b',
  '\u0430ction' /* Cyrillic а */,
  '\uff41\uff43\uff54\uff49\uff4f\uff4e' /* fullwidth */,
  'variables ',
  'operation_name',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '',
  ' ',
  'null',
  '0',
  '[]',
];
const key = fc.oneof(fc.constantFrom(...SCHEMA_KEYS), fc.constantFrom(...NEAR_MISS_KEYS), cleanText, anyText);

/** Strings some validator accepts and something after it may not: odd dates, IPs, scopes, DNs, lengths. */
const EDGE_STRINGS = [
  '',
  ' ',
  '\t',
  'c',
  'r',
  'u',
  'd',
  'C',
  'x',
  'publish',
  'read',
  'admin',
  'provision',
  'directory',
  'publish read',
  'publish  read',
  'publish read read',
  ' publish',
  'read ',
  'full',
  'incremental',
  'FULL',
  'true',
  'false',
  'null',
  '0',
  '-1',
  '1e3',
  '2026-W01-1',
  '2026-W01',
  '2026-001',
  '20260101T000000Z',
  '2026-01-01T00:00:00,5Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01T00:00:00+14:00',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026',
  '2026-01-01T00:00:00.123456789Z',
  'fe80::1%eth0',
  `fe80::1%${'a'.repeat(60)}`,
  '::ffff:192.0.2.1',
  '0000:0000:0000:0000:0000:ffff:255.255.255.255',
  '1.2.3.4',
  '01.2.3.4',
  '::',
  '0.0.0.0',
  '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  '1B4E28BA-2FA1-11D2-883F-0016D3CCA427',
  '{1b4e28ba-2fa1-11d2-883f-0016d3cca427}',
  'CN=\\00x,OU=y',
  'CN=\\ED\\A0\\80,OU=y',
  'CN=\\',
  '=',
  ',',
  'CN=a+CN=b',
  'DOMAIN\\user',
  'user@example.com',
  '\\',
  'x'.repeat(257),
  'x'.repeat(1025),
  'x'.repeat(4097),
  'x'.repeat(65537),
  'user.*',
  '*',
  'action:*',
  'actor.id:"\\u0000"',
  'created:,',
  'received:2026-01-01,2025-01-01',
  'crud:x',
  'unknown:1',
  '"',
  '"unterminated',
  '{ search { totalCount } }',
  '{ __schema { types { name } } }',
  'query { search(first: 0) { totalCount } }',
  '__proto__',
  'constructor',
];

const scalar: fc.Arbitrary<Node> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 0.5, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER + 2).map(lit),
  fc.double().map(lit),
  fc.integer().map(lit),
  fc.constantFrom('1e400', '-1e400', '1E-400', '-0.0', '-0', '12345678901234567890123456789', '0.1e1', '1'.repeat(400)).map(raw),
  anyText.map(lit),
  fc.constantFrom(...EDGE_STRINGS).map(lit),
);

/** Nesting of a given depth around a value, as arrays, objects, or the schema's own nesting. */
const WRAPPERS: Record<string, [string, string]> = {
  arr: ['[', ']'],
  obj: ['{"a":', '}'],
  events: ['{"events":[', ']}'],
  actor: ['{"actor":', '}'],
  fields: ['{"fields":{"k":', '}}'],
  mixed: ['[{"a":', '}]'],
};
const deep: fc.Arbitrary<Node> = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 30, max: 6000 })),
    wrapper: fc.constantFrom(...Object.keys(WRAPPERS)),
    inner: scalar,
  })
  .map(({ depth, wrapper, inner }) => ({ t: 'deep', depth, open: WRAPPERS[wrapper][0], close: WRAPPERS[wrapper][1], inner }));

/** One value of up to ~900 KB serialised (the body limit is 1 MiB): a long string, a long array, an object with many keys. */
const HUGE_BUDGET = 900_000;
const huge: fc.Arbitrary<Node> = fc
  .record({
    kind: fc.constantFrom('string', 'array', 'object'),
    unit: fc.constantFrom('x', '\u{1f600}', 'é', '\u0000', '\ud800', '\u2028', '\\', ' '),
    item: fc.constantFrom('0', '""', '{}', '[]', 'null', '"x"', '1e400'),
    percent: fc.integer({ min: 1, max: 100 }),
  })
  .map(({ kind, unit, item, percent }): Node => {
    const budget = Math.floor((HUGE_BUDGET * percent) / 100);
    if (kind === 'string') {
      const size = Buffer.byteLength(JSON.stringify(unit).slice(1, -1));
      return raw(JSON.stringify(unit.repeat(Math.max(1, Math.floor(budget / size)))));
    }
    if (kind === 'array')
      return raw(
        `[${Array(Math.max(1, Math.floor(budget / (item.length + 1))))
          .fill(item)
          .join(',')}]`,
      );
    // At most 20,000 keys: every one is an unknown field, and the refusal lists them all.
    const count = Math.max(1, Math.min(20_000, Math.floor(budget / 14)));
    return raw(`{${Array.from({ length: count }, (_, i) => `"k${i}":${item}`).join(',')}}`);
  });

/** Arbitrary JSON trees with hostile keys and values, deep nesting inside. */
const tree = fc.letrec<{ node: Node; arr: Node; obj: Node }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj'), deep),
  arr: fc.array(tie('node'), { maxLength: 6 }).map((items): Node => ({ t: 'arr', items })),
  obj: fc.array(fc.tuple(key, tie('node')), { maxLength: 6 }).map((entries): Node => ({ t: 'obj', entries })),
})).node;

/** Objects built from the schema's keys (and near misses) with values of any type. */
const schemaKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SCHEMA_KEYS) }, { weight: 1, arbitrary: key });
const nearMissObject: fc.Arbitrary<Node> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(schemaKey, tree), { minLength: 1, maxLength: 8 }).map((entries): Node => ({ t: 'obj', entries })) },
  // One huge value among them (one only: the body stays under the 1 MiB limit).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(fc.tuple(schemaKey, tree), { maxLength: 4 }), schemaKey, huge)
      .map(([entries, k, value]): Node => ({ t: 'obj', entries: [...entries, [k, value]] })),
  },
);

/** A request body as sent, with a short rendering for fast-check's report (bodies can be ~1 MB). */
class Input {
  constructor(
    readonly label: string,
    readonly body: string | Buffer,
    /** When set, the exact refusal expected: 400 and errors[0] naming this field and rule. */
    readonly expected?: { field: string; rule: string },
  ) {}

  [fc.toStringMethod](): string {
    return `${this.label}: ${preview(this.body)}`;
  }
}

function preview(body: string | Buffer, head = 240, tail = 80): string {
  if (Buffer.isBuffer(body)) return `<${body.length} bytes> ${body.subarray(0, head).toString('hex')}`;
  const shown = body.length <= head + tail ? body : `${body.slice(0, head)} …(${body.length} chars)… ${body.slice(-tail)}`;
  return JSON.stringify(shown);
}

/** Text that is not JSON, or not quite: truncations, trailing garbage, JSON5-isms, raw control characters, invalid UTF-8 bytes. */
function rawBodies(valid: string): fc.Arbitrary<Input> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new Input('binary text', s)),
    anyText.map((s) => new Input('odd text', s)),
    fc.integer({ min: 0, max: Math.max(0, valid.length - 1) }).map((n) => new Input('truncated valid body', valid.slice(0, n))),
    fc.constantFrom('}', ',', ' x', '\u0000', '//c', ']', '{}', ' null', '\ufeff').map((s) => new Input('valid body + garbage', valid + s)),
    fc.constantFrom(")]}'\n", '\ufeff\ufeff', 'while(1);', '\u0000', '[', 'x').map((s) => new Input('garbage + valid body', s + valid)),
    fc
      .constantFrom(
        "{'action':'x'}",
        '{"action":"x",}',
        '{action:"x"}',
        'NaN',
        'Infinity',
        '-Infinity',
        'undefined',
        '{"a":1}{"a":2}',
        '[1,]',
        '"\\x41"',
        '"\\u00"',
        '"\\ud800"',
        '["\\udfff\\ud800"]',
        '{"a":"\u0000"}',
        '{"a":"\t"}',
        '/* c */{}',
        '',
        ' ',
        '\n',
        '0x10',
        '01',
        '.5',
        '+1',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"a":{"__proto__":[]}}',
        '{"\\u005f_proto__":1}',
        '{"constructor":1}',
        '{"constructor":"x","action":"x"}',
        '{"action":"x","constructor":{}}',
        '{"toString":"x","action":"x"}',
        '\ufeff{"action":"bom"}',
        '{"action":"x"',
        '{"action":"x"}}',
        '[[[[[[[[[[',
        '"' + 'x'.repeat(10_000),
        '{"a":' + '1'.repeat(10_000) + '}',
      )
      .map((s) => new Input('JSON-ish', s)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => new Input('random bytes', Buffer.from(bytes))),
    fc
      .constantFrom([0xed, 0xa0, 0x80], [0xc0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0x80, 0xaf], [0x80], [0xf0, 0x9f, 0x98])
      .map(
        (bytes) =>
          new Input(
            'invalid UTF-8 in a JSON string',
            Buffer.concat([
              Buffer.from('{"action":"utf8.'),
              Buffer.from(bytes),
              Buffer.from('","crud":"c","actor":{"id":"x'),
              Buffer.from(bytes),
              Buffer.from('"}}'),
            ]),
          ),
      ),
  );
}

/** Arbitrary malformed bodies for one endpoint. */
function malformedBodies(valid: string): fc.Arbitrary<Input> {
  return fc.oneof(
    { weight: 3, arbitrary: tree.map((n) => new Input('JSON value', serialise(n))) },
    { weight: 3, arbitrary: nearMissObject.map((n) => new Input('near-miss object', serialise(n))) },
    { weight: 1, arbitrary: deep.map((n) => new Input('deep nesting', serialise(n))) },
    { weight: 1, arbitrary: huge.map((n) => new Input('huge value', serialise(n))) },
    { weight: 3, arbitrary: rawBodies(valid) },
  );
}

/** Key renamings that are near misses of the real key. */
const RENAMES: ((k: string) => string)[] = [
  (k) => k.toUpperCase(),
  (k) => `${k} `,
  (k) => ` ${k}`,
  (k) => `_${k}`,
  (k) => `${k}\u200b`,
  (k) => k.replace(/a/g, '\u0430').replace(/e/g, '\u0435').replace(/o/g, '\u043e'),
  (k) => `${k}s`,
  (k) => k.slice(0, -1),
];

/** The valid body with one thing wrong: a value replaced, a key removed, renamed or added. */
function mutatedBodies(validNode: Node): fc.Arbitrary<Input> {
  const paths = pathsOf(validNode);
  const objects = objectPathsOf(validNode);
  return fc.oneof(
    fc
      .record({
        p: fc.nat({ max: paths.length - 1 }),
        value: fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 2, arbitrary: tree }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: huge }),
      })
      .map(({ p, value }) => new Input(`${fieldOf(paths[p])} replaced`, serialise(edit(validNode, paths[p], () => value)))),
    fc.nat({ max: paths.length - 1 }).map((p) => new Input(`${fieldOf(paths[p])} removed`, serialise(edit(validNode, paths[p], () => undefined)))),
    fc
      .record({ p: fc.nat({ max: paths.length - 1 }), r: fc.nat({ max: RENAMES.length - 1 }) })
      .filter(({ p }) => typeof paths[p][paths[p].length - 1] === 'string')
      .map(({ p, r }) => new Input(`${fieldOf(paths[p])} renamed`, serialise(renameKey(validNode, paths[p], RENAMES[r])))),
    fc
      .record({ o: fc.nat({ max: objects.length - 1 }), k: key, value: fc.oneof(scalar, tree) })
      .map(
        ({ o, k, value }) =>
          new Input(`key ${JSON.stringify(k)} added at ${fieldOf(objects[o]) || 'body'}`, serialise(addKey(validNode, objects[o], k, value))),
      ),
    fc
      .record({ p: fc.nat({ max: paths.length - 1 }), depth: fc.integer({ min: 1, max: 60 }) })
      .map(
        ({ p, depth }) =>
          new Input(
            `${fieldOf(paths[p])} wrapped ${depth} deep`,
            serialise(edit(validNode, paths[p], (old) => ({ t: 'deep', depth, open: '[', close: ']', inner: old }))),
          ),
      ),
  );
}

/** A string that is fine but for one NUL or one lone surrogate. */
const poisoned = fc
  .record({ before: cleanText, bad: fc.oneof(fc.constant('\u0000'), loneSurrogate), after: cleanText })
  .map(({ before, bad, after }) => ({ text: before + bad + after, rule: bad === '\u0000' ? 'noNulCharacter' : 'isWellFormedUnicode' }));

/** The valid body with one value or one key poisoned: refused with 400 naming exactly that field. */
function poisonedBodies(validNode: Node): fc.Arbitrary<Input> {
  const paths = pathsOf(validNode);
  const objects = objectPathsOf(validNode);
  return fc.oneof(
    fc.record({ p: fc.nat({ max: paths.length - 1 }), s: poisoned }).map(({ p, s }) => {
      const field = fieldOf(paths[p]);
      return new Input(`${field} poisoned`, serialise(edit(validNode, paths[p], () => lit(s.text))), { field, rule: s.rule });
    }),
    fc
      .record({ p: fc.nat({ max: paths.length - 1 }), s: poisoned })
      .filter(({ p }) => typeof paths[p][paths[p].length - 1] === 'string')
      .map(({ p, s }) => {
        const field = fieldOf(paths[p].slice(0, -1)) || 'body';
        return new Input(`key ${fieldOf(paths[p])} poisoned`, serialise(renameKey(validNode, paths[p], () => s.text)), { field, rule: s.rule });
      }),
    fc.record({ o: fc.nat({ max: objects.length - 1 }), s: poisoned, value: scalar }).map(({ o, s, value }) => {
      const field = fieldOf(objects[o]) || 'body';
      return new Input(`poisoned key added at ${field}`, serialise(addKey(validNode, objects[o], s.text, value)), { field, rule: s.rule });
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The endpoints
// ---------------------------------------------------------------------------------------------

interface Endpoint {
  name: string;
  path: (projectId: string) => string;
  credential: 'none' | 'instance' | 'publish' | 'read';
  valid: unknown;
  /** A string field of the valid body, for the deterministic NUL / surrogate cases. */
  stringField: Path;
}

const EVENT = {
  action: 'hostile.corpus',
  description: 'Zoë 🚀 文档',
  actor: { id: 'jdoe', name: 'John Doe', fields: { dept: 'ops' } },
  target: { id: 'doc-1', name: 'Résumé', type: 'document' },
  group: { id: 'acme', name: 'Acme' },
  crud: 'c',
  created: '2026-01-02T03:04:05.678Z',
  is_failure: false,
  fields: { k: 'v' },
};

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /audit/v1/event',
    path: () => '/audit/v1/event',
    credential: 'none',
    valid: { ...EVENT, name: 'n', title: 't', ip_address: '10.0.0.1', metadata: { m: 'x' } },
    stringField: ['actor', 'id'],
  },
  {
    name: 'POST /publisher/v1/project/{id}/event',
    path: (p) => `/publisher/v1/project/${p}/event`,
    credential: 'publish',
    valid: { ...EVENT, source_ip: '10.0.0.2', is_anonymous: false, component: 'c', version: '1' },
    stringField: ['actor', 'id'],
  },
  {
    name: 'POST /publisher/v1/project/{id}/event/bulk',
    path: (p) => `/publisher/v1/project/${p}/event/bulk`,
    credential: 'publish',
    valid: { events: [EVENT, { ...EVENT, action: 'hostile.corpus.2', actor: { id: 'asmith' } }] },
    stringField: ['events', 1, 'actor', 'id'],
  },
  {
    name: 'POST /publisher/v1/project/{id}/graphql',
    path: (p) => `/publisher/v1/project/${p}/graphql`,
    credential: 'read',
    valid: {
      query:
        'query Q($q: String, $n: Int) { search(query: $q, last: $n) { totalCount pageInfo { hasPreviousPage } edges { cursor node { id action actor { id } } } } }',
      variables: { q: 'action:hostile.*', n: 5 },
      operationName: 'Q',
    },
    stringField: ['variables', 'q'],
  },
  { name: 'POST /admin/v1/project', path: () => '/admin/v1/project', credential: 'instance', valid: { name: 'hostile project' }, stringField: ['name'] },
  {
    name: 'POST /admin/v1/project/{id}/token',
    path: (p) => `/admin/v1/project/${p}/token`,
    credential: 'instance',
    valid: { name: 'hostile token', scope: 'read' },
    stringField: ['name'],
  },
  {
    name: 'POST /admin/v1/token',
    path: () => '/admin/v1/token',
    credential: 'instance',
    valid: { name: 'hostile instance token', scope: 'directory' },
    stringField: ['scope'],
  },
  ...(['create', 'modify'] as const).map((verb): Endpoint => ({
    name: `POST /provisioning/v1/user/${verb}`,
    path: () => `/provisioning/v1/user/${verb}`,
    credential: 'instance',
    valid: {
      uuid: verb === 'create' ? '1b4e28ba-2fa1-11d2-883f-0016d3cca427' : '2c5f39cb-3fb2-22e3-994f-1127e4ddb538',
      user_id: 'u1',
      username: `hostile.${verb}`,
      first_name: 'Zoë',
      last_name: 'Ångström',
      full_name: 'Zoë Ångström',
      email: `hostile.${verb}@example.com`,
      dn: `CN=hostile ${verb},OU=People,DC=corp,DC=example`,
      upn: `hostile.${verb}@corp.example`,
      groups: ['CN=Auditors,OU=Groups,DC=corp,DC=example', 'plain-group'],
    },
    stringField: ['groups', 0],
  })),
  { name: 'POST /identity/v1/sync', path: () => '/identity/v1/sync', credential: 'instance', valid: { mode: 'full' }, stringField: ['mode'] },
];

const TABLES = ['audit_events', 'projects', 'api_tokens', 'directory_people'] as const;
type Counts = Record<(typeof TABLES)[number], number>;
const COUNT_SQL = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`;

const NUM_RUNS = Number(process.env.FC_RUNS ?? 80);
const fcParams = (numRuns = NUM_RUNS): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
});

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

describe.each(DIALECTS)('a hostile corpus on %s', (dialect) => {
  let db: TestDatabase;
  let t: TestApp;
  let projectId: string;
  const credentials: Record<Endpoint['credential'], Record<string, string>> = { none: {}, instance: adminHeaders(), publish: {}, read: {} };
  let countRows: () => Promise<Counts>;
  let closeCounter: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    t = await startTestApp(db.url, { env: { AUTH_FAILURES_PER_MINUTE: '0' } });
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${t.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...adminHeaders() },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; token: string };
    };
    projectId = (await admin('/admin/v1/project', { name: 'hostile' })).id;
    credentials.publish = { authorization: `Bearer ${(await admin(`/admin/v1/project/${projectId}/token`, { name: 'pub', scope: 'publish' })).token}` };
    credentials.read = { authorization: `Bearer ${(await admin(`/admin/v1/project/${projectId}/token`, { name: 'read', scope: 'read' })).token}` };
    if (dialect === 'sqlite') {
      const reader = new Database(db.url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
      const statement = reader.prepare(COUNT_SQL);
      countRows = async () => statement.get() as Counts;
      closeCounter = async () => void reader.close();
    } else {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      countRows = async () => {
        const row = (await client.query(COUNT_SQL)).rows[0] as Record<string, string>;
        return Object.fromEntries(TABLES.map((table) => [table, Number(row[table])])) as Counts;
      };
      closeCounter = () => client.end();
    }
    // Every endpoint's valid body is valid (or, for the sync without a directory, refused as such).
    for (const endpoint of ENDPOINTS) {
      const answer = await send(endpoint, JSON.stringify(endpoint.valid));
      expect({ endpoint: endpoint.name, status: answer.status < 300 || endpoint.name.includes('sync') ? 'ok' : `${answer.status} ${answer.text}` }).toEqual({
        endpoint: endpoint.name,
        status: 'ok',
      });
    }
  });
  afterAll(async () => {
    await closeCounter?.();
    await t?.close();
    await db?.drop();
  });

  async function send(
    endpoint: Endpoint,
    body: string | Buffer,
    contentType: string | undefined = 'application/json',
    path = endpoint.path(projectId),
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...credentials[endpoint.credential] };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers, body });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  /**
   * Sends one input and checks the answer: 2xx, or 4xx with the JSON error body and no row stored
   * (the counts are read before and after this very request). Returns the parsed error, if any.
   */
  async function sendAndCheck(endpoint: Endpoint, input: Input, contentType?: string, path?: string): Promise<{ answer: Answer; error?: any }> {
    const before = await countRows();
    const started = Date.now();
    const answer = await send(endpoint, input.body, contentType, path);
    if (process.env.HC_DEBUG && Date.now() - started > 200)
      process.stderr.write(
        `SLOW ${Date.now() - started}ms ${endpoint.name} ${input.label} ${input.body.length} → ${answer.status} ${answer.text.length} ${answer.text.slice(0, 150)}\n`,
      );
    const after = await countRows();
    const what = () => `${endpoint.name} (${input.label}) ${preview(input.body)}\n  → ${answer.status} ${answer.contentType} ${preview(answer.text, 600, 0)}`;
    if (answer.status >= 500) throw new Error(`answered ${answer.status}: ${what()}`);
    if (answer.status >= 200 && answer.status < 300) {
      if (input.expected) throw new Error(`accepted a body that must be refused naming ${input.expected.field} (${input.expected.rule}): ${what()}`);
      return { answer };
    }
    if (answer.status < 400) throw new Error(`answered neither 2xx nor 4xx: ${what()}`);
    let error: any;
    try {
      error = JSON.parse(answer.text);
    } catch {
      throw new Error(`a refusal whose body is not JSON: ${what()}`);
    }
    if (!/^application\/json/.test(answer.contentType ?? '')) throw new Error(`a refusal that is not application/json: ${what()}`);
    if (typeof error?.statusCode !== 'number' || error.statusCode !== answer.status) throw new Error(`a refusal without its numeric statusCode: ${what()}`);
    if (JSON.stringify(after) !== JSON.stringify(before))
      throw new Error(`a refused request changed the row counts ${JSON.stringify(before)} → ${JSON.stringify(after)}: ${what()}`);
    if (input.expected) {
      const first = error.errors?.[0];
      if (answer.status !== 400 || first?.field !== input.expected.field || first?.rule !== input.expected.rule) {
        throw new Error(`expected 400 naming ${input.expected.field} (${input.expected.rule}): ${what()}`);
      }
      if (typeof error.request_id !== 'string' || typeof first.message !== 'string') throw new Error(`an error body without request_id or message: ${what()}`);
    }
    return { answer, error };
  }

  /** After a property: nothing is written late (a refused request's row would appear here). */
  async function expectSettled(counts: Counts): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await countRows()).toEqual(counts);
  }

  describe('property-based: malformed bodies never get 5xx, and a refused body stores nothing', () => {
    it.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s: arbitrary malformed bodies', async (_name, endpoint) => {
      await fc.assert(
        fc.asyncProperty(malformedBodies(JSON.stringify(endpoint.valid)), async (input) => void (await sendAndCheck(endpoint, input))),
        fcParams(),
      );
      await expectSettled(await countRows());
    });

    it.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s: the valid body with one field mutated', async (_name, endpoint) => {
      await fc.assert(
        fc.asyncProperty(mutatedBodies(fromJson(endpoint.valid)), async (input) => void (await sendAndCheck(endpoint, input))),
        fcParams(),
      );
      await expectSettled(await countRows());
    });

    it.each(ENDPOINTS.map((e) => [e.name, e] as const))(
      '%s: one NUL or lone surrogate in any value or key is refused with 400 naming that field',
      async (_name, endpoint) => {
        await fc.assert(
          fc.asyncProperty(poisonedBodies(fromJson(endpoint.valid)), async (input) => void (await sendAndCheck(endpoint, input))),
          fcParams(Math.ceil(NUM_RUNS / 2)),
        );
        await expectSettled(await countRows());
      },
    );
  });

  describe('deterministic cases', () => {
    const withValue = (endpoint: Endpoint, path: Path, text: string) => serialise(edit(fromJson(endpoint.valid), path, () => raw(text)));
    const DEEP = 8000;
    const cases: [string, (e: Endpoint) => { body: string; contentType?: string; status: number; field: string | RegExp; rule: string }][] = [
      ['JSON arrays nested 8,000 deep', () => ({ body: '['.repeat(DEEP) + ']'.repeat(DEEP), status: 400, field: /^(\[0\]){32}$/, rule: 'maxDepth' })],
      [
        'JSON objects nested 8,000 deep',
        () => ({ body: '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP), status: 400, field: new RegExp(`^a(\\.a){31}$`), rule: 'maxDepth' }),
      ],
      [
        'objects nested 8,000 deep in a string field',
        (e) => ({
          body: withValue(e, e.stringField, '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)),
          status: 400,
          field: new RegExp(`^${escapeRegExp(fieldOf(e.stringField))}(\\.a)+$`),
          rule: 'maxDepth',
        }),
      ],
      ['nesting 33 deep (one past the limit)', () => ({ body: '['.repeat(33) + ']'.repeat(33), status: 400, field: /^(\[0\]){32}$/, rule: 'maxDepth' })],
      [
        '"\\u0000" in a string field',
        (e) => ({ body: withValue(e, e.stringField, '"a\\u0000b"'), status: 400, field: fieldOf(e.stringField), rule: 'noNulCharacter' }),
      ],
      [
        '"\\ud800" in a string field',
        (e) => ({ body: withValue(e, e.stringField, '"a\\ud800b"'), status: 400, field: fieldOf(e.stringField), rule: 'isWellFormedUnicode' }),
      ],
      [
        '"\\udc00\\ud800" (reversed pair) in a string field',
        (e) => ({ body: withValue(e, e.stringField, '"\\udc00\\ud800"'), status: 400, field: fieldOf(e.stringField), rule: 'isWellFormedUnicode' }),
      ],
      [
        '"\\ud800" in a key at the top level',
        (e) => ({ body: serialise(addKey(fromJson(e.valid), [], '\ud800', lit('x'))), status: 400, field: 'body', rule: 'isWellFormedUnicode' }),
      ],
      [
        '"\\u0000" in a key at the top level',
        (e) => ({ body: serialise(addKey(fromJson(e.valid), [], 'k\u0000', lit('x'))), status: 400, field: 'body', rule: 'noNulCharacter' }),
      ],
      ['content-type: text/plain', (e) => ({ body: JSON.stringify(e.valid), contentType: 'text/plain', status: 415, field: 'content-type', rule: 'isJson' })],
      [
        'content-type: text/plain; charset=utf-8',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'text/plain; charset=utf-8', status: 415, field: 'content-type', rule: 'isJson' }),
      ],
      [
        'content-type: application/x-www-form-urlencoded',
        (_e) => ({ body: 'name=x&action=x', contentType: 'application/x-www-form-urlencoded', status: 415, field: 'content-type', rule: 'isJson' }),
      ],
      [
        'content-type: application/xml',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'application/xml', status: 415, field: 'content-type', rule: 'isJson' }),
      ],
      [
        'content-type: application/octet-stream',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'application/octet-stream', status: 415, field: 'content-type', rule: 'isJson' }),
      ],
      [
        'content-type: multipart/form-data',
        (_e) => ({ body: '--x\r\n\r\n{}\r\n--x--', contentType: 'multipart/form-data; boundary=x', status: 415, field: 'content-type', rule: 'isJson' }),
      ],
      [
        'content-type: application/json; charset=utf-16',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'application/json; charset=utf-16', status: 415, field: 'content-type', rule: 'isUtf8' }),
      ],
      [
        'content-type: application/json;charset="UTF-16LE"',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'application/json;charset="UTF-16LE"', status: 415, field: 'content-type', rule: 'isUtf8' }),
      ],
      [
        'content-type: application/json; charset=latin1',
        (e) => ({ body: JSON.stringify(e.valid), contentType: 'application/json; charset=latin1', status: 415, field: 'content-type', rule: 'isUtf8' }),
      ],
    ];

    it.each(ENDPOINTS.flatMap((e) => cases.map(([name, make]) => [e.name, name, e, make] as const)))('%s: %s', async (_e, _c, endpoint, make) => {
      const c = make(endpoint);
      const before = await countRows();
      const answer = await send(endpoint, c.body, c.contentType);
      expect(await countRows()).toEqual(before);
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: c.status,
        contentType: expect.stringMatching(/^application\/json/),
      });
      const error = JSON.parse(answer.text);
      expect(error).toMatchObject({ statusCode: c.status, error: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
      expect(error.errors[0]).toEqual({
        field: c.field instanceof RegExp ? expect.stringMatching(c.field) : c.field,
        rule: c.rule,
        message: expect.any(String),
      });
    });

    /** `constructor` as an own key of a nested plain object (secure-json-parse lets it through unless it holds a `prototype`). */
    const CONSTRUCTOR_VALUES = ['{"constructor":1}', '{"constructor":{}}', '[{"constructor":true}]'];
    it.each(ENDPOINTS.flatMap((e) => CONSTRUCTOR_VALUES.map((value) => [e.name, fieldOf(e.stringField), value, e] as const)))(
      '%s: %s set to %s is refused with a 4xx, never a 5xx',
      async (_e, _f, value, endpoint) => {
        const { answer } = await sendAndCheck(
          endpoint,
          new Input(`${fieldOf(endpoint.stringField)} = ${value}`, withValue(endpoint, endpoint.stringField, value)),
        );
        expect(answer.status).toBeGreaterThanOrEqual(400);
      },
    );

    it.each([
      ['a variable of the wrong type', { variables: { q: true, n: 5 } }, /^variables/],
      ['a variable out of the Int range', { variables: { q: 'x', n: 2 ** 31 } }, /^variables/],
      ['an unknown operationName', { operationName: 'Nope' }, /^operationName/],
    ])('POST …/graphql: %s is refused in the one error shape, naming the field', async (_name, change, field) => {
      const graphql = ENDPOINTS.find((e) => e.name.endsWith('graphql'))!;
      const { answer, error } = await sendAndCheck(graphql, new Input(_name, JSON.stringify({ ...(graphql.valid as object), ...change })));
      expect(answer.status).toBe(400);
      expect(error).toMatchObject({ statusCode: 400, errors: [expect.objectContaining({ field: expect.stringMatching(field), rule: expect.any(String) })] });
    });

    /** Values each validator lets through, which must not then break what comes after it (storage, date arithmetic). */
    const ACCEPTED_EDGES: [string, Path, unknown][] = [
      ['an ISO 8601 week date as created', ['created'], '2026-W01-1'],
      ['an ISO 8601 ordinal date as created', ['created'], '2026-001'],
      ['a basic-format ISO 8601 time as created', ['created'], '20260101T000000Z'],
      ['a comma fraction in created', ['created'], '2026-01-01T00:00:00,5Z'],
      ['February 30th as created', ['created'], '2026-02-30T00:00:00Z'],
      ['year 0 as created', ['created'], '0000-01-01T00:00:00Z'],
      ['an IPv6 address with a zone as the IP', ['@ip'], 'fe80::1%eth0'],
      ['an IPv6 address with a 60-character zone as the IP', ['@ip'], `fe80::1%${'a'.repeat(60)}`],
      ['the longest IPv4-mapped IPv6 form as the IP', ['@ip'], '0000:0000:0000:0000:0000:ffff:255.255.255.255'],
      ['an action of 1,024 astral characters', ['action'], '\u{1f600}'.repeat(1024)],
      ['an actor id with every C0 control but NUL', ['actor', 'id'], Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')],
      ['a description with U+FFFE, U+FFFF and U+10FFFF', ['description'], '\ufffe\uffff\u{10ffff}'],
    ];
    const ingestion = ENDPOINTS.filter((e) => /\/event/.test(e.name));
    it.each(ingestion.flatMap((e) => ACCEPTED_EDGES.map(([name, path, value]) => [e.name, name, e, path, value] as const)))(
      '%s: %s is stored or refused with a 4xx, never a 5xx',
      async (_e, _c, endpoint, path, value) => {
        const event = (body: any) => (endpoint.name.endsWith('bulk') ? body.events[0] : body);
        const body = JSON.parse(JSON.stringify(endpoint.valid));
        const target = event(body);
        if (path[0] === '@ip') target[endpoint.name.startsWith('POST /audit') ? 'ip_address' : 'source_ip'] = value;
        else if (path.length === 2) target[path[0]][path[1]] = value;
        else target[path[0]] = value;
        await sendAndCheck(endpoint, new Input(String(path), JSON.stringify(body)));
      },
    );

    it('POST …/graphql: GraphQL string escapes that decode to NUL reach no database (4xx, never 5xx)', async () => {
      const graphql = ENDPOINTS.find((e) => e.name.endsWith('graphql'))!;
      // The body holds no NUL (JSON-level): the GraphQL literal's own \u0000 escape decodes to one.
      for (const search of ['actor.id:"\u0000"', '\u0000', 'description:"a\u0000b"', 'external_id:"\u0000"', 'action:"\u0000*"', 'actor.name:"x\u0000"']) {
        const query = `{ search(query: ${JSON.stringify(search)}, last: 5) { totalCount edges { node { id } } } }`;
        await sendAndCheck(graphql, new Input(`GraphQL literal ${JSON.stringify(search)}`, JSON.stringify({ query })));
      }
      // A lone surrogate escape in a GraphQL literal is not GraphQL: 400.
      const { answer } = await sendAndCheck(
        graphql,
        new Input('GraphQL literal \\uD800', JSON.stringify({ query: '{ search(query: "\\uD800") { totalCount } }' })),
      );
      expect(answer.status).toBe(400);
    });

    it.each(ingestion.map((e) => [e.name, e] as const))(
      '%s: an unstorable event does not fail the valid events committed alongside it',
      async (_name, endpoint) => {
        const good = JSON.stringify(endpoint.valid);
        const bad = good.replace('"2026-01-02T03:04:05.678Z"', '"2026-W01-1"');
        expect(bad).not.toBe(good);
        const answers = await Promise.all([
          ...Array.from({ length: 10 }, () => send(endpoint, good)),
          send(endpoint, bad),
          ...Array.from({ length: 10 }, () => send(endpoint, good)),
        ]);
        // (How the unstorable one itself is answered is the business of the case above.)
        expect(answers.filter((_, i) => i !== 10).map((a) => a.status)).toEqual(Array(20).fill(201));
      },
    );

    it.each(['%00', '%ED%A0%80', '%C0%80', '%FF', '%'])('a project id of %s in the path is refused with a 4xx and nothing stored', async (segment) => {
      const publisher = ENDPOINTS.find((e) => e.name === 'POST /publisher/v1/project/{id}/event')!;
      await sendAndCheck(
        publisher,
        new Input(`path ${segment}`, JSON.stringify(publisher.valid)),
        'application/json',
        `/publisher/v1/project/${segment}/event`,
      );
    });
  });

  describe('query strings', () => {
    it.each([
      ['actor=%00', 'actor', 'noNulCharacter'],
      ['actor=a%00b', 'actor', 'noNulCharacter'],
      ['actor=%ED%A0%80', 'actor', undefined],
      ['q=%ED%A0%80', 'q', undefined],
      ['q=%C0%80', 'q', undefined],
      ['q=%FF%FE', 'q', undefined],
      ['action=%F0%9F%98', 'action', undefined],
      ['limit=0x10', 'limit', 'isDecimalInteger'],
      ['limit=%205', 'limit', 'isDecimalInteger'],
      ['limit=5%20', 'limit', 'isDecimalInteger'],
      ['limit=1e3', 'limit', 'isDecimalInteger'],
      ['limit=%2B5', 'limit', 'isDecimalInteger'],
      ['limit=5.0', 'limit', 'isDecimalInteger'],
      ['limit=%EF%BC%95' /* fullwidth 5 */, 'limit', 'isDecimalInteger'],
      ['limit=1&limit=2', 'limit', undefined],
      ['since=2026-W01-1', 'since', undefined],
    ])('GET /audit/v1/events?%s → 400 naming %s', async (query, field, rule) => {
      const before = await countRows();
      const response = await fetch(`${t.baseUrl}/audit/v1/events?${query}`, { headers: adminHeaders() });
      const text = await response.text();
      expect({ status: response.status, body: text.slice(0, 400) }).toEqual({ status: 400, body: expect.any(String) });
      expect(await countRows()).toEqual(before);
      const error = JSON.parse(text);
      expect(error.statusCode).toBe(400);
      expect(error.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
    });

    it('arbitrary percent-encoded query strings never get 5xx, and a refused read records nothing', async () => {
      const PARAMS = [
        'project',
        'actor',
        'member_of',
        'action',
        'group',
        'target',
        'ip',
        'since',
        'until',
        'failure',
        'reads',
        'q',
        'limit',
        'cursor',
        'format',
        'x',
      ];
      const byte = fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`);
      const value = fc.oneof(
        fc
          .array(fc.oneof(byte, fc.constantFrom('a', '1', '*', '.', '-', ':', '%', '+', '&', '=', '%00', '%ED%A0%80')), { maxLength: 12 })
          .map((parts) => parts.join('')),
        fc.constantFrom(...EDGE_STRINGS.filter((s) => s.length < 200)).map(encodeURIComponent),
        anyText.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
      );
      const query = fc
        .array(fc.tuple(fc.constantFrom(...PARAMS), value), { minLength: 1, maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const before = await countRows();
          const response = await fetch(`${t.baseUrl}/audit/v1/events?${q}`, { headers: adminHeaders() });
          const text = await response.text();
          const after = await countRows();
          const what = `GET /audit/v1/events?${q} → ${response.status} ${text.slice(0, 300)}`;
          if (response.status >= 500) throw new Error(what);
          if (response.status >= 400) {
            if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`a refused read changed the counts: ${what}`);
            if (typeof JSON.parse(text).statusCode !== 'number') throw new Error(`no statusCode: ${what}`);
          }
        }),
        fcParams(),
      );
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
