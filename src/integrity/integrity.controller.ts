import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditTrailService } from '../audit-trail/audit-trail.service';
import { AuthenticatedRequest, principalOf, projectOf } from '../tenancy/authorization/auth.guard';
import { Authorize, projectQuery } from '../tenancy/authorization/authorize.decorator';
import { DEFAULT_PROJECT_ID } from '../tenancy/default-project';
import { IntegrityReport, SealService } from './seal.service';

@ApiTags('integrity')
@ApiBearerAuth()
@Controller('audit/v1/integrity')
export class IntegrityController {
  constructor(
    private readonly seals: SealService,
    private readonly trail: AuditTrailService,
  ) {}

  @Get()
  @Authorize('events.read', projectQuery())
  @ApiQuery({ name: 'project', required: false, description: "default: the token's own project, or `default` for an admin token" })
  @ApiOperation({ summary: "Recomputes a project's chain of seals from the stored events: whether any sealed event or seal was changed, removed or inserted" })
  @ApiOkResponse({
    description:
      '{"project_id","ok","sealed_events","seals","sealed_through_seq","unsealed_events","head","problems":[{"seq_from","seq_to","problem"}],"problem_count"}',
  })
  verify(@Req() request: AuthenticatedRequest): Promise<IntegrityReport> {
    return this.seals.verify(projectOf(request));
  }

  @Post('seal')
  @HttpCode(200)
  @Authorize('events.seal', projectQuery('project', null))
  @ApiQuery({ name: 'project', required: false, description: "one project; default: the token's own project, or every project for the instance admin" })
  @ApiOperation({
    summary: 'Seals now what a project (the instance admin: every project) committed since its last seal (otherwise every INTEGRITY_SEAL_INTERVAL_S)',
  })
  @ApiOkResponse({ description: '{"sealed_events": n}' })
  async seal(@Req() request: AuthenticatedRequest & FastifyRequest): Promise<{ sealed_events: number }> {
    const projectId = request.projectId ?? null;
    const sealed = projectId === null ? await this.seals.sealAll() : await this.seals.sealProject(projectId);
    await this.trail.record({
      caller: principalOf(request),
      projectId: projectId ?? DEFAULT_PROJECT_ID,
      action: 'audit.integrity.seal',
      crud: 'c',
      description: `sealed ${sealed} event(s) of ${projectId === null ? 'every project' : `project ${projectId}`}`,
      fields: { sealed_events: String(sealed), scope: projectId === null ? 'all' : 'project' },
      requestId: String(request.id),
      clientIp: request.ip,
    });
    return { sealed_events: sealed };
  }
}
