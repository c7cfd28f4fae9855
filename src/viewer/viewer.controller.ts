import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrailService } from '../audit-trail/audit-trail.service';
import { validateBody } from '../infrastructure/http/validate-body';
import type { Crud } from '../event-store/audit-event';
import { EventExportService } from '../query/export/event-export.service';
import { RetracedGraphqlService, searchFilters } from '../query/graphql/retraced-graphql.service';
import { ReadAuditService } from '../query/read-audit.service';
import { parseRetracedSearch } from '../query/search/retraced-search-query';
import { AuthenticatedRequest } from '../tenancy/authorization/auth.guard';
import { Authorize, projectParam, Public } from '../tenancy/authorization/authorize.decorator';
import type { ViewerCaller } from '../tenancy/principal';
import { EnterpriseTokenService, recordEnterpriseTokenChange } from './enterprise-token.service';
import { ViewerExportEntity } from './viewer.entities';
import { CreateExportDto, EnterpriseTokenNameDto, ExportBodyDto, ViewerSessionDto } from './viewer.dto';
import { ViewerExportService } from './viewer-export.service';
import { ViewerSessionService } from './viewer-session.service';

type Request = AuthenticatedRequest & FastifyRequest;

const viewerOf = (request: Request): ViewerCaller => {
  if (request.caller?.kind !== 'viewer') throw new Error('this route admits only viewer sessions');
  return request.caller;
};

/**
 * The viewer API the official `@retracedhq/logs-viewer` widget calls, at `/viewer/v1` and under
 * `/auditlog` (the widget's default host). A session sees one group (and maybe one target) of one
 * project, whatever it puts in the path or the query.
 */
@ApiTags('retraced viewer')
@Controller(['viewer/v1', 'auditlog/viewer/v1'])
export class ViewerController {
  constructor(
    private readonly sessions: ViewerSessionService,
    private readonly graphql: RetracedGraphqlService,
    private readonly readAudit: ReadAuditService,
    private readonly exports: ViewerExportService,
    private readonly eventExports: EventExportService,
    private readonly enterprise: EnterpriseTokenService,
    private readonly trail: AuditTrailService,
  ) {}

  @Post('viewersession')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a viewer token for a session: {"token"} → {"project_id","token"}' })
  async createSession(@Body() body: unknown) {
    const { token } = validateBody(ViewerSessionDto, body);
    const exchanged = await this.sessions.exchange(token);
    if (!exchanged) throw new UnauthorizedException('the viewer token is unknown or expired; ask the application for a new one');
    return { project_id: exchanged.projectId, token: exchanged.session };
  }

  @Post('graphql')
  @HttpCode(200)
  @Authorize('viewer.read')
  @ApiOperation({ summary: "The Retraced search over the session's group; each request is a view of the log (skipViewLogEvent=true skips it)" })
  search(@Body() body: unknown, @Query('skipViewLogEvent') skip: unknown, @Req() request: Request) {
    const viewer = viewerOf(request);
    return this.graphql.execute(body, {
      projectId: viewer.projectId,
      scope: { groupId: viewer.groupId, targetId: viewer.targetId },
      // Retraced's view event: the session's view_log_action, committed while the search runs.
      recordView:
        typeof skip === 'string' && skip !== '' && skip !== 'false'
          ? undefined
          : (args) =>
              this.readAudit.record({
                caller: viewer,
                projectId: viewer.projectId,
                kind: 'view',
                action: viewer.viewLogAction,
                groupId: viewer.groupId,
                filters: searchFilters([{ args, rows: 0 }]),
                requestId: String(request.id),
                clientIp: request.ip,
              }),
    });
  }

  @Get('project/:projectId/exports')
  @Authorize('viewer.read', projectParam())
  @ApiOperation({ summary: "The group's saved exports, newest first" })
  async listExports(@Req() request: Request) {
    const viewer = viewerOf(request);
    return (await this.exports.list(viewer.projectId, viewer.groupId)).map(exportView);
  }

  @Post('project/:projectId/export')
  @Authorize('viewer.read', projectParam())
  @ApiOperation({ summary: 'Save an export (a name and the widget’s exportBody)' })
  async createExport(@Body() body: unknown, @Req() request: Request) {
    const viewer = viewerOf(request);
    const dto = validateBody(CreateExportDto, body);
    // The search must be one this service can run: refused now, not when it is downloaded.
    exportFilter(dto.exportBody);
    return exportView(await this.exports.create(viewer, dto.name, dto.exportBody));
  }

