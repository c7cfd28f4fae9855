import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditTrailService, TrailEntry } from '../audit-trail/audit-trail.service';
import { InvalidInputException } from '../infrastructure/http/api-error';
import { validateBody } from '../infrastructure/http/validate-body';
import { DisplayTemplateService } from '../query/display/display-template.service';
import { templateProblem } from '../query/display/display-templates';
import { AuthenticatedRequest, principalOf } from '../tenancy/authorization/auth.guard';
import { Authorize, projectParam } from '../tenancy/authorization/authorize.decorator';
import { DEFAULT_PROJECT_ID } from '../tenancy/default-project';
import { ProjectService } from '../tenancy/project.service';
import { parseScopes } from '../tenancy/token-scope';
import { TokenService, TokenView, tokenView } from '../tenancy/token.service';
import { CreateInstanceTokenDto, CreateProjectDto, CreateTokenDto, DisplayTemplatesDto } from './admin.dto';

type Request = AuthenticatedRequest & FastifyRequest;

/**
 * Projects and tokens. Projects and instance tokens are the instance admin's; a project's tokens
 * are also its own admin token's. Every change is an audit event in the project it concerns.
 */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin/v1')
export class AdminController {
  constructor(
    private readonly projects: ProjectService,
    private readonly tokens: TokenService,
    private readonly trail: AuditTrailService,
    private readonly displayTemplates: DisplayTemplateService,
  ) {}

