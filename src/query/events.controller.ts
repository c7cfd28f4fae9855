import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateBody } from '../infrastructure/http/validate-body';
import { AuthenticatedRequest, projectOf } from '../tenancy/authorization/auth.guard';
import { Authorize, projectQuery } from '../tenancy/authorization/authorize.decorator';
import { EventFiltersDto, ExportEventsQueryDto, FacetsQueryDto, HistogramQueryDto, ListEventsQueryDto } from './dto/list-events.query';
import { EventDetail, EventDetailService } from './event-detail.service';
import { EventExportService } from './export/event-export.service';
import { EventPage, Facets, Histogram, QueryService } from './query.service';
import { ReadAuditService } from './read-audit.service';

type Request = AuthenticatedRequest & FastifyRequest;

/** `resolved`, `unknown` or `pending`: how the `actor` filter was resolved (see ActorMatch). */
const ACTOR_RESOLUTION_HEADER = 'x-actor-resolution';

/** The filters as the reader gave them, for the read's own audit event. */
function givenFilters(
  dto: EventFiltersDto & { cursor?: string; limit?: string; format?: string; interval?: string; top?: string },
): Record<string, string | undefined> {
  const { project, actor, member_of, action, group, target, target_person, ip, since, until, failure, q, reads, admin, cursor, limit, format, interval, top } =
    dto;
  return { project, actor, member_of, action, group, target, target_person, ip, since, until, failure, q, reads, admin, cursor, limit, format, interval, top };
}

@ApiTags('query')
@ApiBearerAuth()
@Controller('audit/v1')
export class EventsController {
  constructor(
    private readonly queries: QueryService,
    private readonly exports: EventExportService,
    private readonly readAudit: ReadAuditService,
    private readonly details: EventDetailService,
  ) {}

  @Get('events')
  @Authorize('events.read', projectQuery())
  @ApiOperation({ summary: 'Events newest first, filtered (actor by any alias, member_of with nesting, action prefix, time range, free text), keyset-paged' })
  @ApiOkResponse({
    description:
      '{"events":[...],"next_cursor":"..."|null,"actor":{...}} — `actor` (with `actor=`) tells how the name resolved: `resolved` (every alias matched by GUID), `unknown` (raw id matched), `pending` (directory could not tell in time: only the raw id matched, the answer may be incomplete); also in the X-Actor-Resolution header',
  })
  async list(@Query() raw: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply): Promise<EventPage> {
    const dto = validateBody(ListEventsQueryDto, { ...raw });
    const { query, actor } = await this.queries.toQuery(dto, projectOf(request));
    if (actor) reply.header(ACTOR_RESOLUTION_HEADER, actor.status);
    const page = await this.queries.page(query, actor, dto.with === 'people');
    await this.readAudit.record({
      caller: request.caller!,
      projectId: query.projectId,
      kind: 'view',
      filters: givenFilters(dto),
      rows: page.events.length,
      actorResolution: actor?.status,
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return page;
  }

  @Get('events/histogram')
  @Authorize('events.read', projectQuery())
  @ApiOperation({
    summary: "Matching events counted per minute, hour or day (the listing's filters; interval=auto|minute|hour|day, tz_offset in minutes for local days)",
  })
  @ApiOkResponse({
    description:
      '{"interval","tz_offset","buckets":[{"start","count"}],"first","last","total","complete"} — first/last: when the oldest and newest counted event happened; complete is false when more than 100,000 events matched (the newest 100,000 were counted)',
  })
  async histogram(@Query() raw: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply): Promise<Histogram> {
    const dto = validateBody(HistogramQueryDto, { ...raw });
    const projectId = projectOf(request);
    return this.recordedCounts('histogram', dto, request, reply, await this.queries.histogram(dto, projectId));
  }

  @Get('events/facets')
  @Authorize('events.read', projectQuery())
  @ApiOperation({
    summary:
      "The most frequent actions, actors, targets, groups, source IPs, failure and crud values among the matching events (the listing's filters; top values per field)",
  })
  @ApiOkResponse({ description: '{"facets":{"action":[{"value","label","count"}],...},"total","complete"}' })
  async facets(@Query() raw: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply): Promise<Facets> {
    const dto = validateBody(FacetsQueryDto, { ...raw });
    const projectId = projectOf(request);
    return this.recordedCounts('facets', dto, request, reply, await this.queries.facets(dto, projectId));
  }

  /** Counts (histogram or facets) as answered: the actor's resolution in a header, and the read on record. */
  private async recordedCounts<T extends Histogram | Facets>(
    view: 'histogram' | 'facets',
    dto: HistogramQueryDto | FacetsQueryDto,
    request: Request,
    reply: FastifyReply,
    counts: T,
  ): Promise<T> {
    if (counts.actor) reply.header(ACTOR_RESOLUTION_HEADER, counts.actor.status);
    await this.readAudit.record({
      caller: request.caller!,
      projectId: projectOf(request),
      kind: 'view',
      filters: { view, ...givenFilters(dto) },
      rows: counts.total,
      actorResolution: counts.actor?.status,
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return counts;
  }

  @Get('events/:id')
  @Authorize('events.read', projectQuery())
  @ApiOperation({ summary: 'One event with how its actor was attributed (status, GUID, DN, which name matched, the person now) and the seal that covers it' })
  async event(@Param('id') id: string, @Req() request: Request): Promise<EventDetail> {
    const projectId = projectOf(request);
    const detail = await this.details.detail(projectId, id);
    await this.readAudit.record({
      caller: request.caller!,
      projectId,
      kind: 'view',
      filters: { event: id },
      rows: 1,
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return detail;
  }

  @Get('events/export')
  @Authorize('events.read', projectQuery())
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOperation({ summary: 'Every matching event, newest first, streamed as NDJSON or CSV (format=ndjson|csv), the same filters as the listing' })
  async export(@Query() raw: Record<string, unknown>, @Req() request: Request, @Res() reply: FastifyReply): Promise<void> {
    const dto = validateBody(ExportEventsQueryDto, { ...raw });
    const format = dto.format ?? 'ndjson';
    const projectId = projectOf(request);
    const { filter, actor } = await this.queries.interpret(dto);
    // A streamed file has no envelope: how `actor` resolved travels in a header.
    if (actor) reply.header(ACTOR_RESOLUTION_HEADER, actor.status);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const stream = this.exports.stream({ projectId, filter }, format, (progress) =>
      this.readAudit.record({
        caller: request.caller!,
        projectId,
        kind: 'export',
        filters: givenFilters(dto),
        rows: progress.rows,
        outcome: progress.outcome,
        actorResolution: actor?.status,
        requestId: String(request.id),
        clientIp: request.ip,
      }),
    );
    // On record before the first row leaves (the end record adds the row count and completion).
    try {
      await this.readAudit.record({
        caller: request.caller!,
        projectId,
        kind: 'export.start',
        filters: givenFilters(dto),
        actorResolution: actor?.status,
        requestId: String(request.id),
        clientIp: request.ip,
      });
    } catch (error) {
      stream.destroy();
      throw error;
    }
    reply
      .status(200)
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-events-${projectId}-${stamp}.${format}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  }
}
