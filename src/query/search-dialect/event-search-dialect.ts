import type { SelectQueryBuilder } from 'typeorm';
import type { AuditEventEntity } from '../../ingestion/audit-event.entity';
import { MAX_WORD_LENGTH, splitWords } from '../../ingestion/search-words';

/**
 * The SQL that differs per database when reading events: free text and long value lists.
 * One file per database; a team adding a database provides EVENT_SEARCH_DIALECT.
 */
export interface EventSearchDialect {
  /** Every word of `terms` must occur in the event's searchable text. */
  fullText(qb: SelectQueryBuilder<AuditEventEntity>, words: string[]): void;
  /** `column` is one of `values` (which may be thousands long). */
  anyOf(qb: SelectQueryBuilder<AuditEventEntity>, column: string, values: string[], parameter: string): void;
  /**
   * Every row of a query, in batches, holding memory to one batch whatever the size; stopping the
   * iteration (the client went away) releases what the database holds for it. `query(beforeSeq)`
   * builds the ordered (seq descending) query, continuing below `beforeSeq` when given.
   */
  batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]>;
}

export const EVENT_SEARCH_DIALECT = Symbol('EVENT_SEARCH_DIALECT');

/** Most words one query searches for (more only slow the search, never narrow it usefully). */
export const MAX_SEARCH_WORDS = 32;

/**
 * The words of a free-text query, split exactly as events are indexed (see search-words.ts); a word
 * too long to be indexed is left out rather than matching nothing.
 */
export function searchWords(text: string): string[] {
  return splitWords(text)
    .filter((word) => word.length <= MAX_WORD_LENGTH)
    .slice(0, MAX_SEARCH_WORDS);
}