  @Post('project')
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'Create a project (instance admin)' })
  @ApiBody({ type: CreateProjectDto })
  @ApiCreatedResponse({ description: '{"id","name"}' })
  async createProject(@Body() body: unknown, @Req() request: Request): Promise<{ id: string; name: string }> {
    const dto = validateBody(CreateProjectDto, body);
    const project = await this.projects.create(dto.name);
    // A project whose creation could not be put on record is taken back: the answer says nothing was made.
    await this.recordOrUndo(
      () =>
        this.record(request, project.id, 'audit.project.create', 'c', `project ${project.name} created`, {
          id: project.id,
          name: project.name,
          type: 'project',
        }),
      () => this.projects.remove(project.id),
    );
    return { id: project.id, name: project.name };
  }

  @Get('project')
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'Every project (instance admin)' })
  @ApiOkResponse({ description: '{"projects":[{"id","name","created"}]}' })
  async listProjects() {
    const projects = await this.projects.list();
    return { projects: projects.map((p) => ({ id: p.id, name: p.name, created: new Date(p.createdAt).toISOString() })) };
  }

  @Post('project/:projectId/token')
  @Authorize('project.administer', projectParam())
  @ApiOperation({ summary: 'Create an API token for a project (its admin token or the instance admin); the token is shown only in this answer' })
  @ApiBody({ type: CreateTokenDto })
  @ApiCreatedResponse({ description: '{"token","id","name","scope","scopes","project_id",...}' })
  async createToken(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(CreateTokenDto, body);
    await this.projects.get(projectId);
    return this.mint(request, projectId, dto.name, dto.scope);
  }

  @Get('project/:projectId/token')
  @Authorize('project.administer', projectParam())
  @ApiOperation({ summary: "A project's tokens, without their secrets" })
  @ApiOkResponse({ description: '{"tokens":[{"id","name","scope","scopes","project_id","created","last_used","revoked"}]}' })
  async listTokens(@Param('projectId') projectId: string): Promise<{ tokens: TokenView[] }> {
    await this.projects.get(projectId);
    return { tokens: (await this.tokens.list(projectId)).map(tokenView) };
  }

  @Delete('project/:projectId/token/:tokenId')
  @HttpCode(204)
  @Authorize('project.administer', projectParam())
  @ApiOperation({ summary: 'Revoke a token; it is refused from then on' })
  async revokeToken(@Param('projectId') projectId: string, @Param('tokenId') tokenId: string, @Req() request: Request): Promise<void> {
    await this.revoke(request, projectId, tokenId);
  }

  @Get('project/:projectId/templates')
  @Authorize('project.administer', projectParam())
  @ApiOperation({ summary: "The project's display templates, in the order they are tried" })
  async listTemplates(@Param('projectId') projectId: string) {
    await this.projects.get(projectId);
    return { templates: await this.displayTemplates.of(projectId) };
  }

  @Put('project/:projectId/templates')
  @Authorize('project.administer', projectParam())
  @ApiOperation({ summary: 'Replace the display templates: the first whose action matches and whose every placeholder has a value writes display.markdown' })
  @ApiBody({ type: DisplayTemplatesDto })
  async replaceTemplates(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(DisplayTemplatesDto, body);
    const problems = dto.templates.flatMap((t, i) => {
      const problem = templateProblem(t.template);
      return problem ? [{ field: `templates[${i}].template`, rule: 'isTemplate', message: `templates[${i}].template has an ${problem}` }] : [];
    });
    if (problems.length > 0) throw new InvalidInputException(problems);
    await this.projects.get(projectId);
    const templates = dto.templates.map(({ action, template }) => ({ action, template }));
    await this.displayTemplates.replace(projectId, templates);
    await this.record(
      request,
      projectId,
      'audit.project.templates.update',
      'u',
      `display templates replaced (${templates.length})`,
      { id: projectId, type: 'project' },
      { templates: String(templates.length) },
    );
    return { templates };
  }

  @Post('token')
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'Create an instance token: admin, provision (the Provisioning API) or directory (directory reads)' })
  @ApiBody({ type: CreateInstanceTokenDto })
  @ApiCreatedResponse({ description: '{"token","id","name","scope","scopes","project_id":null,...}' })
  async createInstanceToken(@Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(CreateInstanceTokenDto, body);
    return this.mint(request, null, dto.name, dto.scope);
  }

  @Get('token')
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'The instance tokens, without their secrets' })
  async listInstanceTokens(): Promise<{ tokens: TokenView[] }> {
    return { tokens: (await this.tokens.list(null)).map(tokenView) };
  }

  @Delete('token/:tokenId')
  @HttpCode(204)
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'Revoke an instance token' })
  async revokeInstanceToken(@Param('tokenId') tokenId: string, @Req() request: Request): Promise<void> {
    await this.revoke(request, null, tokenId);
  }

  private async mint(request: Request, projectId: string | null, name: string, scope: string) {
    const { token, entity } = await this.tokens.create({ projectId, name, scopes: parseScopes(scope) });
    // A token whose creation is not on record is taken back: its secret was never handed out.
    await this.recordOrUndo(
      () =>
        this.record(
          request,
          projectId ?? DEFAULT_PROJECT_ID,
          'audit.token.create',
          'c',
          `token ${entity.name} created with scope ${entity.scope}`,
          { id: entity.id, name: entity.name, type: 'token' },
          { scope: entity.scope, ...(projectId === null ? { instance: 'true' } : {}) },
        ),
      () => this.tokens.remove(entity.id),
    );
    return { token, ...tokenView(entity) };
  }

  private async revoke(request: Request, projectId: string | null, tokenId: string): Promise<void> {
    const entity = await this.tokens.revoke(projectId, tokenId);
    await this.record(
      request,
      projectId ?? DEFAULT_PROJECT_ID,
      'audit.token.revoke',
      'd',
      `token ${entity.name} revoked`,
      { id: entity.id, name: entity.name, type: 'token' },
      { scope: entity.scope },
    );
  }

  private async recordOrUndo(record: () => Promise<void>, undo: () => Promise<void>): Promise<void> {
    try {
      await record();
    } catch (error) {
      await undo().catch(() => undefined);
      throw error;
    }
  }

  private record(
    request: Request,
    projectId: string,
    action: string,
    crud: TrailEntry['crud'],
    description: string,
    target: TrailEntry['target'],
    fields?: Record<string, string>,
  ) {
    return this.trail.record({
      caller: principalOf(request),
      projectId,
      action,
      crud,
      description,
      target,
      fields,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}
