import type { TokenScope } from './token-scope';

/** A request authenticated by an API token. */
export interface Principal {
  kind: 'token';
  tokenId: string;
  scopes: readonly TokenScope[];
  /** The token's project; null for an instance token. */
  projectId: string | null;
}

/**
 * A person of a project's customer looking at their group's log through the embedded viewer
 * (a Retraced viewer session): one project, one group, optionally one target.
 */
export interface ViewerCaller {
  kind: 'viewer';
  sessionId: string;
  projectId: string;
  groupId: string;
  targetId: string | null;
  actorId: string;
  isAdmin: boolean;
  viewLogAction: string;
}

/** A project's customer's program reading its group's log with an enterprise token. */
export interface EnterpriseCaller {
  kind: 'enterprise';
  tokenId: string;
  displayName: string;
  projectId: string;
  groupId: string;
  viewLogAction: string;
}

/**
 * A person signed in to the console (a session cookie): either a member of CONSOLE_GROUP, who
 * reads every project, or someone who signed in with an API token and reads what it reads.
 */
export interface ConsoleCaller {
  kind: 'console';
  sessionId: string;
  /** Signed in with directory credentials: the person as the directory names them. */
  person?: { guid: string; name: string; username?: string; email?: string; dn?: string };
  /** Signed in with an API token: the token, checked again on every request. */
  token?: Principal;
}

/** Who is calling: a token, a viewer session, an enterprise token, a console session, the Integration API token (INTEGRATION_API_TOKEN), or nobody in particular. */
export type Caller = Principal | ViewerCaller | EnterpriseCaller | ConsoleCaller | { kind: 'integration' } | { kind: 'anonymous' };

export const ANONYMOUS: Caller = { kind: 'anonymous' };
export const INTEGRATION: Caller = { kind: 'integration' };

export function isInstanceAdmin(caller: Caller): boolean {
  return caller.kind === 'token' && caller.projectId === null && caller.scopes.includes('admin');
}

/** How a caller is named in the audit records of what it did. */
export function callerActor(caller: Caller): { id: string; name?: string } | undefined {
  if (caller.kind === 'token') return { id: `token:${caller.tokenId}`, name: `${caller.scopes.join(' ')} token` };
  if (caller.kind === 'integration') return { id: 'integration-api-token', name: 'Integration API token' };
  if (caller.kind === 'viewer') return { id: caller.actorId };
  if (caller.kind === 'enterprise') return { id: `enterprise-token:${caller.tokenId}`, name: caller.displayName };
  // A console reader is recorded as the person (their directory GUID), or as the token they signed in with.
  if (caller.kind === 'console')
    return caller.person ? { id: caller.person.guid, name: caller.person.name } : caller.token ? callerActor(caller.token) : undefined;
  return undefined;
}
