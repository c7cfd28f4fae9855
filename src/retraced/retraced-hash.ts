/**
 * Retraced event hash ("hash target" / canonical string), mirrored from the
 * official client `@retracedhq/retraced` 0.7.23, `lib/event.js`
 * (`computeHash` / `buildHashTarget`). The Retraced server computes the
 * hash it returns in `{ id, hash }` by calling that same `computeHash` on
 * `fromCreateEventInput(body, newId)` (retracedhq/retraced
 * `src/models/event/canonicalize.ts` and `src/handlers/createEvent.ts`).
 * See docs/retraced-protocol.md for the sources and the published test vectors.
 *
 *   canonical = P1(id) ":" P1(action) ":"
 *               (isEmpty(target) ? "" : P1(target.id)) ":"
 *               (isEmpty(actor)  ? "" : P1(actor.id))  ":"
 *               (isEmpty(group)  ? "" : P1(group.id))  ":"
 *               (isEmpty(source_ip) ? "" : P1(source_ip)) ":"
 *               (is_failure ? "1" : "0") ":"
 *               (is_anonymous ? "1" : "0") ":"
 *               (fields falsy ? ":" : for k in sortedKeys(fields): P2(P1(k)) "=" P2(P1(fields[k])) ";")
 *               [external_id truthy ? ":" P1(external_id)]
 *               [metadata truthy ? ":" + (for k in sortedKeys(metadata): P2(P1(k)) "=" P2(P1(metadata[k])) ";")]
 *   hash      = hex(sha256(utf8(canonical)))
 *
 *   P1: "%" -> "%25", then ":" -> "%3A"   (every value)
 *   P2: "=" -> "%3D", then ";" -> "%3B"   (keys and values of fields / metadata only)
 *   sortedKeys: Object.keys(...).sort()  (UTF-16 code-unit order, case-sensitive)
 *   isEmpty:    lodash `_.isEmpty` (null/undefined, "", [], {} are empty)
 *
 * NOT part of the hash: crud, created, description, group.name, actor.name,
 * actor.href, actor.fields, target.name, target.href, target.type,
 * target.fields, component, version.
 *
 * Pure and dependency-free (node:crypto only).
 */
import { hash } from 'node:crypto';

export type RetracedFields = Record<string, string>;

export type RetracedCrud = 'c' | 'r' | 'u' | 'd';

export interface RetracedGroup {
  id: string;
  name?: string;
}

export interface RetracedActor {
  id: string;
  name?: string;
  href?: string;
  fields?: RetracedFields;
}

export interface RetracedTarget {
  id: string;
  name?: string;
  href?: string;
  type?: string;
  fields?: RetracedFields;
}

/**
 * The Retraced publisher event shape (request body of
 * `POST /publisher/v1/project/{projectId}/event`). `null` is accepted on the
 * optional members because JSON-decoded bodies may carry it; it behaves like
 * an absent member, exactly as in the client (falsy / lodash-empty).
 */
export interface RetracedPublisherEvent {
  action: string;
  crud?: RetracedCrud | null;
  group?: RetracedGroup | null;
  actor?: RetracedActor | null;
  target?: RetracedTarget | null;
  source_ip?: string | null;
  description?: string | null;
  is_failure?: boolean | null;
  is_anonymous?: boolean | null;
  fields?: RetracedFields | null;
  metadata?: RetracedFields | null;
  created?: string | Date | null;
  component?: string | null;
  version?: string | null;
  external_id?: string | null;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The subset of lodash `_.isEmpty` semantics the formula relies on:
 * null/undefined -> empty; strings, arrays and typed arrays -> length 0;
 * Map/Set -> size 0; other objects (and functions) -> no own enumerable
 * string keys; every other primitive (numbers, booleans, ...) -> empty.
 */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.length === 0;
  if (Array.isArray(value)) return value.length === 0;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return (value as unknown as { length: number }).length === 0;
  }
  if (value instanceof Map || value instanceof Set) return value.size === 0;
  if (typeof value === 'object' || typeof value === 'function') {
    for (const key in value) {
      if (hasOwn.call(value, key)) return false;
    }
    return true;
  }
  return true;
}

