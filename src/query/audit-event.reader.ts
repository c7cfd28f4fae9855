import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from '../ingestion/audit-event.entity';
import type { EventFilter, EventQuery, TimeRange } from './event-query';
import { EVENT_SEARCH_DIALECT, EventSearchDialect, MAX_SEARCH_WORDS, searchTerms } from './search-dialect/event-search-dialect';

/** `%`, `_` and the escape character itself are literal in user text. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Reads events for a query by keyset on the per-project sequence number; one implementation for every API. */
@Injectable()
export class AuditEventReader {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @Inject(EVENT_SEARCH_DIALECT) private readonly dialect: EventSearchDialect,
  ) {}

  async page(query: EventQuery): Promise<AuditEventEntity[]> {
    return this.pageQuery(query).getMany();
  }

  /** The page's query, for callers that stream it (exports) or explain it. */
  pageQuery(query: Omit<EventQuery, 'limit'> & { limit?: number }): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.matching(query.projectId, query.filter);
    if (query.beforeSeq !== undefined) qb.andWhere('e.seq < :beforeSeq', { beforeSeq: query.beforeSeq });
    if (query.afterSeq !== undefined) qb.andWhere('e.seq > :afterSeq', { afterSeq: query.afterSeq });
    qb.orderBy('e.seq', query.order === 'desc' ? 'DESC' : 'ASC');
    return query.limit === undefined ? qb : qb.limit(query.limit);
  }

  /** How many events match, ignoring paging. */
  count(projectId: string, filter: EventFilter): Promise<number> {
    return this.matching(projectId, filter).getCount();
  }

  private matching(projectId: string, filter: EventFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.events.createQueryBuilder('e').where('e.project_id = :projectId', { projectId });
    if (filter.action) {
      // LIKE narrows by index; substr makes it case-sensitive on SQLite too (its LIKE folds ASCII case).
      if (filter.action.prefix) {
        qb.andWhere("e.action LIKE :actionPrefix ESCAPE '\\'", { actionPrefix: `${likeLiteral(filter.action.value)}%` });
        qb.andWhere('substr(e.action, 1, :actionPrefixLength) = :actionPrefixExact', { actionPrefixLength: [...filter.action.value].length, actionPrefixExact: filter.action.value });
      }
      else qb.andWhere('e.action = :action', { action: filter.action.value });
    }
    if (filter.actions) {
      if (filter.actions.length === 0) qb.andWhere('1 = 0');
      else this.dialect.anyOf(qb, 'action', filter.actions, 'anyActions');
    }
    if (filter.anyActor) {
      const { guids, ids } = filter.anyActor;
      if (guids.length + ids.length === 0) qb.andWhere('1 = 0');
      else
        qb.andWhere(
          new Brackets((either) => {
            if (guids.length > 0) this.dialect.anyOf(either as unknown as SelectQueryBuilder<AuditEventEntity>, 'actor_guid', guids, 'anyActorGuids');
            if (ids.length > 0) {
              either.orWhere(new Brackets((raw) => this.dialect.anyOf(raw as unknown as SelectQueryBuilder<AuditEventEntity>, 'actor_id', ids, 'anyActorIds')));
            }
          }),
        );
    }
    if (filter.crud) qb.andWhere(filter.crud.length > 0 ? 'e.crud IN (:...crud)' : '1 = 0', { crud: filter.crud });
    this.range(qb, 'received_at', filter.received);
    this.range(qb, 'created_at', filter.created);
    if (filter.actorId !== undefined) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.externalId !== undefined) qb.andWhere('e.external_id = :externalId', { externalId: filter.externalId });
    if (filter.actorName !== undefined) qb.andWhere("LOWER(e.actor_name) LIKE :actorName ESCAPE '\\'", { actorName: `%${likeLiteral(filter.actorName.toLowerCase())}%` });
    if (filter.description !== undefined) {
      qb.andWhere("LOWER(e.description) LIKE :description ESCAPE '\\'", { description: `%${likeLiteral(filter.description.toLowerCase())}%` });
    }
    if (filter.text?.length) {
      const terms = filter.text.flatMap(searchTerms).slice(0, MAX_SEARCH_WORDS);
      if (terms.length > 0) this.dialect.fullText(qb, terms);
    }
    if (filter.actor) {
      if (filter.actor.guid !== undefined) {
        qb.andWhere(
          new Brackets((either) => {
            either.where('e.actor_guid = :actorGuid', { actorGuid: filter.actor!.guid });
            either.orWhere(new Brackets((unresolved) => {
              unresolved.where('e.actor_guid IS NULL');
              this.dialect.anyOf(unresolved as unknown as SelectQueryBuilder<AuditEventEntity>, 'actor_id', filter.actor!.ids, 'actorRawIds');
            }));
          }),
        );
      } else if (filter.actor.ids.length === 1) qb.andWhere('e.actor_id = :actorRawId', { actorRawId: filter.actor.ids[0] });
      else this.dialect.anyOf(qb, 'actor_id', filter.actor.ids, 'actorRawIds');
    }
    if (filter.actorGuids) {
      if (filter.actorGuids.length === 0) qb.andWhere('1 = 0');
      else this.dialect.anyOf(qb, 'actor_guid', filter.actorGuids, 'memberGuids');
    }
    if (filter.groupId !== undefined) qb.andWhere('e.group_id = :groupId', { groupId: filter.groupId });
    if (filter.targetId !== undefined) qb.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.sourceIp !== undefined) qb.andWhere('e.source_ip = :sourceIp', { sourceIp: filter.sourceIp });
    if (filter.failure !== undefined) qb.andWhere('e.is_failure = :failure', { failure: filter.failure });
    // The service's own records (reads of the log, administration) are asked for, not met by chance.
    const own = { 'read-audit': filter.reads ?? 'exclude', 'admin-audit': filter.admin ?? 'exclude' };
    const only = Object.entries(own).filter(([, choice]) => choice === 'only').map(([source]) => source);
    const excluded = Object.entries(own).filter(([, choice]) => choice === 'exclude').map(([source]) => source);
    if (only.length > 0) qb.andWhere('e.source_api IN (:...ownOnly)', { ownOnly: only });
    else if (excluded.length > 0) qb.andWhere('e.source_api NOT IN (:...ownExcluded)', { ownExcluded: excluded });
    return qb;
  }

  private range(qb: SelectQueryBuilder<AuditEventEntity>, column: string, range: TimeRange | undefined): void {
    if (range?.from !== undefined) qb.andWhere(`e.${column} >= :${column}_from`, { [`${column}_from`]: range.from });
    if (range?.to !== undefined) qb.andWhere(`e.${column} < :${column}_to`, { [`${column}_to`]: range.to });
  }
}
