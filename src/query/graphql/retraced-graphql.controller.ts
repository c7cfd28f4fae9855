import { Body, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { graphql, GraphQLError } from 'graphql';
import { InvalidInputException } from '../../infrastructure/http/api-error';
import { assertProjectAccess } from '../../tenancy/project-access';
import { AuthenticatedRequest, RequireScope, TokenGuard } from '../../tenancy/token.guard';
import { QueryService } from '../query.service';
import { ReadAuditService } from '../read-audit.service';
import { SearchContext, retracedSearchSchema } from './retraced-search.schema';

/** `POST …/graphql`: the search the Retraced client's `query()` sends, at the root and under /auditlog. */
@ApiTags('retraced publisher')
@ApiBearerAuth()
@Controller(['publisher/v1/project/:projectId', 'auditlog/publisher/v1/project/:projectId'])
@UseGuards(TokenGuard)
@RequireScope('read')
export class RetracedGraphqlController {
  constructor(
    private readonly queries: QueryService,
    private readonly readAudit: ReadAuditService,
  ) {}

  @Post('graphql')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retraced search: { search(query, first, after, last, before) { totalCount pageInfo edges { cursor node } } }' })
  async execute(@Param('projectId') projectId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    assertProjectAccess(request.principal!, projectId);
    const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof query !== 'string') throw new InvalidInputException([{ field: 'query', rule: 'isString', message: 'query must be a GraphQL document string' }]);
    const context: SearchContext = {
      search: async (args) => {
        const connection = await this.queries.search(projectId, args);
        const raw = request as unknown as { id: string; ip: string };
        await this.readAudit.record({
          principal: request.principal!,
          projectId,
          kind: 'search',
          filters: { query: args.query ?? '', first: args.first?.toString(), last: args.last?.toString(), after: args.after ?? undefined, before: args.before ?? undefined },
          rows: connection.edges.length,
          requestId: String(raw.id),
          clientIp: raw.ip,
        });
        return connection;
      },
    };
    const result = await graphql({
      schema: retracedSearchSchema,
      source: query,
      variableValues: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : undefined,
      operationName: typeof operationName === 'string' ? operationName : undefined,
      contextValue: context,
    });
    // A failure of the service itself (storage down, a bug) is not the client's: the error filter
    // answers it with 503/500 and logs it, instead of a 400 carrying the raw message.
    const internal = result.errors?.map((e) => e.originalError).find((e) => e && !(e instanceof InvalidInputException) && !(e instanceof GraphQLError));
    if (internal) throw internal;
    // A query that cannot run (syntax, unknown fields, bad search string) is the client's error.
    const failed = result.errors?.length && (!result.data || Object.values(result.data).every((v) => v === null));
    reply.status(failed ? 400 : 200).send(result);
  }
}
