import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { SealFormat, valuesDigest } from '../seal-format';
import type { SealSource } from '../seal-source';
import { SqlSealReads } from '../shared/sql-seal-reads';

/** Rows read (synchronously) per step; the event loop serves requests between steps. */
const STEP = 500;

/** SQLite runs in this process: a range is read as raw rows in small steps and hashed here. */
export class SqliteSealSource extends SqlSealReads implements SealSource {
  /** The range statement of each seal format. */
  private readonly ranges = new Map<string, Database.Statement>();

  async rangeDigest(format: SealFormat, projectId: string, from: number, to: number): Promise<{ count: number; digest: string }> {
    let statement = this.ranges.get(format.version);
    if (!statement) {
      const db = (this.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
      statement = db.prepare(`SELECT ${format.columns.join(', ')} FROM audit_events WHERE project_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`).raw(true);
      this.ranges.set(format.version, statement);
    }
    const hash = createHash('sha256');
    let count = 0;
    for (let low = from; low <= to; low += STEP) {
      const rows = statement.all(projectId, low, Math.min(to, low + STEP - 1)) as unknown[][];
      for (const row of rows) hash.update(`${valuesDigest(format, row)}\n`);
      count += rows.length;
      if (low + STEP <= to) await yieldToEventLoop();
    }
    return { count, digest: hash.digest('hex') };
  }
}
