import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { validateBody } from '../infrastructure/http/validate-body';
import { decodeCursor } from '../query/page-cursor';
import { RetracedGraphqlService, searchFilters } from '../query/graphql/retraced-graphql.service';
import { ReadAuditService } from '../query/read-audit.service';
import { AuthenticatedRequest } from '../tenancy/authorization/auth.guard';
import { Authorize } from '../tenancy/authorization/authorize.decorator';
import type { EnterpriseCaller } from '../tenancy/principal';
import { EnterpriseSearchService } from './enterprise-search.service';
import { ActiveSearchDto, SavedSearchDto } from './viewer.dto';

type Request = AuthenticatedRequest & FastifyRequest;

const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

const enterpriseOf = (request: Request): EnterpriseCaller => {
  if (request.caller?.kind !== 'enterprise') throw new Error('this route admits only enterprise tokens');
  return request.caller;
};

function pageSize(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE;
  if (typeof raw !== 'string' || !/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
    throw new InvalidInputException([{ field: 'page_size', rule: 'isDecimalInteger', message: `page_size must be a whole number from 1 to ${MAX_PAGE}` }]);
  }
  return Number(raw);
}

function optionalString(raw: unknown, field: string, max = 1024): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > max)
    throw new InvalidInputException([{ field, rule: 'isString', message: `${field} must be one string of at most ${max} characters` }]);
  return raw;
}

/**
 * The enterprise API Retraced gives a project's customers: their group's log, with an enterprise
 * token (`Authorization: token=T`), through the search GraphQL, ad hoc searches and saved searches
 * followed page by page. Every read is recorded as the token's view_log_action in the group.
 */
@ApiTags('retraced enterprise')
@Controller('enterprise/v1')
@Authorize('enterprise.read')
export class EnterpriseController {
  constructor(
    private readonly graphql: RetracedGraphqlService,
    private readonly searches: EnterpriseSearchService,
    private readonly readAudit: ReadAuditService,
  ) {}

  @Post('graphql')
  @HttpCode(200)
  @ApiOperation({ summary: "The Retraced search over the token's group" })
  search(@Body() body: unknown, @Req() request: Request) {
    return this.runGraphql(body, request);
  }

  @Get('graphql')
  @ApiOperation({ summary: 'The same search with query, variables (JSON) and operationName as query parameters' })
  searchByGet(@Query() query: Record<string, unknown>, @Req() request: Request) {
    let variables: unknown;
    if (typeof query.variables === 'string' && query.variables !== '') {
      try {
        variables = JSON.parse(query.variables);
      } catch {
        throw new InvalidInputException([{ field: 'variables', rule: 'isJson', message: 'variables must be a JSON object' }]);
      }
    }
    return this.runGraphql({ query: query.query, variables, operationName: query.operationName }, request);
  }

  @Get('search/adhoc')
  @ApiOperation({ summary: 'Events of an actor (any of their names) and/or an action, oldest first, page_size up to 200; send the ETag back to continue' })
  async adhoc(
    @Query() query: Record<string, unknown>,
    @Headers('etag') etag: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = enterpriseOf(request);
    const size = pageSize(query.page_size);
    const page = await this.searches.adhoc(caller, {
      actorId: optionalString(query.actor_id, 'actor_id'),
      action: optionalString(query.action, 'action', 512),
      pageSize: size,
      afterSeq: etag ? decodeCursor(etag.replace(/^W\//, '').replace(/"/g, ''), 'etag') : undefined,
    });
    if (page.next_cursor) reply.header('etag', page.next_cursor);
    await this.record(
      request,
      caller,
      { kind: 'adhoc', actor_id: query.actor_id as string | undefined, action: query.action as string | undefined },
      page.events.length,
    );
    return page.events;
  }

  @Post('search/saved')
  @HttpCode(201)
  @ApiOperation({ summary: 'Save a search: {"name","actions","actor_ids","start"} → {"id"}' })
  async save(@Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(SavedSearchDto, body);
    const saved = await this.searches.save(enterpriseOf(request), dto.name, { actions: dto.actions, actor_ids: dto.actor_ids, start: dto.start });
    return { id: saved.id };
  }

  @Post('search/active')
  @HttpCode(201)
  @ApiOperation({ summary: 'Start following a saved search: {"saved_search_id"} → {"id"}' })
  async activate(@Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(ActiveSearchDto, body);
    return { id: (await this.searches.activate(enterpriseOf(request), dto.saved_search_id)).id };
  }

  @Get('search/active/:id')
  @ApiOperation({ summary: 'The next page of an active search, oldest first: {"events","next"}; pass next back' })
  async next(@Param('id') id: string, @Query() query: Record<string, unknown>, @Req() request: Request) {
    const caller = enterpriseOf(request);
    const result = await this.searches.next(caller, id, optionalString(query.next, 'next', 64), pageSize(query.page_size));
    await this.record(request, caller, { kind: 'active', active_search_id: id }, result.events.length);
    return result;
  }

  @Delete('search/active/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop following an active search' })
  async deactivate(@Param('id') id: string, @Req() request: Request): Promise<void> {
    await this.searches.deactivate(enterpriseOf(request), id);
  }

  private runGraphql(body: unknown, request: Request) {
    const caller = enterpriseOf(request);
    return this.graphql.execute(body, {
      projectId: caller.projectId,
      scope: { groupId: caller.groupId, targetId: null },
      record: (searches) =>
        this.record(
          request,
          caller,
          searchFilters(searches),
          searches.reduce((sum, s) => sum + s.rows, 0),
        ),
    });
  }

  private record(request: Request, caller: EnterpriseCaller, filters: Record<string, string | undefined>, rows: number) {
    return this.readAudit.record({
      caller,
      projectId: caller.projectId,
      kind: 'search',
      action: caller.viewLogAction,
      groupId: caller.groupId,
      filters,
      rows,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}