  @Get('project/:projectId/export/:exportId/rendered')
  @Authorize('viewer.read', projectParam())
  @ApiOperation({ summary: 'The saved export as CSV, streamed (the group only)' })
  async renderExport(@Param('exportId') exportId: string, @Req() request: Request, @Res() reply: FastifyReply): Promise<void> {
    const viewer = viewerOf(request);
    const saved = await this.exports.get(viewer.projectId, viewer.groupId, exportId);
    if (!saved) throw new NotFoundException(`no export ${exportId} in this group`);
    const body = JSON.parse(saved.body) as ExportBodyDto;
    const filter = exportFilter(body);
    filter.groupId = viewer.groupId;
    if (viewer.targetId !== null) filter.targetId = viewer.targetId;
    const record = (kind: 'export.start' | 'export', progress?: { rows: number; outcome: 'completed' | 'aborted' | 'failed' }) =>
      this.readAudit.record({
        caller: viewer,
        projectId: viewer.projectId,
        kind,
        groupId: viewer.groupId,
        filters: { export_id: saved.id, export_name: saved.name, query: body.searchQuery },
        rows: progress?.rows,
        outcome: progress?.outcome,
        requestId: String(request.id),
        clientIp: request.ip,
      });
    const stream = this.eventExports.stream({ projectId: viewer.projectId, filter }, 'csv', (progress) => record('export', progress));
    try {
      await record('export.start');
    } catch (error) {
      stream.destroy();
      throw error;
    }
    reply
      .status(200)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition(saved.name))
      .header('access-control-expose-headers', 'Content-Disposition')
      .header('cache-control', 'no-store')
      .send(stream);
  }

  @Get('project/:projectId/eitapi_tokens')
  @Authorize('viewer.administer', projectParam())
  @ApiOperation({ summary: "The group's enterprise tokens (no secrets)" })
  async listTokens(@Req() request: Request) {
    const viewer = viewerOf(request);
    return (await this.enterprise.list(viewer.projectId, viewer.groupId)).map((t) => ({ id: t.id, display_name: t.displayName }));
  }

  @Post('project/:projectId/eitapi_token')
  @Authorize('viewer.administer', projectParam())
  @ApiOperation({ summary: 'Create an enterprise token for the group; the token is shown only in this answer' })
  async createToken(@Body() body: unknown, @Req() request: Request) {
    const viewer = viewerOf(request);
    const dto = validateBody(EnterpriseTokenNameDto, body);
    const { token, entity } = await this.enterprise.create({ projectId: viewer.projectId, groupId: viewer.groupId, displayName: dto.displayName });
    await recordEnterpriseTokenChange(this.trail, { caller: viewer, entity, what: 'create', requestId: String(request.id), clientIp: request.ip });
    return {
      id: entity.id,
      token,
      display_name: entity.displayName,
      project_id: entity.projectId,
      group_id: entity.groupId,
      view_log_action: entity.viewLogAction,
    };
  }

  @Put('project/:projectId/eitapi_token/:tokenId')
  @Authorize('viewer.administer', projectParam())
  @ApiOperation({ summary: 'Rename an enterprise token' })
  async renameToken(@Param('tokenId') tokenId: string, @Body() body: unknown, @Req() request: Request) {
    const viewer = viewerOf(request);
    const dto = validateBody(EnterpriseTokenNameDto, body);
    const entity = await this.enterprise.rename(viewer.projectId, viewer.groupId, tokenId, dto.displayName);
    await recordEnterpriseTokenChange(this.trail, { caller: viewer, entity, what: 'update', requestId: String(request.id), clientIp: request.ip });
    return { id: entity.id, display_name: entity.displayName, project_id: entity.projectId, group_id: entity.groupId, view_log_action: entity.viewLogAction };
  }

  @Delete('project/:projectId/eitapi_token/:tokenId')
  @HttpCode(204)
  @Authorize('viewer.administer', projectParam())
  @ApiOperation({ summary: 'Revoke an enterprise token' })
  async deleteToken(@Param('tokenId') tokenId: string, @Req() request: Request): Promise<void> {
    const viewer = viewerOf(request);
    const entity = await this.enterprise.revoke(viewer.projectId, viewer.groupId, tokenId);
    await recordEnterpriseTokenChange(this.trail, { caller: viewer, entity, what: 'delete', requestId: String(request.id), clientIp: request.ip });
  }
}

function exportView(entity: ViewerExportEntity) {
  return {
    id: entity.id,
    name: entity.name,
    body: entity.body,
    project_id: entity.projectId,
    group_id: entity.groupId,
    created: new Date(entity.createdAt).toISOString(),
  };
}

/** The widget's export body as a filter: its search, the CRUD boxes ticked, and the time range. */
function exportFilter(body: ExportBodyDto) {
  const filter = parseRetracedSearch(body.searchQuery ?? '');
  const crud: Crud[] = [];
  if (body.showCreate) crud.push('c');
  if (body.showRead) crud.push('r');
  if (body.showUpdate) crud.push('u');
  if (body.showDelete) crud.push('d');
  const anyBox = [body.showCreate, body.showRead, body.showUpdate, body.showDelete].some((v) => v !== undefined);
  // No box ticked exports nothing, as the widget's list would show nothing.
  if (anyBox) filter.crud = crud;
  if (body.startTime !== undefined || body.endTime !== undefined) filter.received = { from: body.startTime, to: body.endTime };
  return filter;
}

/**
 * A download name that cannot break the header: letters, digits, space, `.`, `_` and `-` kept, the
 * rest replaced. Only `filename=` (the widget reads the name by splitting on it; no `filename*=`).
 */
function contentDisposition(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9 ._-]/g, '_').slice(0, 100) || 'export';
  return `attachment; filename="${safe}.csv"`;
}
