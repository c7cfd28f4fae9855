import type { DataSource } from 'typeorm';

/** The seal-source reads that are the same SQL on every database. */
export class SqlSealReads {
  constructor(protected readonly dataSource: DataSource) {}

  async lastSequences(only?: string): Promise<{ projectId: string; lastSeq: number }[]> {
    const query = this.dataSource.createQueryBuilder().select(['p.id AS id', 'p.last_seq AS last_seq']).from('projects', 'p');
    if (only !== undefined) query.where('p.id = :only', { only });
    const rows: { id: string; last_seq: string | number }[] = await query.getRawMany();
    return rows.map((r) => ({ projectId: r.id, lastSeq: Number(r.last_seq) }));
  }

  async sequences(projectId: string, from: number, to: number): Promise<number[]> {
    const rows: { seq: string | number }[] = await this.dataSource
      .createQueryBuilder()
      .select('e.seq AS seq')
      .from('audit_events', 'e')
      .where('e.project_id = :projectId AND e.seq >= :from AND e.seq <= :to', { projectId, from, to })
      .orderBy('e.seq', 'ASC')
      .getRawMany();
    return rows.map((r) => Number(r.seq));
  }

  async countAfter(projectId: string, seq: number): Promise<number> {
    const [{ n }] = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*) AS n')
      .from('audit_events', 'e')
      .where('e.project_id = :projectId AND e.seq > :seq', { projectId, seq })
      .getRawMany();
    return Number(n);
  }
}
