import Database from 'better-sqlite3';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { AuditEventEntity } from '../audit-event.entity';
import type { EventSearchDialect, LineFormat, RenderedLines, SearchTerm } from '../event-search-dialect';
import { markedLinesSql, renderedLinesSql } from './sqlite-line-sql';

/** SQLite: the FTS5 table `audit_events_fts`, and json_each for long lists (no parameter limit). */
export class SqliteEventSearch implements EventSearchDialect {
  constructor(private readonly dataSource: DataSource) {}

  fullText(qb: SelectQueryBuilder<AuditEventEntity>, terms: SearchTerm[]): void {
    // Each word quoted: FTS5 operators in user text (AND, NEAR, *, :) stay literal; a `*` after the
    // closing quote makes the word a prefix.
    const match = terms.map((t) => `"${t.word.replace(/"/g, '')}"${t.prefix ? '*' : ''}`).join(' ');
    qb.andWhere(`e.rowid IN (SELECT rowid FROM audit_events_fts WHERE audit_events_fts MATCH :ftsQuery)`, { ftsQuery: match });
  }

  anyOf(qb: SelectQueryBuilder<AuditEventEntity>, column: string, values: string[], parameter: string): void {
    qb.andWhere(`e.${column} IN (SELECT value FROM json_each(:${parameter}))`, { [parameter]: JSON.stringify(values) });
  }

  /**
   * Keyset batches (seq below the last one seen) rather than a statement iterator: better-sqlite3
   * has one connection, and an open iterator would keep every writer waiting until the export ends.
   * Audit events are never deleted and new ones get higher seqs, so no row is missed or repeated.
   */
  async *batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]> {
    let before: number | undefined;
    for (;;) {
      const rows = await query(before).limit(batchSize).getMany();
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < batchSize) return;
      before = rows[rows.length - 1].seq;
    }
  }

  /**
   * Each line built by SQLite (sqlite-line-sql.ts). A database file is read through a read-only
   * connection of the export's own, one statement stepped a slice at a time: one consistent
   * snapshot (WAL lets writers go on), without re-running the query per batch (measured about a
   * third faster than keyset batches). An in-memory database has no second connection: keyset
   * batches on the service's own.
   */
  async *renderedLines(
    query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>,
    format: LineFormat,
    batchSize: number,
  ): AsyncGenerator<RenderedLines> {
    const file = this.databaseFile();
    if (file === undefined) {
      yield* this.renderedBatches(query, format, batchSize);
      return;
    }
    const [sql, parameters] = query().getQueryAndParameters();
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(markedLinesSql(sql, format))
        .pluck(true)
        .iterate(...parameters) as IterableIterator<string>;
      try {
        for (;;) {
          // A slice of lines, then the event loop: requests are served between slices.
          let lines = '';
          let count = 0;
          let done = false;
          for (let i = 0; i < batchSize; i++) {
            const next = rows.next();
            if (next.done) {
              done = true;
              break;
            }
            const line = next.value;
            if (line.charCodeAt(0) !== 0) {
              lines += line;
              count += 1;
              continue;
            }
            if (count > 0) yield { lines, rows: count };
            lines = '';
            count = 0;
            yield { unrendered: line.slice(1) };
          }
          if (count > 0) yield { lines, rows: count };
          if (done) return;
        }
      } finally {
        rows.return?.();
      }
    } finally {
      db.close();
    }
  }

  /** The database file, when there is one (not in memory). */
  private databaseFile(): string | undefined {
    const file = (this.dataSource.options as { database?: unknown }).database;
    return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file::memory:') ? file : undefined;
  }

  /** Each line built by SQLite, in keyset batches as `batches` reads rows. */
  private async *renderedBatches(
    query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>,
    format: LineFormat,
    batchSize: number,
  ): AsyncGenerator<RenderedLines> {
    let before: number | undefined;
    for (;;) {
      const [sql, parameters] = query(before).limit(batchSize).getQueryAndParameters();
      const rows: { line: string | null; id: string; seq: number }[] = await this.dataSource.query(renderedLinesSql(sql, format), parameters);
      if (rows.length === 0) return;
      // Runs of rendered lines as one text; a row SQLite does not render (a time outside years 1970-9999) by its id.
      let lines = '';
      let count = 0;
      for (const row of rows) {
        if (row.line !== null) {
          lines += row.line;
          count += 1;
          continue;
        }
        if (count > 0) yield { lines, rows: count };
        lines = '';
        count = 0;
        yield { unrendered: row.id };
      }
      if (count > 0) yield { lines, rows: count };
      if (rows.length < batchSize) return;
      before = Number(rows[rows.length - 1].seq);
    }
  }
}
