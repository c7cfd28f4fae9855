import { SealFormat, eventsDigest, postgresRangeDigestSql } from '../seal-format';
import type { SealSource } from '../seal-source';
import { SqlSealReads } from '../shared/sql-seal-reads';

/** PostgreSQL digests a range where the rows are: none cross the wire. */
export class PostgresSealSource extends SqlSealReads implements SealSource {
  async rangeDigest(format: SealFormat, projectId: string, from: number, to: number): Promise<{ count: number; digest: string }> {
    const [row] = await this.dataSource.query(postgresRangeDigestSql(format), [projectId, from, to]);
    return { count: Number(row.count), digest: row.digest ?? eventsDigest([]) };
  }
}
