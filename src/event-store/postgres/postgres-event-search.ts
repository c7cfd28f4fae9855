import type { Pool, PoolClient } from 'pg';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../audit-event.entity';
import { to as copyTo } from 'pg-copy-streams';
import type { EventSearchDialect, LineFormat, RenderedLines, SearchTerm } from '../event-search-dialect';
import { inlineParameters } from './postgres-copy';
import { copyLines, copyLinesSql } from './postgres-copy-lines';

/**
 * COPY output read ahead of the client, in bytes: enough that the database keeps sending while the
 * last chunk is rendered and written (measured: 16 KiB left both sides idle a quarter of the time).
 */
const COPY_BUFFER_BYTES = 1024 * 1024;

/** PostgreSQL: `search_vector` (GIN-indexed, words computed at write time) and `= ANY(array)`. */
export class PostgresEventSearch implements EventSearchDialect {
  /** `copy: false` reads exports through a cursor only, row by row (the reference the COPY path is tested against). */
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

  /** Rows as entities, in one consistent snapshot, through a cursor (exports read renderedLines). */
  async *batches(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, batchSize: number): AsyncGenerator<AuditEventEntity[]> {
    const [sql, parameters] = query().getQueryAndParameters();
    const plan = this.dataSource.getMetadata(AuditEventEntity).columns.map((column) => {
      const transformer = column.transformer as { from(v: unknown): unknown } | undefined;
      return {
        property: column.propertyName,
        key: `e_${column.databaseName}`,
        from: transformer && !Array.isArray(transformer) ? (v: unknown) => transformer.from(v) : undefined,
      };
    });
    for await (const rows of this.cursor(sql, parameters, batchSize)) {
      yield rows.map((row) => {
        const entity = new AuditEventEntity() as unknown as Record<string, unknown>;
        for (const column of plan) entity[column.property] = column.from ? column.from(row[column.key]) : row[column.key];
        return entity as unknown as AuditEventEntity;
      });
    }
  }

  /**
   * Each line built from the bytes of `COPY (…) TO STDOUT` (postgres-copy-lines.ts), in one
   * consistent snapshot, read as the client takes them: PostgreSQL's fastest way out, several times
   * cheaper than rows over the extended protocol, and no row object per event. Undefined (rows are
   * read through a cursor) when a parameter cannot be written into the query (COPY takes none).
   */
  renderedLines(query: (beforeSeq?: number) => SelectQueryBuilder<AuditEventEntity>, format: LineFormat): AsyncIterable<RenderedLines> | undefined {
    if (this.options.copy === false) return undefined;
    const [sql, parameters] = query().getQueryAndParameters();
    const inlined = inlineParameters(sql, parameters);
    if (inlined === undefined) return undefined;
    const lines = copyLines(format);
    return this.snapshot(async function* (client): AsyncGenerator<RenderedLines> {
      // Not reading pauses the stream (and so the socket): memory holds a chunk.
      yield* lines.ofChunks(client.query(copyTo(copyLinesSql(inlined, lines.columns), { highWaterMark: COPY_BUFFER_BYTES })) as AsyncIterable<Buffer>);
    });
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
      // A read abandoned between cursor steps leaves the transaction idle: the server ends it after a
      // minute. (A COPY blocked on a client that stopped reading is not idle: the export service ends
      // those, EXPORT_STALL_TIMEOUT_S.) COPY's bytes are copied as they are: they must be UTF-8.
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '60s'`);
      await client.query(`SET LOCAL client_encoding = 'UTF8'`);
      yield* read(client);
      await client.query('ROLLBACK');
      finished = true;
    } finally {
      client.release(finished ? undefined : true);
    }
  }
}
