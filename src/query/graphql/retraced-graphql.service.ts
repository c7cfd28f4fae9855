import { Inject, Injectable } from '@nestjs/common';
import { execute, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import { IDENTITY_RESOLVER, IdentityResolver } from '../../identity/resolution/identity-resolver';
import { FieldError, InvalidInputException } from '../../infrastructure/http/api-error';
import { inspectRequestValue } from '../../infrastructure/http/json-inspection';
import { DisplayTemplateService } from '../display/display-template.service';
import { renderTemplate } from '../display/display-templates';
import { GroupScope, QueryService } from '../query.service';
import { checkQueryText, costError, GRAPHQL_LIMITS, queryCost } from './graphql-cost';
import { SearchArgs, SearchContext, retracedSearchSchema } from './retraced-search.schema';

/** One search a request ran, for its read record. */
export interface RanSearch {
  args: SearchArgs;
  rows: number;
}

export interface GraphqlRequest {
  projectId: string;
  /** Imposed on every search: a viewer's or an enterprise token's group (and target). */
  scope?: GroupScope;
  /** Called once after the searches ran (not when none did), before the answer: the read record. */
  record?(searches: RanSearch[]): Promise<void>;
  /**
   * Or: called once when the first search starts, with its arguments, and committed while the
   * searches run (a viewer's view of the log, which records no row count); awaited before the answer.
   */
  recordView?(args: SearchArgs): Promise<void>;
}

/**
 * The Retraced search over GraphQL, for every API that offers it (publisher, viewer, enterprise).
 * A request's cost is bounded before it runs (GRAPHQL_LIMITS); its searches run one after
 * another, so one request holds at most one page query and one count at a time.
 */
@Injectable()
export class RetracedGraphqlService {
  constructor(
    private readonly queries: QueryService,
    @Inject(IDENTITY_RESOLVER) private readonly identities: IdentityResolver,
    private readonly displayTemplates: DisplayTemplateService,
  ) {}

  /** The GraphQL answer of a request that ran; a 400 (InvalidInputException) for one that cannot. */
  async execute(body: unknown, request: GraphqlRequest): Promise<ExecutionResult> {
    const { document, variables, operationName } = prepare(body);
    const searches: RanSearch[] = [];
    const templates = await this.displayTemplates.of(request.projectId);
    let previous: Promise<unknown> = Promise.resolve();
    let view: Promise<void> | undefined;
    const context: SearchContext = {
      search: (args) => {
        // Escapes in the document (\u0000) reach the arguments only after parsing.
        const problem = inspectRequestValue(args, 'search');
        if (problem) return Promise.reject(new InvalidInputException([problem]));
        if (request.recordView && !view) {
          view = request.recordView(args);
          view.catch(() => undefined);
        }
        const run = previous.then(async () => {
          const connection = await this.queries.search(request.projectId, args, request.scope);
          searches.push({ args, rows: connection.edges.length });
          return connection;
        });
        previous = run.catch(() => undefined);
        return run;
      },
      sentenceOf: (event, actorName) => (templates.length > 0 ? renderTemplate(templates, event, actorName) : undefined),
      displayNameOf: (guid) => {
        const resolution = this.identities.resolveLocal(guid);
        return resolution?.status === 'resolved' ? resolution.person.displayName : undefined;
      },
    };
    const result = await execute({ schema: retracedSearchSchema, document, variableValues: variables, operationName, contextValue: context });
    // The view is on record before any answer leaves, failed searches included.
    if (view) await view;
    // A failure of the service itself (storage down, a bug) is not the client's: the error filter
    // answers it with 503/500 and logs it, instead of a 400 carrying the raw message.
    const internal = result.errors?.map((e) => e.originalError).find((e) => e && !(e instanceof InvalidInputException) && !(e instanceof GraphQLError));
    if (internal) throw internal;
    if (searches.length > 0 && request.record) await request.record(searches);
    // A query that cannot run (bad search string, bad arguments) is the client's error, answered in
    // the service's one error shape; a query that partly ran answers GraphQL's own {data, errors}.
    const failed = result.errors?.length && (!result.data || Object.values(result.data).every((v) => v === null));
    if (failed) throw new InvalidInputException(result.errors!.slice(0, 20).flatMap(fieldErrorsOf));
    return result;
  }
}

/** The filters of the searches a request ran, numbered when there were several, for its read record. */
export function searchFilters(searches: RanSearch[]): Record<string, string | undefined> {
  const filters: Record<string, string | undefined> = {};
  searches.forEach(({ args }, i) => {
    const suffix = searches.length === 1 ? '' : `.${i + 1}`;
    Object.assign(filters, {
      [`query${suffix}`]: args.query ?? '',
      [`first${suffix}`]: args.first?.toString(),
      [`last${suffix}`]: args.last?.toString(),
      [`after${suffix}`]: args.after ?? undefined,
      [`before${suffix}`]: args.before ?? undefined,
    });
  });
  return filters;
}

/** The body as a parsed, valid document within every cost bound, or a 400 naming the field and the bound. */
function prepare(body: unknown): { document: DocumentNode; variables?: Record<string, unknown>; operationName?: string } {
  const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof query !== 'string') throw new InvalidInputException([{ field: 'query', rule: 'isString', message: 'query must be a GraphQL document string' }]);
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw new InvalidInputException([{ field: 'variables', rule: 'isObject', message: 'variables must be an object' }]);
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw new InvalidInputException([{ field: 'operationName', rule: 'isString', message: 'operationName must be a string' }]);
  }
  const textError = checkQueryText(query);
  if (textError) throw new InvalidInputException([textError]);
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch (error) {
    const message = (error as Error).message;
    const rule = /token limit/i.test(message) ? 'maxTokens' : 'isGraphQL';
    throw new InvalidInputException([
      {
        field: 'query',
        rule,
        message: rule === 'maxTokens' ? `query must have at most ${GRAPHQL_LIMITS.maxTokens} tokens` : `query is not valid GraphQL: ${message}`,
      },
    ]);
  }
  const invalid = validate(retracedSearchSchema, document, specifiedRules);
  if (invalid.length > 0) throw new InvalidInputException(invalid.slice(0, 20).map((e) => ({ field: 'query', rule: 'isValidQuery', message: e.message })));
  const vars = (variables ?? undefined) as Record<string, unknown> | undefined;
  const name = typeof operationName === 'string' ? operationName : undefined;
  const tooCostly = costError(queryCost(document, name, vars));
  if (tooCostly) throw new InvalidInputException([tooCostly]);
  return { document, variables: vars, operationName: name };
}

/** A GraphQL error as the fields it names: the search's own refusals keep theirs; the rest concern the query. */
function fieldErrorsOf(error: GraphQLError): FieldError[] {
  if (error.originalError instanceof InvalidInputException) return error.originalError.fieldErrors;
  const field = /^Variable "\$/.test(error.message) ? 'variables' : /operation name|Unknown operation/i.test(error.message) ? 'operationName' : 'query';
  return [{ field, rule: 'isValidQuery', message: error.message }];
}
