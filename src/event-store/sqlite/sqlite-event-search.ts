import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { AuditEventEntity } from '../audit-event.entity';
import type { EventSearchDialect, LineFormat, RenderedLines, SearchTerm } from '../event-search-dialect';
import { renderedLinesSql } from './sqlite-line-sql';

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

  /** Each line built by SQLite (sqlite-line-sql.ts), in keyset batches as `batches` reads rows. */
  async *renderedLines(
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