/** Property read that tolerates null/undefined holders, like `_.get(obj, "a.b")`. */
function member(holder: unknown, key: string): unknown {
  if (holder === null || holder === undefined) return undefined;
  return (holder as Record<string, unknown>)[key];
}

/**
 * encodePassOne: `%` -> `%25`, then `:` -> `%3A`. Like the client, falsy values
 * and values without a `replace` method are passed through untouched (and are
 * later stringified by template interpolation, e.g. `undefined` -> "undefined").
 */
function passOne(value: unknown): unknown {
  if (!value) return value;
  const v = value as { replace?: unknown };
  if (!v.replace) return value;
  // Most values hold neither character: the same string, without two regular-expression passes.
  if (typeof value === 'string' && value.indexOf('%') === -1 && value.indexOf(':') === -1) return value;
  return (value as string).replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** encodePassTwo: `=` -> `%3D`, then `;` -> `%3B` (same pass-through rules). */
function passTwo(value: unknown): unknown {
  if (!value) return value;
  const v = value as { replace?: unknown };
  if (!v.replace) return value;
  if (typeof value === 'string' && value.indexOf('=') === -1 && value.indexOf(';') === -1) return value;
  return (value as string).replace(/=/g, '%3D').replace(/;/g, '%3B');
}

/** `k=v;` pairs in `Object.keys(map).sort()` order, both sides double-escaped. */
function encodeMap(map: unknown): string {
  const record = map as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    out += `${passTwo(passOne(key))}=${passTwo(passOne(record[key]))};`;
  }
  return out;
}

const REQUIRED_SUBFIELDS: ReadonlyArray<readonly [string, string]> = [
  ['group', 'group.id'],
  ['target', 'target.id'],
  ['actor', 'actor.id'],
];

/** The same checks, order and messages as the client's `computeHash`. */
function validate(event: RetracedPublisherEvent, id: string): void {
  if (!id) {
    throw new Error("Canonicalization failed: missing required event attribute 'id'");
  }
  if (isEmpty(member(event, 'action'))) {
    throw new Error("Canonicalization failed: missing required event attribute 'action'");
  }
  for (const [field, subfield] of REQUIRED_SUBFIELDS) {
    const parent = member(event, field);
    if (!isEmpty(parent) && isEmpty(member(parent, 'id'))) {
      throw new Error(`Canonicalization failed: missing attribute '${subfield}' which is required when '${field}' is present.`);
    }
  }
}

/**
 * The Retraced canonical string ("hash target") for `event` stored under `id`.
 * Throws exactly where the official client's `computeHash` throws (missing
 * id, missing action, group/target/actor present without a non-empty id).
 */
export function retracedCanonicalString(event: RetracedPublisherEvent, id: string): string {
  validate(event, id);

  let s = '';
  s += `${passOne(id)}:`;
  s += `${passOne(event.action)}:`;
  s += isEmpty(event.target) ? ':' : `${passOne(member(event.target, 'id'))}:`;
  s += isEmpty(event.actor) ? ':' : `${passOne(member(event.actor, 'id'))}:`;
  s += isEmpty(event.group) ? ':' : `${passOne(member(event.group, 'id'))}:`;
  s += isEmpty(event.source_ip) ? ':' : `${passOne(event.source_ip)}:`;
  s += event.is_failure ? '1:' : '0:';
  s += event.is_anonymous ? '1:' : '0:';

  // Absent (falsy) fields -> a lone ":" placeholder; present-but-empty `{}` -> nothing.
  s += event.fields ? encodeMap(event.fields) : ':';

  if (event.external_id) {
    s += `:${passOne(event.external_id)}`;
  }
  if (event.metadata) {
    s += `:${encodeMap(event.metadata)}`;
  }
  return s;
}

/** Lower-case hex SHA-256 of the UTF-8 canonical string: the `hash` Retraced returns (one-shot `crypto.hash`, a third of `createHash`'s cost). */
export function retracedHash(event: RetracedPublisherEvent, id: string): string {
  return hash('sha256', retracedCanonicalString(event, id), 'hex');
}
