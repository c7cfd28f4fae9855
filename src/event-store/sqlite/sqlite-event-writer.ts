import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { CompleteAuditEvent } from '../audit-event';
import { EVENT_COLUMNS, appendEventRow, countByProject, groupCounts } from '../event-columns';
import { AuditEventStore, UnknownProjectError } from '../event-writer';
import { ExistingExternalId, UnitOutcome, externalIdsByProject, planBatch } from '../idempotency-plan';

/** SQLite's limit on bound parameters is far above this; chunks keep statements cacheable. */
const LOOKUP_CHUNK = 100;
/**
 * Rows per INSERT statement (37 parameters each, far below SQLite's 32,766). One statement per row
 * spent a third of a bulk insert's time on per-statement work (binding through the driver, the
 * FTS trigger's program, reset); 64 rows a statement measured as fast as any larger step.
 */
const INSERT_ROWS = 64;
/** Prepared INSERTs kept (one per row count and set of columns written); traffic of one shape uses one or two. */
const MAX_INSERT_STATEMENTS = 64;

/**
 * SQLite: better-sqlite3 is synchronous, so a batch is one transaction of prepared statements on the
 * driver's own connection; nothing else can interleave, so the external_id check is race-free.
 */
export class SqliteEventWriter implements AuditEventStore {
  readonly maxConcurrentCommits = 1;
  private readonly commitBatch: (units: CompleteAuditEvent[][]) => UnitOutcome[];

  constructor(dataSource: DataSource) {
    const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const advance = db.prepare('UPDATE projects SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq');
    const inserts = new Map<string, Database.Statement>();
    /**
     * The INSERT of `rows` rows (1..INSERT_ROWS) of the columns marked in `written`, prepared on
     * first use. A column no row of the chunk has is left to its default (NULL): binding NULL for
     * each of the fifteen or so absent columns cost a fifth of the insert.
     */
    const insert = (rows: number, written: boolean[]) => {
      const key = `${rows}:${written.map((w) => (w ? 1 : 0)).join('')}`;
      let statement = inserts.get(key);
      if (!statement) {
        const columns = EVENT_COLUMNS.filter((_, c) => written[c]);
        const placeholders = `(${columns.map(() => '?').join(', ')})`;
        statement = db.prepare(`INSERT INTO audit_events (${columns.join(', ')}) VALUES ${new Array(rows).fill(placeholders).join(', ')}`);
        if (inserts.size >= MAX_INSERT_STATEMENTS) inserts.delete(inserts.keys().next().value!);
        inserts.set(key, statement);
      }
      return statement;
    };
    const addToGroup = db.prepare(
      `INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (project_id, group_id, crud, source_api) DO UPDATE SET events = events + excluded.events`,
    );
    const lookups = new Map<number, Database.Statement>();
    const lookup = (size: number) => {
      let statement = lookups.get(size);
      if (!statement) {
        statement = db.prepare(
          `SELECT project_id AS projectId, external_id AS externalId, id, hash, content_digest AS contentDigest FROM audit_events
           WHERE project_id = ? AND external_id IN (${new Array(size).fill('?').join(', ')})`,
        );
        lookups.set(size, statement);
      }
      return statement;
    };

    this.commitBatch = db.transaction((units: CompleteAuditEvent[][]) => {
      const existing: ExistingExternalId[] = [];
      for (const [projectId, externalIds] of externalIdsByProject(units)) {
        for (let i = 0; i < externalIds.length; i += LOOKUP_CHUNK) {
          const chunk = externalIds.slice(i, i + LOOKUP_CHUNK);
          existing.push(...(lookup(chunk.length).all(projectId, ...chunk) as ExistingExternalId[]));
        }
      }
      const plan = planBatch(units, existing);
      const next = new Map<string, number>();
      for (const [projectId, count] of countByProject(plan.inserts)) {
        const row = advance.get(count, projectId) as { last_seq: number } | undefined;
        if (!row) throw new UnknownProjectError(projectId);
        next.set(projectId, row.last_seq - count + 1);
      }
      const width = EVENT_COLUMNS.length;
      for (let start = 0; start < plan.inserts.length; start += INSERT_ROWS) {
        const chunk = plan.inserts.slice(start, start + INSERT_ROWS);
        const rows = chunk.map((event) => {
          const seq = next.get(event.projectId)!;
          next.set(event.projectId, seq + 1);
          const row: unknown[] = [];
          appendEventRow(row, event, seq);
          return row;
        });
        const written = new Array<boolean>(width).fill(false);
        for (const row of rows) for (let c = 0; c < width; c++) if (row[c] !== null) written[c] = true;
        const values: unknown[] = [];
        for (const row of rows) for (let c = 0; c < width; c++) if (written[c]) values.push(row[c]);
        insert(chunk.length, written).run(values);
      }
      for (const [, { key, events }] of groupCounts(plan.inserts)) addToGroup.run(...key, events);
      return plan.outcomes;
    });
  }

  async commit(units: CompleteAuditEvent[][]): Promise<UnitOutcome[]> {
    return this.commitBatch(units);
  }
}
