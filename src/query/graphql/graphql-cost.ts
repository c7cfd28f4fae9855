import { DocumentNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { FieldError } from '../../infrastructure/http/api-error';
import { DEFAULT_PAGE_SIZE } from '../../event-store/event-query';

/** What one GraphQL request may ask for; each bound is named in the 400 that refuses it. */
export const GRAPHQL_LIMITS = {
  /** Bytes of the query document. */
  maxQueryBytes: 16 * 1024,
  /** Brackets ({, (, [) open at once in the document text: bounds every recursive walk after it. */
  maxNesting: 16,
  /** Lexical tokens of the document (graphql-js stops parsing past it). */
  maxTokens: 3_000,
  /** Depth of selections, fragments expanded (the widget's query is 6 deep). */
  maxDepth: 10,
  /** Fields selected, fragments expanded, aliases counted one by one. */
  maxFields: 300,
  /** `search` fields (aliases included): each is a page query and a count. */
  maxSearches: 5,
  /** Rows asked for by all `search` fields together (`first`/`last`, 50 when absent). */
  maxRows: 1_000,
} as const;

const refuse = (rule: string, message: string): FieldError => ({ field: 'query', rule, message });

/** A check of the raw text before it is parsed: size, and how deep brackets nest (strings and comments skipped). */
export function checkQueryText(source: string): FieldError | undefined {
  if (Buffer.byteLength(source, 'utf8') > GRAPHQL_LIMITS.maxQueryBytes) {
    return refuse('maxQueryBytes', `query must be at most ${GRAPHQL_LIMITS.maxQueryBytes} bytes`);
  }
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const block = source.startsWith('"""', i);
      const end = block ? source.indexOf('"""', i + 3) : endOfString(source, i + 1);
      if (end < 0) return undefined; // unterminated: the parser says so
      i = block ? end + 2 : end;
    } else if (c === 0x23 /* # */) {
      const end = source.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === 0x7b || c === 0x28 || c === 0x5b) {
      depth += 1;
      if (depth > GRAPHQL_LIMITS.maxNesting) return refuse('maxNesting', `query must not nest brackets more than ${GRAPHQL_LIMITS.maxNesting} deep`);
    } else if (c === 0x7d || c === 0x29 || c === 0x5d) {
      depth -= 1;
    }
  }
  return undefined;
}

function endOfString(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 1;
    else if (c === 0x22) return i;
    else if (c === 0x0a) return -1;
  }
  return -1;
}

export interface QueryCost {
  depth: number;
  fields: number;
  searches: number;
  rows: number;
}

/**
 * The cost of the operation that will run, fragments expanded (a fragment spread 100 times counts
 * 100 times). Run after validation (no fragment cycles, known fields).
 */
export function queryCost(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): QueryCost {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName === undefined ? operations[0] : operations.find((o) => o.name?.value === operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const cost: QueryCost = { depth: 0, fields: 0, searches: 0, rows: 0 };
  if (!operation) return cost;

  const argument = (value: ValueNode | undefined): unknown => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) return variables?.[value.name.value];
    if (value.kind === Kind.NULL) return null;
    return undefined;
  };
  const walk = (set: SelectionSetNode, depth: number, root: boolean): void => {
    cost.depth = Math.max(cost.depth, depth);
    // Stop counting once a bound is passed: a hostile document is not walked to its end.
    if (cost.fields > GRAPHQL_LIMITS.maxFields || cost.depth > GRAPHQL_LIMITS.maxDepth) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        cost.fields += 1;
        if (root && selection.name.value === 'search') {
          cost.searches += 1;
          const arg = (name: string) => argument(selection.arguments?.find((a) => a.name.value === name)?.value);
          const size = arg('first') ?? arg('last');
          // A value GraphQL's Int cannot hold is refused by GraphQL itself (naming the variable).
          cost.rows += typeof size === 'number' && Number.isInteger(size) && Math.abs(size) <= 2 ** 31 - 1 ? Math.max(0, size) : DEFAULT_PAGE_SIZE;
        }
        if (selection.selectionSet) walk(selection.selectionSet, depth + 1, false);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, root);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, depth, root);
      }
    }
  };
  walk(operation.selectionSet, 1, true);
  return cost;
}

/** The first bound the cost passes, as a field error; undefined when the request may run. */
export function costError(cost: QueryCost): FieldError | undefined {
  const L = GRAPHQL_LIMITS;
  if (cost.depth > L.maxDepth) return refuse('maxDepth', `query must not select more than ${L.maxDepth} levels deep`);
  if (cost.searches > L.maxSearches) return refuse('maxSearches', `query may run at most ${L.maxSearches} searches, got ${cost.searches}`);
  if (cost.rows > L.maxRows) return refuse('maxRows', `query may ask for at most ${L.maxRows} rows in all (first/last of every search), got ${cost.rows}`);
  if (cost.fields > L.maxFields) return refuse('maxFields', `query must select at most ${L.maxFields} fields (aliases and fragments counted)`);
  return undefined;
}
