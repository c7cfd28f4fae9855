import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_RESOLVER, IdentityResolver } from '../identity/resolution/identity-resolver';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { AuditEventReader } from '../event-store/event-reader';
import { AuditEventView, toEventView } from './audit-event.view';
import type { EventFiltersDto, FacetsQueryDto, HistogramQueryDto, ListEventsQueryDto } from './dto/list-events.query';
import {
  DEFAULT_PAGE_SIZE,
  EventFilter,
  EventQuery,
  FacetField,
  FacetValue,
  HistogramInterval,
  INTERVAL_MS,
  MAX_COUNTED_EVENTS,
  MAX_PAGE_SIZE,
} from '../event-store/event-query';
import type { SearchArgs, SearchConnection } from './graphql/retraced-search.schema';
import { checkSearchText } from '../event-store/event-search-dialect';
import { parseRetracedSearch } from './search/retraced-search-query';
import { decodeCursor, encodeCursor } from './page-cursor';
import { ReadGate } from './read-gate';
import { PersonNow, personNow } from './event-detail.service';

/** How long a query waits for the directory to name the person behind `actor`. */
const ACTOR_RESOLVE_BUDGET_MS = 2_000;

/**
 * How an `actor` filter was understood, told with the answer so that an incomplete one is never
 * silent: `resolved` (every name of the person matched through the directory GUID), `unknown` (the
 * directory knows nobody by that name: the raw actor id matched), `pending` (the directory could not
 * tell in time: only the raw actor id matched, so events logged under the person's other names are
 * missing; ask again once the directory answers).
 */
export interface ActorMatch {
  given: string;
  status: 'resolved' | 'unknown' | 'pending';
  guid: string | null;
  matched_ids: string[];
}

/** What a viewer session or an enterprise token may see: one group of a project, and maybe one target. */
export interface GroupScope {
  groupId: string;
  targetId: string | null;
}

/** Most buckets `interval=auto` aims for. */
const AUTO_BUCKETS = 200;

export interface Histogram {
  interval: HistogramInterval;
  tz_offset: number;
  buckets: { start: string; count: number }[];
  /** When the oldest and the newest counted event happened (null without events). */
  first: string | null;
  last: string | null;
  /** Events counted: every matching one when `complete`. */
  total: number;
  /** False when more than MAX_COUNTED_EVENTS matched: the counts are of the newest ones. */
  complete: boolean;
  actor?: ActorMatch;
}

export interface Facets {
  facets: Record<FacetField, FacetValue[]>;
  total: number;
  complete: boolean;
  actor?: ActorMatch;
}

export interface EventPage {
  events: AuditEventView[];
  next_cursor: string | null;
  /** Present when the request filtered by `actor`. */
  actor?: ActorMatch;
  /** With `with=people`: each actor GUID of the page, as the directory names the person now. */
  people?: Record<string, PersonNow>;
}

/** The request's filters as understood, with how its `actor` was resolved. */
export interface InterpretedFilters {
  filter: EventFilter;
  actor?: ActorMatch;
}

/**
 * Reads at once per project and in all: the PostgreSQL pool has 10 connections and ingestion keeps
 * at least 4; a project's reads past its share wait their turn behind nobody else's.
 */
const READS_PER_PROJECT = 3;
const READS_IN_ALL = 6;
const READS_WAITING = 64;

@Injectable()
export class QueryService {
  private readonly gate = new ReadGate(READS_PER_PROJECT, READS_IN_ALL, READS_WAITING);

  constructor(
    private readonly reader: AuditEventReader,
    @Inject(IDENTITY_RESOLVER) private readonly identities: IdentityResolver,
  ) {}

  /** The request's filters as a query of the project the authorization policy admitted. */
  async toQuery(dto: ListEventsQueryDto, projectId: string): Promise<{ query: EventQuery; actor?: ActorMatch }> {
    const { filter, actor } = await this.interpret(dto);
    const query: EventQuery = {
      projectId,
      filter,
      order: 'desc',
      beforeSeq: dto.cursor === undefined ? undefined : decodeCursor(dto.cursor),
      limit: dto.limit === undefined ? DEFAULT_PAGE_SIZE : Number(dto.limit),
    };
    return { query, actor };
  }

