import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { CompleteAuditEvent } from '../audit-event';
import { searchWordsOf } from '../search-words';
import { EVENT_COLUMNS, EventRecord, countByProject, eventRecord, searchableValues } from '../event-columns';
import { AuditEventStore, UnknownProjectError } from '../event-writer';
import { ExistingExternalId, UnitOutcome, externalIdsByProject, planBatch } from '../idempotency-plan';

/** SQL types of the columns as they arrive in the JSON rows. */
const COLUMN_TYPES: Record<(typeof EVENT_COLUMNS)[number], string> = {
  id: 'varchar',
  project_id: 'varchar',
  seq: 'bigint',
  source_api: 'varchar',
  action: 'text',
  crud: 'text',
  name: 'text',
  title: 'text',
  description: 'text',
  group_id: 'text',
  group_name: 'text',
  actor_id: 'text',
  actor_name: 'text',
  actor_href: 'text',
  target_id: 'text',
  target_name: 'text',
  target_type: 'text',
  target_href: 'text',
  source_ip: 'varchar',
  is_failure: 'boolean',
  is_anonymous: 'boolean',
  fields: 'text',
  metadata: 'text',
  created_at: 'bigint',
  received_at: 'bigint',
  component: 'text',
  version: 'text',
  external_id: 'text',
  hash: 'text',
  actor_guid: 'text',
  actor_username: 'text',
  actor_email: 'text',
  actor_dn: 'text',
  identity_status: 'varchar',
  actor_fields: 'text',
  target_fields: 'text',
  content_digest: 'varchar',
};

const VALUE_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'seq');
const INPUT_COLUMNS = [...VALUE_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`), 'search_words text'];
/** A one-project batch's rows leave the project out: it is the statement's parameter. */
const ROW_COLUMNS = VALUE_COLUMNS.filter((c) => c !== 'project_id');
const ROW_INPUT_COLUMNS = [...ROW_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`), 'search_words text'];

/**
 * PostgreSQL: a batch is ONE statement, so it is atomic without BEGIN/COMMIT and costs one round
 * trip (under load every extra round trip waits behind HTTP work on the event loop). It advances
 * each project's sequence and inserts all rows from one JSON parameter: JSON.stringify is native and
 * far cheaper than the driver's per-element array escaping, and the statement text never changes.
 * A row of an unknown project gets a NULL seq and fails the whole statement (this is what keeps
 * events to existing projects; a foreign key would cost every row a lookup). The free-text lexemes
 * arrive computed (search-words.ts) and only become a tsvector here. The same statement adds the
 * inserted events to their groups' counts (audit_group_counts), after the project's row is locked,
 * in key order, so concurrent batches queue on the project instead of deadlocking on the counts.
 */
