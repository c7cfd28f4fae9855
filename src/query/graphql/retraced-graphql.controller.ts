import { Body, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { graphql } from 'graphql';
import { InvalidInputException } from '../../infrastructure/http/api-error';
import { assertProjectAccess } from '../../tenancy/project-access';
import { AuthenticatedRequest, RequireScope, TokenGuard } from '../../tenancy/token.guard';
import { QueryService } from '../query.service';
import { SearchContext, retracedSearchSchema } from './retraced-search.schema';

/** `POST …/graphql`: the search the Retraced client's `query()` sends, at the root and under /auditlog. */
@ApiTags('retraced publisher')
@ApiBearerAuth()
@Controller(['publisher/v1/project/:projectId', 'auditlog/publisher/v1/project/:projectId'])
@UseGuards(TokenGuard)
@RequireScope('read')
export class RetracedGraphqlController {
  constructor(private readonly queries: QueryService) {}

  @Post('graphql')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retraced search: { search(query, first, after, last, before) { totalCount pageInfo edges { cursor node } } }' })
  async execute(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    assertProjectAccess(request.principal!, projectId);
    const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof query !== 'string') throw new InvalidInputException([{ field: 'query', rule: 'isString', message: 'query must be a GraphQL document string' }]);
    const context: SearchContext = { search: (args) => this.queries.search(projectId, args) };
    const result = await graphql({
      schema: retracedSearchSchema,
      source: query,
      variableValues: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : undefined,
      operationName: typeof operationName === 'string' ? operationName : undefined,
      contextValue: context,
    });
    // A query that cannot run (syntax, unknown fields, bad search string) is the client's error.
    const failed = result.errors?.length && (!result.data || Object.values(result.data).every((v) => v === null));
    reply.status(failed ? 400 : 200).send(result);
  }
}