  /**
   * REST filters → the shared EventFilter. `actor` becomes the person's GUID, so every alias
   * matches (how it resolved is returned beside the filter); `member_of` becomes the GUIDs of the
   * group's members, nested membership included.
   */
  async interpret(dto: EventFiltersDto): Promise<InterpretedFilters> {
    const filter: EventFilter = {};
    let actor: ActorMatch | undefined;
    if (dto.actor !== undefined) {
      const resolution = await this.identities.resolve(dto.actor, { budgetMs: ACTOR_RESOLVE_BUDGET_MS });
      if (resolution.status === 'resolved') {
        const { guid, username, email, upn, dn } = resolution.person;
        // Events stored before the name was known (identity unknown, or still pending) have no GUID:
        // they match by any of the person's names as logged.
        const ids = [...new Set([dto.actor, guid, username, email, upn, dn].filter((v): v is string => Boolean(v)))];
        filter.actor = { guid, ids };
        actor = { given: dto.actor, status: 'resolved', guid, matched_ids: ids };
      } else {
        filter.actor = { ids: [dto.actor] };
        // Why the directory could not tell (its address, its error) is for the logs, not for readers.
        actor = { given: dto.actor, status: resolution.status, guid: null, matched_ids: [dto.actor] };
      }
    }
    if (dto.member_of !== undefined) filter.actorGuids = this.identities.membersOf(dto.member_of);
    if (dto.action !== undefined) {
      filter.action = dto.action.endsWith('*') ? { value: dto.action.slice(0, -1), prefix: true } : { value: dto.action, prefix: false };
    }
    if (dto.target_person !== undefined) {
      const resolution = await this.identities.resolve(dto.target_person, { budgetMs: ACTOR_RESOLVE_BUDGET_MS });
      const names =
        resolution.status === 'resolved'
          ? [resolution.person.guid, resolution.person.username, resolution.person.email, resolution.person.upn, resolution.person.dn]
          : [];
      filter.anyTarget = [...new Set([dto.target_person, ...names].filter((v): v is string => Boolean(v)))];
    }
    if (dto.group !== undefined) filter.groupId = dto.group;
    if (dto.target !== undefined) filter.targetId = dto.target;
    if (dto.ip !== undefined) filter.sourceIp = dto.ip;
    if (dto.failure !== undefined) filter.failure = dto.failure === 'true';
    if (dto.since !== undefined || dto.until !== undefined) {
      const from = dto.since === undefined ? undefined : Date.parse(dto.since);
      const to = dto.until === undefined ? undefined : Date.parse(dto.until);
      for (const [field, value] of [
        ['since', from],
        ['until', to],
      ] as const) {
        // ISO 8601 forms JavaScript cannot read (week dates, ordinal dates, basic format).
        if (value !== undefined && Number.isNaN(value)) {
          throw new InvalidInputException([{ field, rule: 'isDateTime', message: `${field} must be a date-time such as 2026-11-01T00:00:00Z` }]);
        }
      }
      if (from !== undefined && to !== undefined && to <= from) {
        throw new InvalidInputException([{ field: 'until', rule: 'isAfterSince', message: 'until must be later than since' }]);
      }
      filter.created = { from, to };
    }
    if (dto.q !== undefined) {
      checkSearchText([dto.q], 'q');
      filter.text = [dto.q];
    }
    // Asking for the service's own actions (audit.*) asks for its records.
    const own = dto.action?.startsWith('audit.') ? 'include' : 'exclude';
    filter.reads = dto.reads ?? own;
    filter.admin = dto.admin ?? own;
    return { filter, actor };
  }

