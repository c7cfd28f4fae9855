import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_RESOLVER, IdentityResolver } from '../identity/resolution/identity-resolver';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { AuditEventReader } from './audit-event.reader';
import { AuditEventView, toEventView } from './audit-event.view';
import type { EventFiltersDto, ListEventsQueryDto } from './dto/list-events.query';
import { DEFAULT_PAGE_SIZE, EventFilter, EventQuery, MAX_PAGE_SIZE } from './event-query';
import type { SearchArgs, SearchConnection } from './graphql/retraced-search.schema';
import { checkSearchText } from './search-dialect/event-search-dialect';
import { parseRetracedSearch } from './search/retraced-search-query';
import { decodeCursor, encodeCursor } from './page-cursor';
import { ReadGate } from './read-gate';

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

export interface EventPage {
  events: AuditEventView[];
  next_cursor: string | null;
  /** Present when the request filtered by `actor`. */
  actor?: ActorMatch;
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
    if (dto.group !== undefined) filter.groupId = dto.group;
    if (dto.target !== undefined) filter.targetId = dto.target;
    if (dto.ip !== undefined) filter.sourceIp = dto.ip;
    if (dto.failure !== undefined) filter.failure = dto.failure === 'true';
    if (dto.since !== undefined || dto.until !== undefined) {
      const from = dto.since === undefined ? undefined : Date.parse(dto.since);
      const to = dto.until === undefined ? undefined : Date.parse(dto.until);
      for (const [field, value] of [['since', from], ['until', to]] as const) {
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
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw refuse(args.first != null ? 'first' : 'last', `page size must be 1 to ${MAX_PAGE_SIZE}`);
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

  async page(query: EventQuery, actor?: ActorMatch): Promise<EventPage> {
    const rows = await this.gate.run(query.projectId, () => this.reader.page(query));
    const last = rows[rows.length - 1];
    const page: EventPage = {
      events: rows.map(toEventView),
      next_cursor: rows.length === query.limit && last ? encodeCursor(last.seq) : null,
    };
    if (actor) page.actor = actor;
    return page;
  }
}
