/**
 * The benchmark's yardstick, not part of the service: a bare `node:http` server that only parses
 * the JSON body and group-commits the seed's fields into the service's own table (same migrations,
 * indexes and free-text words, same batch size and wait, two PostgreSQL commits in flight). It
 * shows what this machine allows before any framework, validation or enrichment, so the service's
 * numbers can be read against it. With REFERENCE_QUERY_INDEXES=off it writes into the table without
 * the indexes queries use (and, on SQLite, without the free-text trigger): the least work that
 * still keeps events durable. `GET /health` and `GET /metrics` answer as the service's do.
 */
import type Database from 'better-sqlite3';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/infrastructure/database/data-source-options';
import { newEventId } from '../src/ingestion/event-id';
import { searchWordsOf } from '../src/event-store/search-words';

interface Row {
  id: string;
  action: unknown;
  name: unknown;
  title: unknown;
  description: unknown;
  source_ip: unknown;
  created_at: number;
  search_words: string;
}
interface Pending {
  row: Row;
  response: ServerResponse;
}

const MAX_BATCH = 500;
const MAX_WAIT_MS = 2;

const POSTGRES_INSERT = `
WITH input AS (
  SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (id varchar, action text, name text, title text, description text, source_ip varchar, created_at bigint, search_words text))
    WITH ORDINALITY AS u(id, action, name, title, description, source_ip, created_at, search_words, ord)
),
bumped AS (UPDATE projects SET last_seq = last_seq + (SELECT count(*) FROM input) WHERE id = 'default' RETURNING last_seq)
INSERT INTO audit_events (id, project_id, seq, source_api, action, name, title, description, source_ip, created_at, received_at, search_vector)
SELECT i.id, 'default', b.last_seq - (SELECT count(*) FROM input) + i.ord, 'audit-api', i.action, i.name, i.title, i.description, i.source_ip,
       i.created_at, i.created_at, array_to_tsvector(string_to_array(i.search_words, ' '))
FROM input i, bumped b`;

/** A Retraced bulk request's events as rows of the columns they fill (the bulk yardstick). */
interface BulkRow {
  id: string;
  action: unknown;
  crud: unknown;
  description: unknown;
  group_id: unknown;
  group_name: unknown;
  actor_id: unknown;
  actor_name: unknown;
  target_id: unknown;
  target_name: unknown;
  target_type: unknown;
  source_ip: unknown;
  fields: string | null;
  created_at: number;
  search_words: string;
}

/** The bulk yardstick's one statement per request: the rows from one JSON parameter, into the same table and indexes. */
const POSTGRES_BULK_INSERT = `
WITH input AS (
  SELECT * FROM ROWS FROM (json_to_recordset($1::json) AS (id varchar, action text, crud text, description text, group_id text, group_name text,
    actor_id text, actor_name text, target_id text, target_name text, target_type text, source_ip varchar, fields text, created_at bigint, search_words text))
    WITH ORDINALITY AS u(id, action, crud, description, group_id, group_name, actor_id, actor_name, target_id, target_name, target_type, source_ip, fields, created_at, search_words, ord)
),
bumped AS (UPDATE projects SET last_seq = last_seq + (SELECT count(*) FROM input) WHERE id = 'default' RETURNING last_seq)
INSERT INTO audit_events (id, project_id, seq, source_api, action, crud, description, group_id, group_name, actor_id, actor_name, target_id, target_name,
  target_type, source_ip, is_failure, is_anonymous, fields, created_at, received_at, identity_status, search_vector)
SELECT i.id, 'default', b.last_seq - (SELECT count(*) FROM input) + i.ord, 'publisher', i.action, i.crud, i.description, i.group_id, i.group_name,
       i.actor_id, i.actor_name, i.target_id, i.target_name, i.target_type, i.source_ip, false, false, i.fields, i.created_at, i.created_at, 'unknown',
       array_to_tsvector(string_to_array(i.search_words, ' '))
FROM input i, bumped b`;

function bulkRows(events: Record<string, any>[], now: number): BulkRow[] {
  return events.map((e) => {
    const fields = e.fields === undefined ? null : JSON.stringify(e.fields);
    return {
      id: newEventId(now),
      action: e.action,
      crud: e.crud,
      description: e.description,
      group_id: e.group?.id,
      group_name: e.group?.name,
      actor_id: e.actor?.id,
      actor_name: e.actor?.name,
      target_id: e.target?.id,
      target_name: e.target?.name,
      target_type: e.target?.type,
      source_ip: e.source_ip,
      fields,
      created_at: now,
      search_words: searchWordsOf([e.action, e.description, e.actor?.id, e.actor?.name, e.target?.id, e.target?.name, e.target?.type, e.group?.name, fields]),
    };
  });
}

/** Rows per SQLite INSERT: as the service's store does, since one statement per row costs a third more. */
const SQLITE_INSERT_ROWS = 64;