  /**
   * Retraced's `search` connection: `last`/`before` newest first, `first`/`after` oldest first.
   * `scope` (a viewer's or enterprise token's group, and target) is imposed on whatever the query says.
   */
  async search(projectId: string, args: SearchArgs, scope?: GroupScope): Promise<SearchConnection> {
    const refuse = (field: string, message: string) => new InvalidInputException([{ field, rule: 'isSearchArgument', message }]);
    if (args.first != null && args.last != null) throw refuse('first', 'first and last cannot be used together');
    if (args.after && args.before) throw refuse('after', 'after and before cannot be used together');
    const size = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      throw refuse(args.first != null ? 'first' : 'last', `page size must be 1 to ${MAX_PAGE_SIZE}`);
    const filter = parseRetracedSearch(args.query ?? '');
    if (scope) {
      filter.groupId = scope.groupId;
      if (scope.targetId !== null) filter.targetId = scope.targetId;
    }
    const order = args.first != null ? 'asc' : 'desc';
    const query: EventQuery = {
      projectId,
      filter,
      order,
      // An empty cursor means the first page, as the Retraced client sends it.
      beforeSeq: args.before ? decodeCursor(args.before, 'before') : undefined,
      afterSeq: args.after ? decodeCursor(args.after, 'after') : undefined,
      limit: size + 1,
    };
    const [rows, totalCount] = await this.gate.run(projectId, () => Promise.all([this.reader.page(query), this.reader.count(projectId, filter)]));
    const more = rows.length > size;
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(row.seq), node: toEventView(row) }));
    return { totalCount, pageInfo: { hasPreviousPage: order === 'desc' && more, hasNextPage: order === 'asc' && more }, edges };
  }

  /** Matching events per time bucket, with the total; `interval=auto` fits the range into about 200 buckets. */
  async histogram(dto: HistogramQueryDto, projectId: string): Promise<Histogram> {
    const { filter, actor } = await this.interpret(dto);
    const offsetMinutes = dto.tz_offset === undefined ? 0 : Number(dto.tz_offset);
    if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 840) {
      throw new InvalidInputException([
        { field: 'tz_offset', rule: 'isTimeZoneOffset', message: 'tz_offset must be a whole number of minutes from -840 to 840' },
      ]);
    }
    return this.gate.run(projectId, async () => {
      let interval: HistogramInterval;
      if (dto.interval && dto.interval !== 'auto') interval = dto.interval;
      else {
        let from = filter.created?.from;
        let to = filter.created?.to;
        if (from === undefined || to === undefined) {
          const span = await this.reader.span(projectId, filter, MAX_COUNTED_EVENTS);
          from ??= span.from ?? 0;
          to ??= (span.to ?? 0) + 1;
        }
        interval = (['minute', 'hour', 'day'] as const).find((i) => (to - from) / INTERVAL_MS[i] <= AUTO_BUCKETS) ?? 'day';
      }
      const buckets = await this.reader.histogram(projectId, filter, INTERVAL_MS[interval], offsetMinutes * 60_000, MAX_COUNTED_EVENTS);
      const total = buckets.reduce((sum, b) => sum + b.count, 0);
      const histogram: Histogram = {
        interval,
        tz_offset: offsetMinutes,
        buckets: buckets.map((b) => ({ start: new Date(b.start).toISOString(), count: b.count })),
        first: buckets.length > 0 ? new Date(buckets[0].first).toISOString() : null,
        last: buckets.length > 0 ? new Date(buckets[buckets.length - 1].last).toISOString() : null,
        total,
        complete: await this.complete(projectId, filter, total),
      };
      if (actor) histogram.actor = actor;
      return histogram;
    });
  }

  /** The most frequent values of each field among the matching events (actions, actors, targets, groups, addresses, failures, crud). */
  async facets(dto: FacetsQueryDto, projectId: string): Promise<Facets> {
    const { filter, actor } = await this.interpret(dto);
    const top = dto.top === undefined ? 10 : Number(dto.top);
    return this.gate.run(projectId, async () => {
      const { facets, counted } = await this.reader.facets(projectId, filter, top, MAX_COUNTED_EVENTS);
      const result: Facets = { facets, total: counted, complete: await this.complete(projectId, filter, counted) };
      if (actor) result.actor = actor;
      return result;
    });
  }

  /** Whether a count that reached the cap saw every matching event. */
  private async complete(projectId: string, filter: EventFilter, counted: number): Promise<boolean> {
    if (counted < MAX_COUNTED_EVENTS) return true;
    const span = await this.reader.span(projectId, filter, MAX_COUNTED_EVENTS + 1);
    return span.count <= MAX_COUNTED_EVENTS;
  }

  async page(query: EventQuery, actor?: ActorMatch, withPeople = false): Promise<EventPage> {
    const rows = await this.gate.run(query.projectId, () => this.reader.page(query));
    const last = rows[rows.length - 1];
    const page: EventPage = {
      events: rows.map(toEventView),
      next_cursor: rows.length === query.limit && last ? encodeCursor(last.seq) : null,
    };
    if (actor) page.actor = actor;
    if (withPeople) {
      page.people = {};
      for (const guid of new Set(rows.map((r) => r.actorGuid).filter((g): g is string => g !== null))) {
        const known = this.identities.resolveLocal(guid);
        if (known?.status === 'resolved') page.people[guid] = personNow(known.person);
      }
    }
    return page;
  }
}
