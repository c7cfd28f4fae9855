import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { EventFilter, EventQuery, FACET_FIELDS, FacetField, FacetValue, TimeRange } from './event-query';
import { EVENT_SEARCH_DIALECT, EventSearchDialect, MAX_SEARCH_WORDS, searchTerms } from './event-search-dialect';

/** `%`, `_` and the escape character itself are literal in user text. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Filter parts that the per-group counts can answer: their columns never change after an insert. */
const GROUP_COUNTED: ReadonlySet<string> = new Set(['groupId', 'crud', 'reads', 'admin']);

/** A group's events, possibly narrowed by crud and by the service's own records: a sum of group counts. */
function countedByGroup(filter: EventFilter): filter is EventFilter & { groupId: string } {
  if (filter.groupId === undefined) return false;
  return Object.entries(filter).every(([key, value]) => value === undefined || GROUP_COUNTED.has(key));
}

/** The service's own records (reads of the log, administration) are asked for, not met by chance: the source APIs to keep only, or to leave out. */
function ownSources(filter: EventFilter): [only: string[], excluded: string[]] {
  const own = { 'read-audit': filter.reads ?? 'exclude', 'admin-audit': filter.admin ?? 'exclude' };
  const only = Object.entries(own)
    .filter(([, choice]) => choice === 'only')
    .map(([source]) => source);
  const excluded = Object.entries(own)
    .filter(([, choice]) => choice === 'exclude')
    .map(([source]) => source);
  return [only, excluded];
}

