import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditEventEntity } from '../ingestion/audit-event.entity';
import type { EventQuery } from './event-query';

/** Reads events for a query, newest first, by keyset on the per-project sequence number. */
@Injectable()
export class AuditEventReader {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async page(query: EventQuery): Promise<AuditEventEntity[]> {
    const qb = this.events.createQueryBuilder('e').where('e.project_id = :projectId', { projectId: query.projectId });
    if (query.beforeSeq !== undefined) qb.andWhere('e.seq < :beforeSeq', { beforeSeq: query.beforeSeq });
    return qb.orderBy('e.seq', 'DESC').limit(query.limit).getMany();
  }
}
