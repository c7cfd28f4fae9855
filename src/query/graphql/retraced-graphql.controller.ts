import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '../../tenancy/authorization/auth.guard';
import { Authorize, projectParam } from '../../tenancy/authorization/authorize.decorator';
import { ReadAuditService } from '../read-audit.service';
import { RetracedGraphqlService, searchFilters } from './retraced-graphql.service';

type Request = AuthenticatedRequest & FastifyRequest;

/** `POST …/graphql`: the search the Retraced client's `query()` sends, at the root and under /auditlog; one read record per request. */
@ApiTags('retraced publisher')
@ApiBearerAuth()
@Controller(['publisher/v1/project/:projectId', 'auditlog/publisher/v1/project/:projectId'])
@Authorize('events.read', projectParam())
export class RetracedGraphqlController {
  constructor(
    private readonly graphql: RetracedGraphqlService,
    private readonly readAudit: ReadAuditService,
  ) {}

  @Post('graphql')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retraced search: { search(query, first, after, last, before) { totalCount pageInfo edges { cursor node } } }' })
  execute(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: Request) {
    return this.graphql.execute(body, {
      projectId,
      record: (searches) =>
        this.readAudit.record({
          caller: request.caller!,
          projectId,
          kind: 'search',
          filters: searchFilters(searches),
          rows: searches.reduce((sum, s) => sum + s.rows, 0),
          requestId: String(request.id),
          clientIp: request.ip,
        }),
    });
  }
}
