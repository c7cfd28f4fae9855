import { Injectable } from '@nestjs/common';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { assertProjectAccess } from '../tenancy/project-access';
import { DEFAULT_PROJECT_ID } from '../tenancy/project.entity';
import type { Principal } from '../tenancy/principal';
import { AuditEventReader } from './audit-event.reader';
import { AuditEventView, toEventView } from './audit-event.view';
import type { ListEventsQueryDto } from './dto/list-events.query';
import { DEFAULT_PAGE_SIZE, EventQuery, MAX_PAGE_SIZE } from './event-query';
import type { SearchArgs, SearchConnection } from './graphql/retraced-search.schema';
import { parseRetracedSearch } from './search/retraced-search-query';
import { decodeCursor, encodeCursor } from './page-cursor';

export interface EventPage {
  events: AuditEventView[];
  next_cursor: string | null;
}

@Injectable()
export class QueryService {
  constructor(private readonly reader: AuditEventReader) {}

  /** The request's filters as a query, scoped to what the principal may see. */
  toQuery(dto: ListEventsQueryDto, principal: Principal): EventQuery {
    const projectId = dto.project ?? principal.projectId ?? DEFAULT_PROJECT_ID;
    assertProjectAccess(principal, projectId);
    return {
      projectId,
      filter: {},
      order: 'desc',
      beforeSeq: dto.cursor === undefined ? undefined : decodeCursor(dto.cursor),
      limit: dto.limit ?? DEFAULT_PAGE_SIZE,
    };
  }

  /** Retraced's `search` connection: `last`/`before` newest first, `first`/`after` oldest first. */
  async search(projectId: string, args: SearchArgs): Promise<SearchConnection> {
    const refuse = (field: string, message: string) => new InvalidInputException([{ field, rule: 'isSearchArgument', message }]);
    if (args.first != null && args.last != null) throw refuse('first', 'first and last cannot be used together');
    if (args.after && args.before) throw refuse('after', 'after and before cannot be used together');
    const size = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw refuse(args.first != null ? 'first' : 'last', `page size must be 1 to ${MAX_PAGE_SIZE}`);
    const filter = parseRetracedSearch(args.query ?? '');
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
    const [rows, totalCount] = await Promise.all([this.reader.page(query), this.reader.count(projectId, filter)]);
    const more = rows.length > size;
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor(row.seq), node: toEventView(row) }));
    return { totalCount, pageInfo: { hasPreviousPage: order === 'desc' && more, hasNextPage: order === 'asc' && more }, edges };
  }

  async page(query: EventQuery): Promise<EventPage> {
    const rows = await this.reader.page(query);
    const last = rows[rows.length - 1];
    return {
      events: rows.map(toEventView),
      next_cursor: rows.length === query.limit && last ? encodeCursor(last.seq) : null,
    };
  }
}
