import type { Pool, PoolClient } from 'pg';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../audit-event.entity';
import type { EventSearchDialect, SearchTerm } from '../event-search-dialect';
import { copyRows, inlineParameters } from './postgres-copy';

/** PostgreSQL: `search_vector` (GIN-indexed, words computed at write time) and `= ANY(array)`. */
export class PostgresEventSearch implements EventSearchDialect {
  /** `copy: false` reads exports through a cursor only (the row-by-row reference the COPY path is tested against). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: { copy?: boolean } = {},
  ) {}

  fullText(qb: SelectQueryBuilder<AuditEventEntity>, terms: SearchTerm[]): void {
    // The words are the indexed lexemes as they are (letters and digits only, so quoting is safe):
    // cast to tsquery, not parsed by a text search configuration that could split them differently.
    const query = terms.map((t) => `'${t.word}'${t.prefix ? ':*' : ''}`).join(' & ');
    qb.andWhere(`e.search_vector @@ CAST(:ftsQuery AS tsquery)`, { ftsQuery: query });
  }

  anyOf(qb: SelectQueryBuilder<AuditEventEntity>, column: string, values: string[], parameter: string): void {
    qb.andWhere(`e.${column} = ANY(:${parameter})`, { [parameter]: values });
  }

  /**
   * Rows as entities, in one consistent snapshot: through COPY (postgres-copy.ts), read as the
   * client takes them, or — when the query's parameters cannot be written into it — a cursor.
   */
  async *batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]> {
    const [sql, parameters] = query().getQueryAndParameters();
    // Each column: where the reader's query puts it (`e_<column>`), and how its value becomes the entity's.
    const names = sql.match(/ AS "e_[a-z_]+"/g)?.map((alias) => alias.slice(5, -1)) ?? [];
    const plan = this.dataSource.getMetadata(AuditEventEntity).columns.map((column) => {
      const transformer = column.transformer as { from(v: unknown): unknown } | undefined;
      return {
        property: column.propertyName,
        key: `e_${column.databaseName}`,
        at: names.indexOf(`e_${column.databaseName}`),
        boolean: column.type === 'boolean',
        from: transformer && !Array.isArray(transformer) ? (v: unknown) => transformer.from(v) : undefined,
      };
    });
    const inlined = this.options.copy === false ? undefined : inlineParameters(sql, parameters);
    if (inlined === undefined) {
      for await (const rows of this.cursor(sql, parameters, batchSize)) {
        yield rows.map((row) => {
          const entity = new AuditEventEntity() as unknown as Record<string, unknown>;
          for (const column of plan) entity[column.property] = column.from ? column.from(row[column.key]) : row[column.key];
          return entity as unknown as AuditEventEntity;
        });
      }
      return;
    }
    // COPY's text: booleans as t/f, the rest as the driver would hand them to the transformers.
    for await (const rows of this.snapshot((client) => copyRows(client, inlined))) {
      yield rows.map((row) => {
        const entity = new AuditEventEntity() as unknown as Record<string, unknown>;
        for (const column of plan) {
          const text = row[column.at];
          const value = column.boolean && text !== null ? text === 't' : text;
          entity[column.property] = column.from ? column.from(value) : value;
        }
        return entity as unknown as AuditEventEntity;
      });
    }
  }

  /** A server-side cursor over `sql`, FETCHed a batch at a time as the client reads. */
  private cursor(sql: string, parameters: unknown[], batchSize: number): AsyncGenerator<Record<string, unknown>[]> {
    return this.snapshot(async function* (client) {
      await client.query(`DECLARE event_export NO SCROLL CURSOR FOR ${sql}`, parameters);
      for (;;) {
        const { rows } = await client.query(`FETCH ${Math.trunc(batchSize)} FROM event_export`);
        if (rows.length === 0) return;
        yield rows as Record<string, unknown>[];
        if (rows.length < batchSize) return;
      }
    });
  }

  /**
   * `read` in a read-only REPEATABLE READ transaction on a connection of its own: one consistent
   * snapshot. Ending early (the client went away) destroys the connection, which ends whatever the
   * server was still sending; a finished read rolls back and returns it to the pool.
   */
  private async *snapshot<T>(read: (client: PoolClient) => AsyncGenerator<T>): AsyncGenerator<T> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let finished = false;
    try {
      await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A client that stops reading leaves the transaction idle: the server ends it after a minute.
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '60s'`);
      yield* read(client);
      await client.query('ROLLBACK');
      finished = true;
    } finally {
      client.release(finished ? undefined : true);
    }
  }
}
