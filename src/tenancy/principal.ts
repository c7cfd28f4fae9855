import type { TokenScope } from './token-scope';

/** A request authenticated by an API token. */
export interface Principal {
  kind: 'token';
  tokenId: string;
  scopes: readonly TokenScope[];
  /** The token's project; null for an instance token. */
  projectId: string | null;
}

/** Who is calling: a token, the Integration API token (INTEGRATION_API_TOKEN), or nobody in particular. */
export type Caller = Principal | { kind: 'integration' } | { kind: 'anonymous' };

export const ANONYMOUS: Caller = { kind: 'anonymous' };
export const INTEGRATION: Caller = { kind: 'integration' };

export function isInstanceAdmin(caller: Caller): boolean {
  return caller.kind === 'token' && caller.projectId === null && caller.scopes.includes('admin');
}

/** How a caller is named in the audit records of what it did. */
export function callerActor(caller: Caller): { id: string; name: string } | undefined {
  if (caller.kind === 'token') return { id: `token:${caller.tokenId}`, name: `${caller.scopes.join(' ')} token` };
  if (caller.kind === 'integration') return { id: 'integration-api-token', name: 'Integration API token' };
  return undefined;
}
