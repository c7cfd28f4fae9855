import type { SelectQueryBuilder } from 'typeorm';
import type { AuditEventEntity } from './audit-event.entity';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { MAX_WORD_LENGTH, splitWords } from './search-words';

/**
 * The SQL that differs per database when reading events: free text and long value lists.
 * One file per database; a team adding a database provides EVENT_SEARCH_DIALECT.
 */
export interface EventSearchDialect {
  /** Every term must occur in the event's searchable text (a prefix term: a word starting with it). */
  fullText(qb: SelectQueryBuilder<AuditEventEntity>, terms: SearchTerm[]): void;
  /** `column` is one of `values` (which may be thousands long). */
  anyOf(qb: SelectQueryBuilder<AuditEventEntity>, column: string, values: string[], parameter: string): void;
  /**
   * Every row of a query, in batches, holding memory to one batch whatever the size; stopping the
   * iteration (the client went away) releases what the database holds for it. `query(beforeSeq)`
   * builds the ordered (seq descending) query, continuing below `beforeSeq` when given.
   */
  batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]>;
  /**
   * Optional: every row of a query (read as `batches` reads it) as a line of text in `format`, built
   * where the rows are read — for exports, several times faster than reading each row as an entity
   * and serialising it. Undefined when this query is not rendered that way (then `batches` is read).
   * A row that cannot be rendered byte for byte as the service would comes back as its id
   * (`unrendered`), to be rendered by the service.
   */
  renderedLines?(
    query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>,
    format: LineFormat,
    batchSize: number,
  ): AsyncIterable<RenderedLines> | undefined;
}

/** Lines of an export, in order: the text or UTF-8 bytes of `rows` whole lines, or one row to render in the service. */
export type RenderedLines = { lines: string | Uint8Array; rows: number } | { unrendered: string };

/**
 * One value of an exported line, by the events table column it comes from: `text` a string
 * (JSON: a string or null; CSV: a cell), `integer`, `boolean`, `json` a column holding JSON text
 * (embedded as it is; CSV: a cell of that text), `time` epoch milliseconds as ISO 8601 with
 * milliseconds (`Date.prototype.toISOString`), `object` a nested JSON object.
 */
export type LineValue = (
  | {
      text: string;
      /**
       * The column often holds commas (free text, names, DNs). Only a speed hint: a CSV renderer
       * may look for commas in the other text cells of a row at once, and in these one by one.
       */
      commas?: 'often';
    }
  | { integer: string }
  | { boolean: string }
  | { json: string }
  | { time: string }
  | { object: [key: string, value: LineValue][] }
) & {
  /** NULL (JSON null, an empty CSV cell) when this column is NULL. */
  unless?: string;
};

/**
 * A line of an export: `ndjson`, a JSON object (keys in this order, as JSON.stringify writes them)
 * and a newline; `csv`, RFC 4180 cells with spreadsheet formulas neutralised (query/export/csv.ts)
 * and CRLF.
 */
export type LineFormat = { ndjson: [key: string, value: LineValue][] } | { csv: LineValue[] };

export const EVENT_SEARCH_DIALECT = Symbol('EVENT_SEARCH_DIALECT');

/** Most words one query searches for (more only slow the search, never narrow it usefully). */
export const MAX_SEARCH_WORDS = 32;

/** Shortest start of a word that a trailing `*` searches by; a shorter one is matched as a whole word. */
export const MIN_PREFIX_LENGTH = 3;

/** One word of a free-text query; `prefix`: any indexed word starting with it matches. */
export interface SearchTerm {
  word: string;
  prefix: boolean;
}

/**
 * The terms of a free-text query: its words, split exactly as events are indexed (see
 * search-words.ts); the last word of a whitespace-separated part that ends in `*` (`invoic*`,
 * `jdoe@corp*`) is a prefix. Callers check the text first (checkSearchText).
 */
export function searchTerms(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const part of text.split(/\s+/)) {
    const words = splitWords(part);
    const prefixed = part.endsWith('*');
    words.forEach((word, i) => terms.push({ word, prefix: prefixed && i === words.length - 1 && word.length >= MIN_PREFIX_LENGTH }));
  }
  return terms.slice(0, MAX_SEARCH_WORDS);
}

/**
 * Refuses free text that could not be searched as written: a word longer than the index keeps
 * (it would have to be dropped, widening the match to every event) or more words than a query
 * searches for (the rest would be dropped the same way). `texts` are every free-text part of one query.
 */
export function checkSearchText(texts: string[], field: string): void {
  const words = texts.flatMap((text) => splitWords(text));
  const long = words.find((word) => word.length > MAX_WORD_LENGTH);
  if (long !== undefined) {
    throw new InvalidInputException([
      { field, rule: 'maxWordLength', message: `${field} has a word of ${long.length} characters; words are indexed up to ${MAX_WORD_LENGTH}` },
    ]);
  }
  if (words.length > MAX_SEARCH_WORDS) {
    throw new InvalidInputException([{ field, rule: 'maxWords', message: `${field} has ${words.length} words; at most ${MAX_SEARCH_WORDS} are searched for` }]);
  }
}
