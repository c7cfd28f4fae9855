import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Logger, OnApplicationBootstrap, UnauthorizedException } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { CLOCK, Clock } from '../../infrastructure/clock/clock';
import { InvalidInputException, TooManyRequestsException } from '../../infrastructure/http/api-error';
import { ANONYMOUS, Caller, INTEGRATION, Principal } from '../principal';
import { tokenDigest, tokenFromHeader, tokenMatches } from '../token-header';
import { TokenService } from '../token.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { CALLER_AUTHENTICATOR, CallerAuthenticator, parseCookies } from './caller-authenticator';
import { decide, PolicyOptions } from './authorization-policy';
import { ACCESS_RULE, AccessRule, ProjectSource } from './authorize.decorator';

/** What the guard leaves on the request for the handler. */
export interface AuthenticatedRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  params?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
  routeOptions?: { url?: string };
  /** Who is calling. */
  caller?: Caller;
  /** The project the request concerns, as the policy checked it; null for the instance. */
  projectId?: string | null;
}

/** The token principal of a request whose rule admits only tokens. */
export function principalOf(request: AuthenticatedRequest): Principal {
  if (request.caller?.kind !== 'token') throw new Error('this route admits only tokens: its rule must not be open');
  return request.caller;
}

/** The project the policy checked for the request. */
export function projectOf(request: AuthenticatedRequest): string {
  if (typeof request.projectId !== 'string') throw new Error('this route names no project in its rule');
  return request.projectId;
}

const PROJECT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The one gate of every route (installed globally): finds the route's rule, authenticates the
 * caller, finds the project the request concerns, and asks the authorization policy. A route
 * without a rule is refused. Failed authentication is logged and limited per client address.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnApplicationBootstrap {
  private readonly logger = new Logger('Authorization');
  private readonly integrationDigest: Buffer | undefined;
  private readonly options: PolicyOptions;
  private readonly failures: AuthFailureLimiter;
  private authenticators: CallerAuthenticator[] = [];

  constructor(
    private readonly tokens: TokenService,
    private readonly reflector: Reflector,
    private readonly discovery: DiscoveryService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.integrationDigest = config.integrationApiToken ? tokenDigest(config.integrationApiToken) : undefined;
    this.options = { auditApiOpen: !config.integrationApiToken, provisioningOpen: config.provisioningOpen };
    this.failures = new AuthFailureLimiter(config.authFailuresPerMinute, () => clock.now());
  }

  /** The contributed credential kinds (viewer sessions, enterprise tokens, a team's own). */
  onApplicationBootstrap(): void {
    this.authenticators = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance && this.reflector.get(CALLER_AUTHENTICATOR, wrapper.metatype as never))
      .map((wrapper) => wrapper.instance as CallerAuthenticator);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (rule === 'public') return true;
    if (!rule) throw new ForbiddenException('this route has no authorization rule');

    // An open route (the Audit API without INTEGRATION_API_TOKEN, PROVISIONING_OPEN) looks at no token.
    const open = decide(ANONYMOUS, rule.permission, null, this.options).allowed;
    const caller = open ? ANONYMOUS : await this.authenticate(request);
    const projectId = this.projectOf(rule.project, caller, request);
    const decision = decide(caller, rule.permission, projectId, this.options);
    if (!decision.allowed) {
      if (decision.status === 401) {
        // A browser opening the console before signing in is not a failed authentication.
        if (rule.permission !== 'console.session') this.failed(request, caller.kind === 'anonymous' ? 'no token' : 'wrong token kind');
        throw new UnauthorizedException(decision.reason);
      }
      throw new ForbiddenException(decision.reason);
    }
    request.caller = caller;
    request.projectId = projectId;
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Caller> {
    const retryAfter = this.failures.retryAfterSeconds(request.ip);
    if (retryAfter > 0) throw new TooManyRequestsException('too many failed authentications from this address; try again later', retryAfter);
    const header = request.headers.authorization;
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented === undefined) return this.fromCookies(request);
    const token = tokenFromHeader(presented);
    for (const authenticator of this.authenticators) {
      const caller = await authenticator.authenticate(presented, token);
      if (caller === undefined) continue;
      if (caller === null) {
        this.failed(request, 'invalid, expired or revoked credential');
        throw new UnauthorizedException('the credential is not valid (expired, revoked or forged)');
      }
      return caller;
    }
    if (!token) {
      this.failed(request, 'unreadable Authorization header');
      throw new UnauthorizedException('the Authorization header must carry a token (Bearer T, token=T or Token token=T)');
    }
    if (this.integrationDigest && tokenMatches(token, this.integrationDigest)) return INTEGRATION;
    const principal = await this.tokens.verify(token);
    if (!principal) {
      this.failed(request, 'unknown or revoked token');
      throw new UnauthorizedException('the token is not valid');
    }
    return principal;
  }

  /** Without an Authorization header, a browser's cookie may carry a session (the console's). */
  private async fromCookies(request: AuthenticatedRequest): Promise<Caller> {
    const header = request.headers.cookie;
    if (typeof header !== 'string') return ANONYMOUS;
    const cookies = parseCookies(header);
    for (const authenticator of this.authenticators) {
      const caller = await authenticator.authenticateCookies?.(cookies, { method: request.method ?? 'GET', headers: request.headers });
      if (caller === undefined) continue;
      if (caller === null) {
        this.failed(request, 'invalid, expired or ended session');
        throw new UnauthorizedException('the session has ended (signed out, idle too long, or no longer allowed); sign in again');
      }
      return caller;
    }
    return ANONYMOUS;
  }

  private failed(request: AuthenticatedRequest, reason: string): void {
    const crossed = this.failures.fail(request.ip);
    this.logger.warn({ msg: 'authentication failed', reason, client_ip: request.ip, route: request.routeOptions?.url });
    if (crossed) this.logger.warn({ msg: 'address refused for a while: too many failed authentications', client_ip: request.ip });
  }

  /** The project the request concerns, from where its rule says; null for the instance. */
  private projectOf(source: ProjectSource | undefined, caller: Caller, request: AuthenticatedRequest): string | null {
    if (!source) return null;
    if ('param' in source) return request.params?.[source.param] ?? null;
    const given = request.query?.[source.query];
    if (given === undefined) return caller.kind === 'token' && caller.projectId !== null ? caller.projectId : source.instanceDefault;
    if (typeof given !== 'string' || !PROJECT_ID.test(given)) {
      throw new InvalidInputException([
        { field: source.query, rule: 'isProjectId', message: `${source.query} must be one project id (letters, digits, . _ -)` },
      ]);
    }
    return given;
  }
}
