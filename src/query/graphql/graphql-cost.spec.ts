import { parse } from 'graphql';
import { checkQueryText, costError, GRAPHQL_LIMITS, queryCost } from './graphql-cost';

const cost = (query: string, variables?: Record<string, unknown>) => queryCost(parse(query), undefined, variables);

describe('GraphQL cost', () => {
  it('counts the official client and widget queries as cheap', () => {
    const widget = `query Search($query: String!, $last: Int, $before: String) { search(query: $query, last: $last, before: $before) {
      totalCount pageInfo { hasPreviousPage } edges { cursor node { id action crud description is_failure received created canonical_time
      actor { id name href fields { key value } } target { id name href type fields { key value } } group { id name } display { markdown }
      fields { key value } metadata { key value } source_ip country loc_subdiv1 loc_subdiv2 } } } }`;
    const measured = cost(widget, { query: '', last: 20 });
    expect(measured).toMatchObject({ searches: 1, rows: 20 });
    expect(costError(measured)).toBeUndefined();
  });

  it('counts aliases and every spread of a fragment, and defaults a page to 50 rows', () => {
    expect(cost('{ a: search { totalCount } b: search(first: 7) { totalCount } }')).toMatchObject({ searches: 2, rows: 57 });
    const spread = `fragment S on Query { search(last: 300) { totalCount } } { ...S x: search { totalCount } ... on Query { ...S } }`;
    expect(cost(spread)).toMatchObject({ searches: 3, rows: 650 });
    expect(costError(cost(spread))).toBeUndefined();
    expect(costError(cost(`${spread.slice(0, -1)} y: search(last: 400) { totalCount } }`))).toMatchObject({ rule: 'maxRows' });
  });

  it('refuses bracket nesting past the bound in the text, outside strings and comments', () => {
    const limit = GRAPHQL_LIMITS.maxNesting;
    expect(checkQueryText(`${'{'.repeat(limit)}${'}'.repeat(limit)}`)).toBeUndefined();
    expect(checkQueryText(`${'{'.repeat(limit + 1)}`)).toMatchObject({ rule: 'maxNesting' });
    expect(checkQueryText(`{ search(query: "${'{'.repeat(100)}") { totalCount } } # ${'['.repeat(100)}`)).toBeUndefined();
    expect(checkQueryText('x'.repeat(GRAPHQL_LIMITS.maxQueryBytes + 1))).toMatchObject({ rule: 'maxQueryBytes' });
  });
});
