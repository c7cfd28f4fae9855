import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { CompleteAuditEvent } from '../audit-event';
import { EVENT_COLUMNS, countByProject, eventRow, groupCounts } from '../event-columns';
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
    const rowPlaceholders = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
    const inserts = new Map<number, Database.Statement>();
    /** The INSERT of `rows` rows (1..INSERT_ROWS), prepared on first use. */
    const insert = (rows: number) => {
      let statement = inserts.get(rows);
      if (!statement) {
        statement = db.prepare(`INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}) VALUES ${new Array(rows).fill(rowPlaceholders).join(', ')}`);
        inserts.set(rows, statement);
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
    const failureIndex = EVENT_COLUMNS.indexOf('is_failure');
    const anonymousIndex = EVENT_COLUMNS.indexOf('is_anonymous');

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
      for (let start = 0; start < plan.inserts.length; start += INSERT_ROWS) {
        const chunk = plan.inserts.slice(start, start + INSERT_ROWS);
        const values: unknown[] = [];
        for (const event of chunk) {
          const seq = next.get(event.projectId)!;
          next.set(event.projectId, seq + 1);
          const row = eventRow(event, seq);
          row[failureIndex] = event.isFailure ? 1 : 0;
          row[anonymousIndex] = event.isAnonymous ? 1 : 0;
          for (const value of row) values.push(value);
        }
        insert(chunk.length).run(values);
      }
      for (const [, { key, events }] of groupCounts(plan.inserts)) addToGroup.run(...key, events);
      return plan.outcomes;
    });
  }

  async commit(units: CompleteAuditEvent[][]): Promise<UnitOutcome[]> {
    return this.commitBatch(units);
  }
}
