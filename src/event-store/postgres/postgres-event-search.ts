import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../audit-event.entity';
import type { EventSearchDialect, LineFormat, SearchTerm } from '../event-search-dialect';
import { renderedLinesSql } from '../shared/line-sql';
import { POSTGRES_LINE_SQL } from './postgres-line-sql';

/** PostgreSQL: `search_vector` (GIN-indexed, words computed at write time) and `= ANY(array)`. */
export class PostgresEventSearch implements EventSearchDialect {
  constructor(private readonly dataSource: DataSource) {}

  fullText(qb: SelectQueryBuilder<AuditEventEntity>, terms: SearchTerm[]): void {
    // The words are the indexed lexemes as they are (letters and digits only, so quoting is safe):
    // cast to tsquery, not parsed by a text search configuration that could split them differently.
    const query = terms.map((t) => `'${t.word}'${t.prefix ? ':*' : ''}`).join(' & ');
    qb.andWhere(`e.search_vector @@ CAST(:ftsQuery AS tsquery)`, { ftsQuery: query });
  }

  anyOf(qb: SelectQueryBuilder<AuditEventEntity>, column: string, values: string[], parameter: string): void {
    qb.andWhere(`e.${column} = ANY(:${parameter})`, { [parameter]: values });
  }

  /** Rows as entities, a batch at a time from a cursor (below). */
  async *batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]> {
    const [sql, parameters] = query().getQueryAndParameters();
    const columns = this.dataSource.getMetadata(AuditEventEntity).columns;
    for await (const raw of this.cursor(sql, parameters, batchSize)) {
      yield raw.map((row) => {
        const entity = new AuditEventEntity() as unknown as Record<string, unknown>;
        for (const column of columns) {
          const value = row[`e_${column.databaseName}`];
          const transformer = column.transformer as { from(v: unknown): unknown } | undefined;
          entity[column.propertyName] = transformer && !Array.isArray(transformer) ? transformer.from(value) : value;
        }
        return entity as unknown as AuditEventEntity;
      });
    }
  }

  /** Each line built where the rows are (shared/line-sql.ts): one text column per row crosses the wire. */
  async *renderedLines(
    query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>,
    format: LineFormat,
    batchSize: number,
  ): AsyncGenerator<{ line: string | null; id: string }[]> {
    const [sql, parameters] = query().getQueryAndParameters();
    yield* this.cursor(renderedLinesSql(sql, format, POSTGRES_LINE_SQL), parameters, batchSize) as AsyncGenerator<{ line: string | null; id: string }[]>;
  }

  /**
   * A server-side cursor in a read-only REPEATABLE READ transaction on its own connection: one
   * consistent snapshot, FETCHed a batch at a time as the client reads. Ending early rolls back,
   * which closes the cursor and returns the connection to the pool.
   */
  private async *cursor(sql: string, parameters: unknown[], batchSize: number): AsyncGenerator<Record<string, unknown>[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A client that stops reading leaves the transaction idle: the server ends it after a minute.
      await runner.query(`SET LOCAL idle_in_transaction_session_timeout = '60s'`);
      await runner.query(`DECLARE event_export NO SCROLL CURSOR FOR ${sql}`, parameters);
      for (;;) {
        const raw: Record<string, unknown>[] = await runner.query(`FETCH ${Math.trunc(batchSize)} FROM event_export`);
        if (raw.length === 0) return;
        yield raw;
        if (raw.length < batchSize) return;
      }
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}
