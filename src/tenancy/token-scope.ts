/**
 * What a token may do. A project's token carries `publish`, `read` and/or `admin` (its own project
 * only); an instance token (no project) carries `admin` (everything), `provision` (the Provisioning
 * API) or `directory` (directory reads).
 */
export type TokenScope = 'publish' | 'read' | 'admin' | 'provision' | 'directory';

export const PROJECT_SCOPES: readonly TokenScope[] = ['publish', 'read', 'admin'];
export const INSTANCE_SCOPES: readonly TokenScope[] = ['admin', 'provision', 'directory'];

/** A stored or requested scope list: space-separated words (OAuth style), `"publish read"`. */
export function parseScopes(text: string): TokenScope[] {
  return text.split(' ').filter((word) => word !== '') as TokenScope[];
}

/** The one spelling a scope list is stored and answered in: each scope once, in a fixed order. */
export function formatScopes(scopes: readonly TokenScope[]): string {
  const order: TokenScope[] = ['publish', 'read', 'admin', 'provision', 'directory'];
  return order.filter((scope) => scopes.includes(scope)).join(' ');
}