/** Reads events for a query by keyset on the per-project sequence number; one implementation for every API. */
@Injectable()
export class AuditEventReader {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @Inject(EVENT_SEARCH_DIALECT) private readonly dialect: EventSearchDialect,
  ) {}

  /** One event of a project by its id, or null. */
  byId(projectId: string, id: string): Promise<AuditEventEntity | null> {
    return this.events.findOne({ where: { projectId, id } });
  }

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
  async count(projectId: string, filter: EventFilter): Promise<number> {
    if (countedByGroup(filter)) return this.groupTotal(projectId, filter);
    return this.matching(projectId, filter).getCount();
  }

  /**
   * A group's total from the counts the event store keeps with every insert (audit_group_counts):
   * a sum over a few rows, where counting the group's events would read each of them.
   */
  private async groupTotal(projectId: string, filter: EventFilter & { groupId: string }): Promise<number> {
    if (filter.crud?.length === 0) return 0;
    const qb = this.events.manager
      .createQueryBuilder()
      .select('COALESCE(SUM(c.events), 0)', 'n')
      .from('audit_group_counts', 'c')
      .where('c.project_id = :projectId', { projectId })
      .andWhere('c.group_id = :groupId', { groupId: filter.groupId });
    if (filter.crud) qb.andWhere('c.crud IN (:...crud)', { crud: filter.crud });
    const [only, excluded] = ownSources(filter);
    if (only.length > 0) qb.andWhere('c.source_api IN (:...ownOnly)', { ownOnly: only });
    else if (excluded.length > 0) qb.andWhere('c.source_api NOT IN (:...ownExcluded)', { ownExcluded: excluded });
    const row: { n: string | number } | undefined = await qb.getRawOne();
    return Number(row?.n ?? 0);
  }

  /**
   * Matching events per time bucket (`bucketMs` wide, starting at multiples of it shifted by
   * `offsetMs`: local midnight for days), over the newest `cap` matching events. Buckets without
   * events are left out; each says when its oldest and newest events happened.
   */
  async histogram(
    projectId: string,
    filter: EventFilter,
    bucketMs: number,
    offsetMs: number,
    cap: number,
  ): Promise<{ start: number; count: number; first: number; last: number }[]> {
    const [inner, parameters] = this.capped(projectId, filter, cap, [['e.created_at', 'created_at']]);
    const bucket = Math.trunc(bucketMs);
    const offset = Math.trunc(offsetMs);
    const rows: { t: string | number; n: string | number; lo: string | number; hi: string | number }[] = await this.events.manager.query(
      `SELECT ((m.created_at + ${offset}) / ${bucket}) * ${bucket} - ${offset} AS t, COUNT(*) AS n, MIN(m.created_at) AS lo, MAX(m.created_at) AS hi
       FROM (${inner}) m GROUP BY 1 ORDER BY 1`,
      parameters,
    );
    return rows.map((r) => ({ start: Number(r.t), count: Number(r.n), first: Number(r.lo), last: Number(r.hi) }));
  }

  /** The oldest and newest time among the newest `cap` matching events, and how many were read. */
  async span(projectId: string, filter: EventFilter, cap: number): Promise<{ from: number | null; to: number | null; count: number }> {
    const [inner, parameters] = this.capped(projectId, filter, cap, [['e.created_at', 'created_at']]);
    const [row]: { lo: unknown; hi: unknown; n: unknown }[] = await this.events.manager.query(
      `SELECT MIN(m.created_at) AS lo, MAX(m.created_at) AS hi, COUNT(*) AS n FROM (${inner}) m`,
      parameters,
    );
    return { from: row.lo === null ? null : Number(row.lo), to: row.hi === null ? null : Number(row.hi), count: Number(row.n) };
  }

  /** The `top` most frequent values of each facet field among the newest `cap` matching events. */
  async facets(projectId: string, filter: EventFilter, top: number, cap: number): Promise<{ facets: Record<FacetField, FacetValue[]>; counted: number }> {
    const [inner, parameters] = this.capped(projectId, filter, cap, [
      ['e.action', 'action'],
      ['e.actor_id', 'actor_id'],
      ['e.actor_guid', 'actor_guid'],
      ['e.actor_name', 'actor_name'],
      ['e.actor_username', 'actor_username'],
      ['e.target_id', 'target_id'],
      ['e.target_name', 'target_name'],
      ['e.group_id', 'group_id'],
      ['e.group_name', 'group_name'],
      ['e.source_ip', 'source_ip'],
      ['e.is_failure', 'is_failure'],
      ['e.crud', 'crud'],
    ]);
    const none = 'CAST(NULL AS TEXT)';
    const parts: Record<FacetField, string> = {
      action: `SELECT 'action' AS facet, m.action AS value, ${none} AS label, COUNT(*) AS n FROM m GROUP BY m.action`,
      actor: `SELECT 'actor', COALESCE(m.actor_guid, m.actor_id), COALESCE(MAX(m.actor_name), MAX(m.actor_username)), COUNT(*) FROM m WHERE m.actor_id IS NOT NULL GROUP BY COALESCE(m.actor_guid, m.actor_id)`,
      target: `SELECT 'target', m.target_id, MAX(m.target_name), COUNT(*) FROM m WHERE m.target_id IS NOT NULL GROUP BY m.target_id`,
      group: `SELECT 'group', m.group_id, MAX(m.group_name), COUNT(*) FROM m WHERE m.group_id IS NOT NULL GROUP BY m.group_id`,
      source_ip: `SELECT 'source_ip', m.source_ip, ${none}, COUNT(*) FROM m WHERE m.source_ip IS NOT NULL GROUP BY m.source_ip`,
      failure: `SELECT 'failure', CASE WHEN m.is_failure THEN 'true' ELSE 'false' END, ${none}, COUNT(*) FROM m GROUP BY CASE WHEN m.is_failure THEN 'true' ELSE 'false' END`,
      crud: `SELECT 'crud', m.crud, ${none}, COUNT(*) FROM m WHERE m.crud IS NOT NULL GROUP BY m.crud`,
    };
    const sql = `WITH m AS (${inner})
      SELECT facet, value, label, n FROM (
        SELECT f.facet, f.value, f.label, f.n, ROW_NUMBER() OVER (PARTITION BY f.facet ORDER BY f.n DESC, f.value) AS r
        FROM (${FACET_FIELDS.map((field) => parts[field]).join(' UNION ALL ')} UNION ALL SELECT '_counted', '', ${none}, COUNT(*) FROM m) f
      ) ranked WHERE r <= ${Math.trunc(top)} ORDER BY facet, r`;
    const rows: { facet: FacetField | '_counted'; value: string; label: string | null; n: string | number }[] = await this.events.manager.query(
      sql,
      parameters,
    );
    const facets = Object.fromEntries(FACET_FIELDS.map((field) => [field, [] as FacetValue[]])) as Record<FacetField, FacetValue[]>;
    let counted = 0;
    for (const row of rows) {
      if (row.facet === '_counted') counted = Number(row.n);
      else facets[row.facet].push({ value: String(row.value), label: row.label ?? null, count: Number(row.n) });
    }
    return { facets, counted };
  }

  /** The newest `cap` matching events' chosen columns, as SQL with its parameters, to aggregate over. */
  private capped(projectId: string, filter: EventFilter, cap: number, columns: [string, string][]): [string, unknown[]] {
    const qb = this.matching(projectId, filter).select([]);
    for (const [column, alias] of columns) qb.addSelect(column, alias);
    return qb.orderBy('e.seq', 'DESC').limit(Math.trunc(cap)).getQueryAndParameters();
  }

  private matching(projectId: string, filter: EventFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.events.createQueryBuilder('e').where('e.project_id = :projectId', { projectId });
    if (filter.action) {
      // LIKE narrows by index; substr makes it case-sensitive on SQLite too (its LIKE folds ASCII case).
      if (filter.action.prefix) {
        qb.andWhere("e.action LIKE :actionPrefix ESCAPE '\\'", { actionPrefix: `${likeLiteral(filter.action.value)}%` });
        qb.andWhere('substr(e.action, 1, :actionPrefixLength) = :actionPrefixExact', {
          actionPrefixLength: [...filter.action.value].length,
          actionPrefixExact: filter.action.value,
        });
      } else qb.andWhere('e.action = :action', { action: filter.action.value });
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
    if (filter.actorName !== undefined)
      qb.andWhere("LOWER(e.actor_name) LIKE :actorName ESCAPE '\\'", { actorName: `%${likeLiteral(filter.actorName.toLowerCase())}%` });
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
            either.orWhere(
              new Brackets((unresolved) => {
                unresolved.where('e.actor_guid IS NULL');
                this.dialect.anyOf(unresolved as unknown as SelectQueryBuilder<AuditEventEntity>, 'actor_id', filter.actor!.ids, 'actorRawIds');
              }),
            );
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
    if (filter.anyTarget) {
      if (filter.anyTarget.length === 0) qb.andWhere('1 = 0');
      else this.dialect.anyOf(qb, 'target_id', filter.anyTarget, 'anyTargets');
    }
    if (filter.sourceIp !== undefined) qb.andWhere('e.source_ip = :sourceIp', { sourceIp: filter.sourceIp });
    if (filter.failure !== undefined) qb.andWhere('e.is_failure = :failure', { failure: filter.failure });
    // The service's own records (reads of the log, administration) are asked for, not met by chance.
    const [only, excluded] = ownSources(filter);
    if (only.length > 0) qb.andWhere('e.source_api IN (:...ownOnly)', { ownOnly: only });
    else if (excluded.length > 0) qb.andWhere('e.source_api NOT IN (:...ownExcluded)', { ownExcluded: excluded });
    return qb;
  }

  private range(qb: SelectQueryBuilder<AuditEventEntity>, column: string, range: TimeRange | undefined): void {
    if (range?.from !== undefined) qb.andWhere(`e.${column} >= :${column}_from`, { [`${column}_from`]: range.from });
    if (range?.to !== undefined) qb.andWhere(`e.${column} < :${column}_to`, { [`${column}_to`]: range.to });
  }
}
