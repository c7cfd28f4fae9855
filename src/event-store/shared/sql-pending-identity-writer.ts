import type { DataSource } from 'typeorm';
import type { ActorIdentity } from '../audit-event';
import { AuditEventEntity } from '../audit-event.entity';
import type { PendingIdentityWriter } from '../pending-identity-writer';

/** The pending-identity writer in SQL that is the same on every database. */
export class SqlPendingIdentityWriter implements PendingIdentityWriter {
  constructor(private readonly dataSource: DataSource) {}

  async next(limit: number, afterId = ''): Promise<{ id: string; actorId: string | null }[]> {
    const rows: { id: string; actor_id: string | null }[] = await this.dataSource
      .createQueryBuilder()
      .select(['e.id AS id', 'e.actor_id AS actor_id'])
      .from('audit_events', 'e')
      .where(`e.identity_status = 'pending'`)
      .andWhere('e.id > :afterId', { afterId })
      .orderBy('e.id', 'ASC')
      .limit(limit)
      .getRawMany();
    return rows.map((r) => ({ id: r.id, actorId: r.actor_id }));
  }

  async resolve(ids: string[], identity: ActorIdentity): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(AuditEventEntity)
      .set({
        actorGuid: identity.guid ?? null,
        actorUsername: identity.username ?? null,
        actorEmail: identity.email ?? null,
        actorDn: identity.dn ?? null,
        identityStatus: identity.status,
      })
      .where('id IN (:...ids)', { ids })
      .andWhere(`identity_status = 'pending'`)
      .execute();
    return result.affected ?? ids.length;
  }
}
