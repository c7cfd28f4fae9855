import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditTrailService } from '../audit-trail/audit-trail.service';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { validateBody } from '../infrastructure/http/validate-body';
import { AuthenticatedRequest, principalOf } from '../tenancy/authorization/auth.guard';
import { Authorize, projectParam } from '../tenancy/authorization/authorize.decorator';
import { EnterpriseTokenService, recordEnterpriseTokenChange } from './enterprise-token.service';
import { PublisherEnterpriseTokenDto } from './viewer.dto';
import { ViewerSessionService } from './viewer-session.service';

type Request = AuthenticatedRequest & FastifyRequest;

/** A query parameter the viewer token needs: one non-empty string of reasonable length. */
function parameter(query: Record<string, unknown>, names: string[], required: boolean): string | undefined {
  for (const name of names) {
    const value = query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || value.length > 1024) {
      throw new InvalidInputException([{ field: name, rule: 'isString', message: `${name} must be one string of at most 1024 characters` }]);
    }
    return value;
  }
  if (required) throw new InvalidInputException([{ field: names[0], rule: 'isNotEmpty', message: `${names.join(' or ')} is required` }]);
  return undefined;
}

/**
 * What an application's backend does for the viewer: mint viewer tokens for one of its groups,
 * revoke an actor's sessions, and manage its groups' enterprise tokens — with an API token that
 * may read the project (a Retraced API token, `publish read`, does).
 */
@ApiTags('retraced viewer')
@ApiBearerAuth()
@Controller()
export class ViewerTokenController {
  constructor(
    private readonly sessions: ViewerSessionService,
    private readonly enterprise: EnterpriseTokenService,
    private readonly trail: AuditTrailService,
  ) {}

  @Get(['publisher/v1/project/:projectId/viewertoken', 'auditlog/publisher/v1/project/:projectId/viewertoken'])
  @HttpCode(201)
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: 'A viewer token for one group (group_id or team_id; actor_id; optional target_id, is_admin, view_log_action): {"token"}' })
  async viewerToken(@Param('projectId') projectId: string, @Query() query: Record<string, unknown>) {
    const groupId = parameter(query, ['group_id', 'team_id'], true)!;
    const actorId = parameter(query, ['actor_id'], true)!;
    const isAdmin = parameter(query, ['is_admin'], false);
    if (isAdmin !== undefined && isAdmin !== 'true' && isAdmin !== 'false') {
      throw new InvalidInputException([{ field: 'is_admin', rule: 'isBoolean', message: 'is_admin must be true or false' }]);
    }
    const token = await this.sessions.mint({
      projectId,
      groupId,
      actorId,
      targetId: parameter(query, ['target_id'], false),
      isAdmin: isAdmin === 'true',
      viewLogAction: parameter(query, ['view_log_action'], false),
    });
    return { token };
  }

  @Delete([
    'viewer/v1/project/:projectId/group/:groupId/actor/:actorId/viewersessions',
    'auditlog/viewer/v1/project/:projectId/group/:groupId/actor/:actorId/viewersessions',
  ])
  @HttpCode(204)
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: 'Revoke every viewer session of an actor in a group, at once' })
  async revokeSessions(
    @Param('projectId') projectId: string,
    @Param('groupId') groupId: string,
    @Param('actorId') actorId: string,
    @Req() request: Request,
  ): Promise<void> {
    await this.sessions.revokeSessions(projectId, groupId, actorId);
    await this.trail.record({
      caller: principalOf(request),
      projectId,
      action: 'audit.viewer.sessions.revoke',
      crud: 'd',
      description: `viewer sessions of ${actorId} revoked`,
      target: { id: actorId, type: 'viewer.actor' },
      group: { id: groupId },
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }

  @Post(['publisher/v1/project/:projectId/group/:groupId/enterprisetoken', 'auditlog/publisher/v1/project/:projectId/group/:groupId/enterprisetoken'])
  @HttpCode(201)
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: 'Create an enterprise token for a group: {"token","display_name","view_log_action"} (the token is shown only here)' })
  async createEnterpriseToken(@Param('projectId') projectId: string, @Param('groupId') groupId: string, @Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(PublisherEnterpriseTokenDto, body);
    const { token, entity } = await this.enterprise.create({ projectId, groupId, displayName: dto.display_name, viewLogAction: dto.view_log_action });
    await recordEnterpriseTokenChange(this.trail, {
      caller: principalOf(request),
      entity,
      what: 'create',
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return { id: entity.id, token, display_name: entity.displayName, view_log_action: entity.viewLogAction };
  }

  @Get(['publisher/v1/project/:projectId/group/:groupId/enterprisetoken', 'auditlog/publisher/v1/project/:projectId/group/:groupId/enterprisetoken'])
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: "A group's enterprise tokens (no secrets)" })
  async listEnterpriseTokens(@Param('projectId') projectId: string, @Param('groupId') groupId: string) {
    return (await this.enterprise.list(projectId, groupId)).map((t) => ({
      id: t.id,
      display_name: t.displayName,
      view_log_action: t.viewLogAction,
      created: new Date(t.createdAt).toISOString(),
    }));
  }

  @Put([
    'publisher/v1/project/:projectId/group/:groupId/enterprisetoken/:tokenId',
    'auditlog/publisher/v1/project/:projectId/group/:groupId/enterprisetoken/:tokenId',
  ])
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: 'Rename an enterprise token' })
  async renameEnterpriseToken(
    @Param('projectId') projectId: string,
    @Param('groupId') groupId: string,
    @Param('tokenId') tokenId: string,
    @Body() body: unknown,
    @Req() request: Request,
  ) {
    const dto = validateBody(PublisherEnterpriseTokenDto, body);
    const entity = await this.enterprise.rename(projectId, groupId, tokenId, dto.display_name);
    await recordEnterpriseTokenChange(this.trail, {
      caller: principalOf(request),
      entity,
      what: 'update',
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return { id: entity.id, display_name: entity.displayName, view_log_action: entity.viewLogAction };
  }

  @Delete([
    'publisher/v1/project/:projectId/group/:groupId/enterprisetoken/:tokenId',
    'auditlog/publisher/v1/project/:projectId/group/:groupId/enterprisetoken/:tokenId',
  ])
  @HttpCode(204)
  @Authorize('viewer.grant', projectParam())
  @ApiOperation({ summary: 'Revoke an enterprise token' })
  async revokeEnterpriseToken(
    @Param('projectId') projectId: string,
    @Param('groupId') groupId: string,
    @Param('tokenId') tokenId: string,
    @Req() request: Request,
  ): Promise<void> {
    const entity = await this.enterprise.revoke(projectId, groupId, tokenId);
    await recordEnterpriseTokenChange(this.trail, {
      caller: principalOf(request),
      entity,
      what: 'delete',
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}
