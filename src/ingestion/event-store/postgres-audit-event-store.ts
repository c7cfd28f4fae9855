import type { DataSource } from 'typeorm';
import type { CompleteAuditEvent } from '../audit-event';
import { AuditEventStore, EVENT_COLUMNS, UnknownProjectError, countByProject, eventRow } from './audit-event-store';

const COLUMN_TYPES: Record<(typeof EVENT_COLUMNS)[number], string> = {
  id: 'varchar', project_id: 'varchar', seq: 'bigint', source_api: 'varchar', action: 'text', crud: 'char',
  name: 'text', title: 'text', description: 'text', group_id: 'text', group_name: 'text',
  actor_id: 'text', actor_name: 'text', actor_href: 'text', target_id: 'text', target_name: 'text',
  target_type: 'text', target_href: 'text', source_ip: 'varchar', is_failure: 'boolean', is_anonymous: 'boolean',
  fields: 'text', metadata: 'text', created_at: 'bigint', received_at: 'bigint', component: 'text',
  version: 'text', external_id: 'text', hash: 'char', actor_guid: 'text', actor_username: 'text',
  actor_email: 'text', actor_dn: 'text', identity_status: 'varchar',
};

/**
 * PostgreSQL: one INSERT ... SELECT FROM unnest(array per column), so a batch of any size is a
 * single statement with a fixed number of parameters (cheap to parse, no parameter limit).
 */
export class PostgresAuditEventStore implements AuditEventStore {
  private readonly insertSql = `INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}) SELECT * FROM unnest(${EVENT_COLUMNS.map(
    (column, i) => `$${i + 1}::${COLUMN_TYPES[column]}[]`,
  ).join(', ')})`;

  constructor(private readonly dataSource: DataSource) {}

  async commit(events: CompleteAuditEvent[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      await runner.startTransaction();
      const next = new Map<string, number>();
      for (const [projectId, count] of countByProject(events)) {
        const rows = (await runner.query('UPDATE projects SET last_seq = last_seq + $1 WHERE id = $2 RETURNING last_seq', [
          count,
          projectId,
        ])) as [{ last_seq: string }[], number];
        const lastSeq = rows[0][0]?.last_seq;
        if (lastSeq === undefined) throw new UnknownProjectError(projectId);
        next.set(projectId, Number(lastSeq) - count + 1);
      }
      const columns: unknown[][] = EVENT_COLUMNS.map(() => new Array(events.length));
      events.forEach((event, row) => {
        const seq = next.get(event.projectId)!;
        next.set(event.projectId, seq + 1);
        eventRow(event, seq).forEach((value, column) => (columns[column][row] = value));
      });
      await runner.query(this.insertSql, columns);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