const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (${INPUT_COLUMNS.join(', ')}))
    WITH ORDINALITY AS u(${VALUE_COLUMNS.join(', ')}, search_words, ord)
),
numbered AS (
  SELECT input.*, row_number() OVER (PARTITION BY project_id ORDER BY ord) AS rn, count(*) OVER (PARTITION BY project_id) AS n FROM input
),
bumped AS (
  UPDATE projects p SET last_seq = p.last_seq + c.n
  FROM (SELECT project_id, count(*) AS n FROM input GROUP BY project_id) c
  WHERE p.id = c.project_id
  RETURNING p.id, p.last_seq
),
inserted AS (
  INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}, search_vector)
  SELECT ${EVENT_COLUMNS.map((c) => (c === 'seq' ? 'b.last_seq - numbered.n + numbered.rn' : `numbered.${c}`)).join(', ')},
    array_to_tsvector(string_to_array(numbered.search_words, ' '))
  FROM numbered LEFT JOIN bumped b ON b.id = numbered.project_id
  ORDER BY numbered.ord
  RETURNING project_id, group_id, crud, source_api
)
INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
SELECT project_id, group_id, COALESCE(crud, ''), source_api, count(*) FROM inserted WHERE group_id IS NOT NULL
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (project_id, group_id, crud, source_api) DO UPDATE SET events = audit_group_counts.events + EXCLUDED.events`;

/**
 * The same for a batch of one project ($2), of $3 rows: the common case (a request is one project's,
 * and so is a batch of one request) without the per-project numbering, join and re-sort, and with
 * shorter rows. The rows are inserted in their order (the outer side of the join); the project's row
 * is locked after the JSON is parsed. An unknown project leaves seq NULL and fails the statement.
 */
const INSERT_PROJECT_BATCH = `
WITH input AS (
  SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (${ROW_INPUT_COLUMNS.join(', ')}))
    WITH ORDINALITY AS u(${ROW_COLUMNS.join(', ')}, search_words, ord)
),
bumped AS (
  UPDATE projects SET last_seq = last_seq + $3::bigint WHERE id = $2 RETURNING last_seq
),
inserted AS (
  INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}, search_vector)
  SELECT ${EVENT_COLUMNS.map((c) => (c === 'seq' ? 'b.last_seq - $3::bigint + i.ord' : c === 'project_id' ? '$2' : `i.${c}`)).join(', ')},
    array_to_tsvector(string_to_array(i.search_words, ' '))
  FROM input i LEFT JOIN bumped b ON true
  RETURNING group_id, crud, source_api
)
INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
SELECT $2, group_id, COALESCE(crud, ''), source_api, count(*) FROM inserted WHERE group_id IS NOT NULL
GROUP BY 2, 3, 4 ORDER BY 2, 3, 4
ON CONFLICT (project_id, group_id, crud, source_api) DO UPDATE SET events = audit_group_counts.events + EXCLUDED.events`;

export class PostgresEventWriter implements AuditEventStore {
  readonly maxConcurrentCommits = 2;
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async commit(units: CompleteAuditEvent[][]): Promise<UnitOutcome[]> {
    // Retries are recognised from what is committed. A concurrent first copy that commits between
    // this look-up and the insert makes the insert fail on the unique index; the batch writer then
    // retries each unit alone, and that retry finds the original.
    const existing: ExistingExternalId[] = [];
    for (const [projectId, externalIds] of externalIdsByProject(units)) {
      const found = await this.pool.query<ExistingExternalId>({
        name: 'audit_lookup_external_ids',
        text: `SELECT project_id AS "projectId", external_id AS "externalId", id, hash, content_digest AS "contentDigest"
               FROM audit_events WHERE project_id = $1 AND external_id = ANY($2)`,
        values: [projectId, externalIds],
      });
      existing.push(...found.rows);
    }
    const plan = planBatch(units, existing);
    if (plan.inserts.length > 0) await this.insert(plan.inserts);
    return plan.outcomes;
  }

  private async insert(events: CompleteAuditEvent[]): Promise<void> {
    const projectId = events[0].projectId;
    const oneProject = events.every((event) => event.projectId === projectId);
    const rows = events.map((event) => {
      // Absent keys read as NULL, so the JSON carries only the columns the event has.
      const row: Omit<EventRecord, 'project_id'> & { project_id?: string; search_words?: string } = eventRecord(event);
      row.search_words = searchWordsOf(searchableValues(row));
      if (oneProject) row.project_id = undefined; // the statement's parameter
      return row;
    });
    try {
      if (oneProject)
        await this.pool.query({ name: 'audit_insert_project_batch', text: INSERT_PROJECT_BATCH, values: [JSON.stringify(rows), projectId, rows.length] });
      else await this.pool.query({ name: 'audit_insert_batch', text: INSERT_BATCH, values: [JSON.stringify(rows)] });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23502' || code === '23503') {
        const projectIds = [...countByProject(events).keys()];
        const known = await this.pool.query<{ id: string }>('SELECT id FROM projects WHERE id = ANY($1)', [projectIds]);
        const missing = projectIds.find((id) => !known.rows.some((row) => row.id === id));
        if (missing) throw new UnknownProjectError(missing);
      }
      throw error;
    }
  }
}
