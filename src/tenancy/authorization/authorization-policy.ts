import type { Caller } from '../principal';
import type { TokenScope } from '../token-scope';

/** What a request wants to do; every endpoint names exactly one (see `@Authorize`). */
export type Permission =
  /** Write events to a project. */
  | 'events.publish'
  /** Read a project's events, search them, export them, verify their seals. */
  | 'events.read'
  /** Mint viewer tokens and manage enterprise tokens for a project's customers (Retraced's publisher API). */
  | 'viewer.grant'
  /** Seal a project's newly committed events now. */
  | 'events.seal'
  /** Create, list and revoke a project's tokens. */
  | 'project.administer'
  /** Projects, instance tokens, sealing every project, directory sync. */
  | 'instance.administer'
  /** The directory: people, their names, groups and the directory's configuration. */
  | 'directory.read'
  /** The Replicated Provisioning API: push people into the directory mirror. */
  | 'directory.provision'
  /** The Replicated Audit API (`POST /audit/v1/event`). */
  | 'audit-api.publish'
  /** A viewer session reads its own group's log (searches, exports). */
  | 'viewer.read'
  /** An admin viewer session manages its group's enterprise tokens. */
  | 'viewer.administer'
  /** An enterprise token reads its own group's log. */
  | 'enterprise.read'
  /** A console session reads and ends itself. */
  | 'console.session';

/** Permissions that concern one project; the others concern the whole instance. */
const PROJECT_SCOPED: Partial<Record<Permission, readonly TokenScope[]>> = {
  'events.publish': ['publish', 'admin'],
  'events.read': ['read', 'admin'],
  'viewer.grant': ['read', 'admin'],
  'events.seal': ['admin'],
  'project.administer': ['admin'],
};

/** Instance permissions and the instance-token scopes that carry them (`admin` carries all). */
const INSTANCE_SCOPED: Partial<Record<Permission, readonly TokenScope[]>> = {
  'instance.administer': ['admin'],
  'directory.read': ['admin', 'directory'],
  'directory.provision': ['admin', 'provision'],
};

export interface PolicyOptions {
  /** INTEGRATION_API_TOKEN is unset: the Audit API is open, as the in-cluster Integration API was. */
  readonly auditApiOpen: boolean;
  /** PROVISIONING_OPEN=true: the Provisioning API needs no token (explicit opt-in). */
  readonly provisioningOpen: boolean;
}

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

const ALLOW: Decision = { allowed: true };
const deny = (status: 401 | 403, reason: string): Decision => ({ allowed: false, status, reason });
/** What a console session may do: read. Administration takes an API token, outside a browser. */
const CONSOLE_PERMISSIONS: readonly Permission[] = ['events.read', 'directory.read'];

const NO_TOKEN = deny(401, 'an Authorization header with a token is required (Bearer T, token=T or Token token=T)');

/**
 * The one answer to "may this caller do this to this project?". `projectId` is the project the
 * request concerns; null when it concerns the instance (or every project).
 */
export function decide(caller: Caller, permission: Permission, projectId: string | null, options: PolicyOptions): Decision {
  if (permission === 'audit-api.publish') {
    if (options.auditApiOpen || caller.kind === 'integration') return ALLOW;
    return caller.kind === 'anonymous'
      ? deny(401, 'this endpoint needs the Integration API token (Authorization: Bearer T)')
      : deny(403, 'this endpoint needs the Integration API token');
  }
  if (permission === 'directory.provision' && options.provisioningOpen) return ALLOW;
  if (permission === 'console.session') {
    if (caller.kind === 'console') return ALLOW;
    return caller.kind === 'anonymous' ? deny(401, 'sign in to the console first') : deny(403, 'this endpoint needs a console session (sign in at /console)');
  }
  if (caller.kind === 'anonymous') return NO_TOKEN;
  if (caller.kind === 'integration') return deny(403, 'the Integration API token is only for POST /audit/v1/event');
  if (permission === 'viewer.read' || permission === 'viewer.administer') {
    if (caller.kind !== 'viewer') return deny(403, 'this endpoint needs a viewer session');
    if (projectId !== null && projectId !== caller.projectId) return deny(403, `this viewer session belongs to another project than ${projectId}`);
    if (permission === 'viewer.administer' && !caller.isAdmin)
      return deny(403, 'this viewer session may not manage tokens (its viewer token was not minted with is_admin=true)');
    return ALLOW;
  }
  if (permission === 'enterprise.read') return caller.kind === 'enterprise' ? ALLOW : deny(403, 'this endpoint needs an enterprise token');
  if (caller.kind === 'viewer' || caller.kind === 'enterprise') return deny(403, `a ${caller.kind} credential reaches only its group's log`);
  if (caller.kind === 'console') {
    if (!CONSOLE_PERMISSIONS.includes(permission)) return deny(403, 'a console session only reads the log; this endpoint needs an API token');
    // A member of CONSOLE_GROUP reads every project (membership is checked on every request).
    if (caller.person) return ALLOW;
    return caller.token ? decide(caller.token, permission, projectId, options) : deny(403, 'this console session carries no credential');
  }

  const instanceAdmin = caller.projectId === null && caller.scopes.includes('admin');
  if (instanceAdmin) return ALLOW;

  const projectScopes = PROJECT_SCOPED[permission];
  if (projectScopes && projectId !== null) {
    if (caller.projectId === null) return deny(403, `this instance token (${caller.scopes.join(' ')}) does not reach project events`);
    if (caller.projectId !== projectId) return deny(403, `this token belongs to another project than ${projectId}`);
    if (!projectScopes.some((scope) => caller.scopes.includes(scope))) return deny(403, `this endpoint needs a token with scope ${projectScopes.join(' or ')}`);
    return ALLOW;
  }
  const instanceScopes = INSTANCE_SCOPED[permission] ?? ['admin'];
  if (caller.projectId !== null) return deny(403, "this endpoint needs the instance admin token; a project's tokens reach their own project only");
  if (!instanceScopes.some((scope) => caller.scopes.includes(scope)))
    return deny(403, `this endpoint needs an instance token with scope ${instanceScopes.join(' or ')}`);
  return ALLOW;
}
