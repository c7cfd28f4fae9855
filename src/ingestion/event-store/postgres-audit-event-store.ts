import type { Pool } from 'pg';
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

const VALUE_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'seq');

/**
 * PostgreSQL: a batch is ONE statement, so it is atomic without BEGIN/COMMIT and costs one round
 * trip (under load every extra round trip waits behind HTTP work on the event loop). It advances
 * each project's sequence and inserts all rows from one array per column (fixed parameter count).
 * A row of an unknown project gets a NULL seq and fails the whole statement.
 */
const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM unnest(${VALUE_COLUMNS.map((c, i) => `$${i + 1}::${COLUMN_TYPES[c]}[]`).join(', ')})
    WITH ORDINALITY AS u(${VALUE_COLUMNS.join(', ')}, ord)
),
numbered AS (
  SELECT input.*, row_number() OVER (PARTITION BY project_id ORDER BY ord) AS rn, count(*) OVER (PARTITION BY project_id) AS n FROM input
),
bumped AS (
  UPDATE projects p SET last_seq = p.last_seq + c.n
  FROM (SELECT project_id, count(*) AS n FROM input GROUP BY project_id) c
  WHERE p.id = c.project_id
  RETURNING p.id, p.last_seq
)
INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')})
SELECT ${EVENT_COLUMNS.map((c) => (c === 'seq' ? 'b.last_seq - numbered.n + numbered.rn' : `numbered.${c}`)).join(', ')}
FROM numbered LEFT JOIN bumped b ON b.id = numbered.project_id
ORDER BY numbered.ord`;

export class PostgresAuditEventStore implements AuditEventStore {
  readonly maxConcurrentCommits = 2;
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async commit(events: CompleteAuditEvent[]): Promise<void> {
    const columns: unknown[][] = VALUE_COLUMNS.map(() => new Array(events.length));
    const seqIndex = EVENT_COLUMNS.indexOf('seq');
    events.forEach((event, row) => {
      const values = eventRow(event, 0);
      values.splice(seqIndex, 1);
      values.forEach((value, column) => (columns[column][row] = value));
    });
    try {
      await this.pool.query({ name: 'audit_insert_batch', text: INSERT_BATCH, values: columns });
    } catch (error) {
      if ((error as { code?: string }).code === '23502' || (error as { code?: string }).code === '23503') {
        const known = await this.pool.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1)', [[...countByProject(events).keys()]]);
        const missing = [...countByProject(events).keys()].find((id) => !known.rows.some((row) => row.id === id));
        if (missing) throw new UnknownProjectError(missing);
      }
      throw error;
    }
  }
}
