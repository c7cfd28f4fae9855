import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../ingestion/audit-event.entity';
import type { EventFilter, EventQuery, TimeRange } from './event-query';

/** `%`, `_` and the escape character itself are literal in user text. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const TEXT_COLUMNS = ['action', 'description', 'actor_id', 'actor_name', 'target_id', 'target_name', 'group_id', 'group_name', 'fields'];

/** Reads events for a query by keyset on the per-project sequence number; one implementation for every API. */
@Injectable()
export class AuditEventReader {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  async page(query: EventQuery): Promise<AuditEventEntity[]> {
    const qb = this.matching(query.projectId, query.filter);
    if (query.beforeSeq !== undefined) qb.andWhere('e.seq < :beforeSeq', { beforeSeq: query.beforeSeq });
    if (query.afterSeq !== undefined) qb.andWhere('e.seq > :afterSeq', { afterSeq: query.afterSeq });
    return qb.orderBy('e.seq', query.order === 'desc' ? 'DESC' : 'ASC').limit(query.limit).getMany();
  }

  /** How many events match, ignoring paging. */
  count(projectId: string, filter: EventFilter): Promise<number> {
    return this.matching(projectId, filter).getCount();
  }

  private matching(projectId: string, filter: EventFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.events.createQueryBuilder('e').where('e.project_id = :projectId', { projectId });
    if (filter.action) {
      if (filter.action.prefix) qb.andWhere("e.action LIKE :actionPrefix ESCAPE '\\'", { actionPrefix: `${likeLiteral(filter.action.value)}%` });
      else qb.andWhere('e.action = :action', { action: filter.action.value });
    }
    if (filter.crud?.length) qb.andWhere('e.crud IN (:...crud)', { crud: filter.crud });
    this.range(qb, 'received_at', filter.received);
    this.range(qb, 'created_at', filter.created);
    if (filter.actorId !== undefined) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.externalId !== undefined) qb.andWhere('e.external_id = :externalId', { externalId: filter.externalId });
    if (filter.actorName !== undefined) qb.andWhere("LOWER(e.actor_name) LIKE :actorName ESCAPE '\\'", { actorName: `%${likeLiteral(filter.actorName.toLowerCase())}%` });
    if (filter.description !== undefined) {
      qb.andWhere("LOWER(e.description) LIKE :description ESCAPE '\\'", { description: `%${likeLiteral(filter.description.toLowerCase())}%` });
    }
    filter.text?.forEach((term, i) => {
      const parameter = `text${i}`;
      qb.andWhere(
        new Brackets((any) => {
          for (const column of TEXT_COLUMNS) any.orWhere(`LOWER(e.${column}) LIKE :${parameter} ESCAPE '\\'`);
        }),
        { [parameter]: `%${likeLiteral(term.toLowerCase())}%` },
      );
    });
    return qb;
  }

  private range(qb: SelectQueryBuilder<AuditEventEntity>, column: string, range: TimeRange | undefined): void {
    if (range?.from !== undefined) qb.andWhere(`e.${column} >= :${column}_from`, { [`${column}_from`]: range.from });
    if (range?.to !== undefined) qb.andWhere(`e.${column} < :${column}_to`, { [`${column}_to`]: range.to });
  }
}
