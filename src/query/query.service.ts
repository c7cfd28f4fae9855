import { Injectable } from '@nestjs/common';
import { assertProjectAccess } from '../tenancy/project-access';
import { DEFAULT_PROJECT_ID } from '../tenancy/project.entity';
import type { Principal } from '../tenancy/principal';
import { AuditEventReader } from './audit-event.reader';
import { AuditEventView, toEventView } from './audit-event.view';
import type { ListEventsQueryDto } from './dto/list-events.query';
import { DEFAULT_PAGE_SIZE, EventQuery } from './event-query';
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
      beforeSeq: dto.cursor === undefined ? undefined : decodeCursor(dto.cursor),
      limit: dto.limit ?? DEFAULT_PAGE_SIZE,
    };
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