/** Inserts rows with statements of up to SQLITE_INSERT_ROWS rows each (`head` + `row` placeholders repeated). */
function multiRowInsert(db: Database.Database, head: string, row: string) {
  const statements = new Map<number, Database.Statement>();
  const statement = (rows: number) => {
    let prepared = statements.get(rows);
    if (!prepared) statements.set(rows, (prepared = db.prepare(`${head} ${new Array(rows).fill(row).join(', ')}`)));
    return prepared;
  };
  return <T>(rows: T[], values: (row: T, index: number) => unknown[]) => {
    for (let start = 0; start < rows.length; start += SQLITE_INSERT_ROWS) {
      const chunk = rows.slice(start, start + SQLITE_INSERT_ROWS);
      statement(chunk.length).run(chunk.flatMap((r, i) => values(r, start + i)));
    }
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const dataSource = new DataSource(dataSourceOptions(config.database));
  await dataSource.initialize();
  await dataSource.runMigrations();
  if (process.env.REFERENCE_QUERY_INDEXES === 'off') {
    // The leanest durable table: only the keys (id, per-project seq, external_id); no index a query uses.
    for (const index of [
      'audit_events_project_created',
      'audit_events_project_actor_guid',
      'audit_events_project_action',
      'audit_events_project_actor_id',
      'audit_events_project_group',
      'audit_events_search',
      'audit_events_pending',
    ])
      await dataSource.query(`DROP INDEX IF EXISTS ${index}`);
    if (config.database.type !== 'postgres') for (const trigger of ['audit_events_fts_insert']) await dataSource.query(`DROP TRIGGER IF EXISTS ${trigger}`);
  }

  let commit: (rows: Row[]) => Promise<void>;
  let concurrent: number;
  if (config.database.type === 'postgres') {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    concurrent = 2;
    commit = async (rows) => {
      await pool.query({ name: 'reference_insert', text: POSTGRES_INSERT, values: [JSON.stringify(rows)] });
    };
  } else {
    const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const bump = db.prepare(`UPDATE projects SET last_seq = last_seq + ? WHERE id = 'default' RETURNING last_seq`);
    const insert = multiRowInsert(
      db,
      `INSERT INTO audit_events (id, project_id, seq, source_api, action, name, title, description, source_ip, created_at, received_at) VALUES`,
      `(?, 'default', ?, 'audit-api', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const write = db.transaction((rows: Row[]) => {
      const { last_seq: last } = bump.get(rows.length) as { last_seq: number };
      insert(rows, (r, i) => [r.id, last - rows.length + i + 1, r.action, r.name, r.title, r.description, r.source_ip, r.created_at, r.created_at]);
    });
    concurrent = 1;
    commit = async (rows) => write(rows);
  }

  let commitBulk: (rows: BulkRow[]) => Promise<void>;
  if (config.database.type === 'postgres') {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    commitBulk = async (rows) => {
      await pool.query({ name: 'reference_bulk_insert', text: POSTGRES_BULK_INSERT, values: [JSON.stringify(rows)] });
    };
  } else {
    const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
    const bump = db.prepare(`UPDATE projects SET last_seq = last_seq + ? WHERE id = 'default' RETURNING last_seq`);
    const insert = multiRowInsert(
      db,
      `INSERT INTO audit_events (id, project_id, seq, source_api, action, crud, description, group_id, group_name, actor_id, actor_name,
      target_id, target_name, target_type, source_ip, is_failure, is_anonymous, fields, created_at, received_at, identity_status) VALUES`,
      `(?, 'default', ?, 'publisher', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 'unknown')`,
    );
    const write = db.transaction((rows: BulkRow[]) => {
      const { last_seq: last } = bump.get(rows.length) as { last_seq: number };
      insert(rows, (r, i) => [
        r.id,
        last - rows.length + i + 1,
        r.action,
        r.crud,
        r.description,
        r.group_id,
        r.group_name,
        r.actor_id,
        r.actor_name,
        r.target_id,
        r.target_name,
        r.target_type,
        r.source_ip,
        r.fields,
        r.created_at,
        r.created_at,
      ]);
    });
    commitBulk = async (rows) => write(rows);
  }

  let queue: Pending[] = [];
  let inFlight = 0;
  let accepted = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (inFlight >= concurrent || queue.length === 0) return;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    inFlight++;
    commit(batch.map((p) => p.row))
      .then(
        () => {
          accepted += batch.length;
          for (const p of batch) p.response.writeHead(201, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 0 }).end();
        },
        (error: Error) => {
          process.stderr.write(`commit failed: ${error.message}\n`);
          for (const p of batch) p.response.writeHead(503).end();
        },
      )
      .finally(() => {
        inFlight--;
        flush();
      });
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET') {
      if (request.url === '/metrics') return void response.end(`audit_events_accepted_total{api="reference"} ${accepted}\n`);
      return void response.end('{"status":"ok"}');
    }
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(body);
      } catch {
        return void response.writeHead(400).end();
      }
      const now = Date.now();
      if (Array.isArray(event.events)) {
        // A Retraced bulk request: one statement for all its events, answered with their ids once committed.
        const rows = bulkRows(event.events as Record<string, any>[], now);
        commitBulk(rows).then(
          () => {
            accepted += rows.length;
            response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(rows.map((r) => ({ id: r.id, hash: null }))));
          },
          (error: Error) => {
            process.stderr.write(`bulk commit failed: ${error.message}\n`);
            response.writeHead(503).end();
          },
        );
        return;
      }
      const row: Row = {
        id: newEventId(now),
        action: event.action,
        name: event.name,
        title: event.title,
        description: event.description,
        source_ip: event.ip_address,
        created_at: now,
        search_words: searchWordsOf([event.action as string, event.description as string]),
      };
      queue.push({ row, response });
      if (queue.length >= MAX_BATCH) flush();
      else if (!timer && inFlight < concurrent) timer = setTimeout(flush, MAX_WAIT_MS);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.listen(config.port, '127.0.0.1');
  const stop = () => server.close(() => void dataSource.destroy().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
