import type { FieldError } from './api-error';

declare global {
  interface String {
    /** ES2024, in Node 20's V8; TypeScript's es2022 lib does not declare it. */
    isWellFormed(): boolean;
  }
}

/** Deepest nesting of objects and arrays a request body may have (an event is 3 deep, a bulk body 4). */
export const MAX_JSON_DEPTH = 32;
/** Most keys one object may have: validating (and explaining) tens of thousands would hold the event loop for seconds. */
export const MAX_OBJECT_KEYS = 1_000;
/**
 * Keys no body may use: `__proto__` is refused by the JSON parser already; `constructor` and
 * `prototype` make class-transformer, which explains invalid bodies, throw.
 */
const RESERVED_KEYS = new Set(['constructor', 'prototype', '__proto__']);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathOf(frame: Frame): string {
  let path = '';
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) {
    path = typeof f.key === 'number' ? `[${f.key}]${path}` : `${f.parent.parent ? '.' : ''}${f.key}${path}`;
  }
  return path;
}

/** Text no database stores faithfully: NUL (PostgreSQL refuses it) and lone surrogates (not Unicode; SQLite rewrites them). */
function textProblem(text: string): 'hasNul' | 'isWellFormed' | undefined {
  if (text.includes('\u0000')) return 'hasNul';
  if (!text.isWellFormed()) return 'isWellFormed';
  return undefined;
}

const MESSAGES = {
  hasNul: (field: string) => `${field} must not contain the NUL character (\\u0000)`,
  isWellFormed: (field: string) => `${field} must be well-formed Unicode (no lone surrogate such as \\ud800)`,
};

/**
 * True if `inspectRequestValue` finds nothing: the same rules, checked without paths. Recursive, but
 * never deeper than `maxDepth` + 1 calls (a value that deep is not clean). `for…in` visits at least
 * the own keys `Object.keys` lists, so whatever it calls clean is clean.
 */
function isClean(value: unknown, depth: number, maxDepth: number): boolean {
  if (typeof value === 'string') return textProblem(value) === undefined;
  if (value === null || typeof value !== 'object') return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isClean(value[i], depth + 1, maxDepth)) return false;
    return true;
  }
  let keys = 0;
  for (const key in value) {
    if (++keys > MAX_OBJECT_KEYS || RESERVED_KEYS.has(key) || textProblem(key) !== undefined) return false;
    if (!isClean((value as Record<string, unknown>)[key], depth + 1, maxDepth)) return false;
  }
  return true;
}

/**
 * The first reason a parsed request value (a JSON body, a query string) cannot be taken as it is:
 * nesting deeper than `maxDepth`, or a string or key holding NUL or a lone surrogate. Named by the
 * field's path (`events[2].actor.id`). Iterative, so no input can exhaust the stack.
 */
export function inspectRequestValue(root: unknown, rootName = 'body', maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  // Nearly every value is clean: confirm that without building a path frame per value, and walk
  // again, with paths, only to name the first problem.
  if (isClean(root, 0, maxDepth)) return undefined;
  const stack: Frame[] = [{ value: root, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) {
        const field = pathOf(frame) || rootName;
        return { field, rule: problem === 'hasNul' ? 'noNulCharacter' : 'isWellFormedUnicode', message: MESSAGES[problem](field) };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (frame.depth >= maxDepth) {
      const field = pathOf(frame) || rootName;
      return { field, rule: 'maxDepth', message: `${rootName} must not nest objects and arrays more than ${maxDepth} deep` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: frame.depth + 1, parent: frame, key: i });
    } else {
      const keys = Object.keys(value);
      if (keys.length > MAX_OBJECT_KEYS) {
        const field = pathOf(frame) || rootName;
        return { field, rule: 'maxKeys', message: `${field} must have at most ${MAX_OBJECT_KEYS} keys, got ${keys.length}` };
      }
      for (const key of keys) {
        if (RESERVED_KEYS.has(key)) {
          const field = pathOf(frame) || rootName;
          return { field, rule: 'reservedKey', message: `${field} must not have a key named ${key}` };
        }
        const problem = textProblem(key);
        if (problem) {
          const field = pathOf(frame) || rootName;
          return {
            field,
            rule: problem === 'hasNul' ? 'noNulCharacter' : 'isWellFormedUnicode',
            message: `${field} has a key that ${MESSAGES[problem]('').trim()}`,
          };
        }
        stack.push({ value: (value as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return undefined;
}
