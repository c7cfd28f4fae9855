import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { CompleteAuditEvent } from '../audit-event';
import { AuditEventStore, EVENT_COLUMNS, UnknownProjectError, countByProject, eventRow } from './audit-event-store';

/**
 * SQLite: better-sqlite3 is synchronous, so a batch is one prepared statement run per row inside
 * one transaction on the driver's own connection; nothing else can interleave with it.
 */
export class SqliteAuditEventStore implements AuditEventStore {
  readonly maxConcurrentCommits = 1;
  private readonly commitBatch: (events: CompleteAuditEvent[]) => void;

  constructor(dataSource: DataSource) {
    const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const advance = db.prepare('UPDATE projects SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq');
    const insert = db.prepare(
      `INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.commitBatch = db.transaction((events: CompleteAuditEvent[]) => {
      const next = new Map<string, number>();
      for (const [projectId, count] of countByProject(events)) {
        const row = advance.get(count, projectId) as { last_seq: number } | undefined;
        if (!row) throw new UnknownProjectError(projectId);
        next.set(projectId, row.last_seq - count + 1);
      }
      for (const event of events) {
        const seq = next.get(event.projectId)!;
        next.set(event.projectId, seq + 1);
        const values = eventRow(event, seq);
        values[EVENT_COLUMNS.indexOf('is_failure')] = event.isFailure ? 1 : 0;
        values[EVENT_COLUMNS.indexOf('is_anonymous')] = event.isAnonymous ? 1 : 0;
        insert.run(values);
      }
    });
  }

  async commit(events: CompleteAuditEvent[]): Promise<void> {
    this.commitBatch(events);
  }
}
