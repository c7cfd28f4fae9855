/**
 * SQLite's exports beside a plain SELECT of the same rows: the service's NDJSON and CSV exports of
 * 200,000 events, and better-sqlite3 reading the same columns in the same order straight from the
 * file (rows counted, not kept), in interleaved rounds of the same run.
 */
import Database from 'better-sqlite3';
import { EVENT_COLUMNS } from '../src/event-store/event-columns';
import { createTestDatabase } from '../test/support/databases';
import { ServerProcess } from '../test/support/server-process';
import { exportRows, peakRssMiB, rssMiB } from './query-bench';

export const SQLITE_EXPORT_EVENTS = 200_000;

export interface SqliteExportResult {
  events: number;
  seed_s: number;
  /** Best of two interleaved rounds each. */
  select_rows_per_s: number;
  ndjson_rows_per_s: number;
  csv_rows_per_s: number;
  export_peak_rss_mib: number;
  /** The service's resident set just before the first export. */
  rss_before_export_mib: number;
}

/** The same shape as the PostgreSQL seed (query-bench.ts): 100 events per person, Retraced fields, resolved identities. */
export function seed(file: string): number {
  const started = performance.now();
  const db = new Database(file);
  try {
    db.exec(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${SQLITE_EXPORT_EVENTS})
      INSERT INTO audit_events (id, project_id, seq, source_api, action, crud, description, group_id, group_name, actor_id, actor_name,
        target_id, target_name, target_type, source_ip, is_failure, is_anonymous, fields, created_at, received_at, hash,
        actor_guid, actor_username, actor_email, actor_dn, identity_status)
      SELECT printf('%032x', n), 'default', n, 'publisher',
        CASE n % 5 WHEN 0 THEN 'document.read' WHEN 1 THEN 'document.share' WHEN 2 THEN 'user.login.success' WHEN 3 THEN 'user.logout' ELSE 'invoice.paid' END,
        'r', 'event ' || n || CASE WHEN n % 100 = 7 THEN ' escalated to compliance review' ELSE ' routine activity' END,
        'tenant-' || (n % 20), 'Tenant ' || (n % 20),
        CASE n % 3 WHEN 0 THEN 'user' || (n % 2000) WHEN 1 THEN 'user' || (n % 2000) || '@corp.example.com' ELSE 'uid=user' || (n % 2000) || ',ou=people,dc=corp,dc=example,dc=com' END,
        'User ' || (n % 2000), 'doc-' || n, 'Report ' || (n % 1000), 'document', '10.0.' || (n % 250) || '.1', n % 50 = 0, 0,
        '{"region":"eu-west"}', 1767225600000 + n * 1000, 1767225600000 + n * 1000, printf('%064x', n * 2654435761),
        '00000000-0000-4000-8000-' || printf('%012d', n % 2000), 'user' || (n % 2000), 'user' || (n % 2000) || '@corp.example.com',
        'uid=user' || (n % 2000) || ',ou=people,dc=corp,dc=example,dc=com', 'resolved'
      FROM g`);
    db.exec(`UPDATE projects SET last_seq = ${SQLITE_EXPORT_EVENTS} WHERE id = 'default'`);
    db.exec(`INSERT INTO audit_group_counts (project_id, group_id, crud, source_api, events)
      SELECT project_id, group_id, COALESCE(crud, ''), source_api, COUNT(*) FROM audit_events WHERE group_id IS NOT NULL GROUP BY 1, 2, 3, 4`);
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
  return Math.round((performance.now() - started) / 100) / 10;
}

/** The plain SELECT: every exported column of the same rows, newest first, as raw arrays. */
function selectRows(file: string): { rows: number; rate: number } {
  const db = new Database(file, { readonly: true });
  try {
    const columns = EVENT_COLUMNS.filter((column) => column !== 'content_digest').join(', ');
    const started = performance.now();
    let rows = 0;
    const statement = db
      .prepare(`SELECT ${columns} FROM audit_events WHERE project_id = 'default' AND source_api NOT IN ('read-audit', 'admin-audit') ORDER BY seq DESC`)
      .raw(true);
    for (const row of statement.iterate()) if (row) rows++;
    return { rows, rate: Math.round(rows / ((performance.now() - started) / 1000)) };
  } finally {
    db.close();
  }
}

export async function sqliteExportBench(adminToken: string): Promise<SqliteExportResult> {
  const db = await createTestDatabase('sqlite');
  try {
    const env = { DATABASE_URL: db.url, AUDIT_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' };
    let server = await ServerProcess.start(env);
    await server.stop();
    const file = db.url.slice('sqlite:'.length);
    const seedS = seed(file);
    server = await ServerProcess.start(env);
    try {
      const rssBefore = rssMiB(server.pid!);
      const rates = { select: 0, ndjson: 0, csv: 0 };
      for (let round = 0; round < 2; round++) {
        const selected = selectRows(file);
        rates.select = Math.max(rates.select, selected.rate);
        for (const format of ['ndjson', 'csv'] as const) {
          const run = await exportRows(`${server.baseUrl}/audit/v1/events/export?format=${format}`, adminToken);
          if (run.rows !== SQLITE_EXPORT_EVENTS || selected.rows !== SQLITE_EXPORT_EVENTS)
            throw new Error(`sqlite ${format} export: ${run.rows} rows, SELECT ${selected.rows}, of ${SQLITE_EXPORT_EVENTS}`);
          rates[format] = Math.max(rates[format], run.rate);
        }
      }
      return {
        events: SQLITE_EXPORT_EVENTS,
        seed_s: seedS,
        select_rows_per_s: rates.select,
        ndjson_rows_per_s: rates.ndjson,
        csv_rows_per_s: rates.csv,
        export_peak_rss_mib: peakRssMiB(server.pid!),
        rss_before_export_mib: rssBefore,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}
