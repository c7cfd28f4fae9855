import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrailService } from '../audit-trail/audit-trail.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DirectoryLoginService } from '../identity/login/directory-login.service';
import { TooManyRequestsException } from '../infrastructure/http/api-error';
import { Public } from '../infrastructure/http/public-route';
import { validateBody } from '../infrastructure/http/validate-body';
import { AuthenticatedRequest } from '../tenancy/authorization/auth.guard';
import { AuthFailureLimiter } from '../tenancy/authorization/auth-failure-limiter';
import { Authorize } from '../tenancy/authorization/authorize.decorator';
import { parseCookies } from '../tenancy/authorization/caller-authenticator';
import { ANONYMOUS, Caller, ConsoleCaller, isInstanceAdmin } from '../tenancy/principal';
import { DEFAULT_PROJECT_ID } from '../tenancy/default-project';
import { ProjectService } from '../tenancy/project.service';
import { TokenService } from '../tenancy/token.service';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { SignInDto } from './console.dto';
import { CONSOLE_COOKIE, ConsoleSessionService } from './console-session.service';

type Request = AuthenticatedRequest & FastifyRequest;

/**
 * Signing in to the console and out of it. Sign-in takes directory credentials (members of
 * CONSOLE_GROUP) or an API token that reads; either way the browser gets only an `HttpOnly`,
 * `SameSite=Strict` cookie, and nothing secret is left for scripts. Every attempt is an audit event.
 */
@ApiExcludeController()
@Controller('console/api')
export class ConsoleSessionController {
  private readonly tokenFailures: AuthFailureLimiter;

  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly logins: DirectoryLoginService,
    private readonly tokens: TokenService,
    private readonly projects: ProjectService,
    private readonly trail: AuditTrailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.tokenFailures = new AuthFailureLimiter(config.console.loginFailuresPerMinute * 4, () => clock.now());
  }

  /** What the sign-in page offers. */
  @Get('sign-in')
  @Public()
  signInOptions() {
    return { directory: this.logins.available && this.config.console.group !== undefined, token: true };
  }

  @Post('session')
  @HttpCode(201)
  @Public()
  async signIn(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateBody(SignInDto, body);
    if (dto.token !== undefined && dto.username !== undefined) throw new BadRequestException('sign in with a username and password, or with a token, not both');
    if (dto.token !== undefined) return this.signInWithToken(dto.token, request, reply);
    if (dto.username === undefined || dto.password === undefined) throw new BadRequestException('username and password are both required (or a token)');
    if (this.config.console.group === undefined)
      throw new BadRequestException(
        'signing in with directory credentials needs CONSOLE_GROUP (the directory group whose members may use the console); sign in with a token',
      );
    const outcome = await this.logins.login(dto.username, dto.password, request.ip);
    const refuse = async (reason: string, status: 401 | 403, message: string) => {
      await this.record(
        request,
        ANONYMOUS,
        'audit.console.signin',
        `console sign-in of ${dto.username} refused`,
        { method: 'directory', username: dto.username!, reason },
        true,
        { id: dto.username! },
      );
      throw status === 401 ? new UnauthorizedException(message) : new ForbiddenException(message);
    };
    if (!outcome.ok) return refuse(outcome.reason, 401, 'wrong username or password');
    if (!this.sessions.mayEnter(outcome.person)) {
      return refuse(
        'not a member of CONSOLE_GROUP',
        403,
        `${outcome.person.displayName ?? dto.username} may not use the console: only members of ${this.config.console.group} may`,
      );
    }
    const { secret, entity } = await this.sessions.startForPerson(outcome.person);
    const caller: ConsoleCaller = {
      kind: 'console',
      sessionId: entity.id,
      person: { guid: outcome.person.guid, name: entity.displayName, username: outcome.person.username, email: outcome.person.email, dn: outcome.person.dn },
    };
    await this.record(
      request,
      caller,
      'audit.console.signin',
      `console sign-in of ${entity.displayName}`,
      { method: 'directory', username: dto.username, session: entity.id },
      false,
    );
    this.setCookie(request, reply, secret, this.sessions.maxAgeSeconds);
    return this.view(caller, entity.displayName);
  }

  @Get('session')
  @Authorize('console.session')
  async current(@Req() request: Request) {
    const caller = request.caller as ConsoleCaller;
    const secret = parseCookies(request.headers.cookie)[CONSOLE_COOKIE];
    const session = secret ? await this.sessions.session(secret) : null;
    return this.view(caller, session?.displayName ?? caller.person?.name ?? 'token');
  }

  @Delete('session')
  @HttpCode(204)
  @Authorize('console.session')
  async signOut(@Req() request: Request, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const secret = parseCookies(request.headers.cookie)[CONSOLE_COOKIE];
    if (secret) await this.sessions.end(secret);
    await this.record(request, request.caller!, 'audit.console.signout', 'console sign-out', { session: (request.caller as ConsoleCaller).sessionId }, false);
    this.setCookie(request, reply, '', 0);
  }

  private async signInWithToken(token: string, request: Request, reply: FastifyReply) {
    const wait = this.tokenFailures.retryAfterSeconds(request.ip);
    if (wait > 0) throw new TooManyRequestsException('too many failed sign-ins from this address; try again later', wait);
    const principal = await this.tokens.verify(token);
    const reads =
      principal !== null &&
      (isInstanceAdmin(principal) || (principal.projectId !== null && (principal.scopes.includes('read') || principal.scopes.includes('admin'))));
    if (!principal || !reads) {
      this.tokenFailures.fail(request.ip);
      await this.record(
        request,
        principal ?? ANONYMOUS,
        'audit.console.signin',
        'console sign-in with a token refused',
        { method: 'token', reason: principal ? 'token cannot read events' : 'unknown or revoked token' },
        true,
      );
      if (!principal) throw new UnauthorizedException('the token is not valid');
      throw new ForbiddenException('this token cannot read events: sign in with a read or admin token');
    }
    const name = principal.projectId === null ? 'instance admin token' : `${principal.scopes.join(' ')} token of ${principal.projectId}`;
    const { secret, entity } = await this.sessions.startForToken(principal, name);
    const caller: ConsoleCaller = { kind: 'console', sessionId: entity.id, token: principal };
    await this.record(request, caller, 'audit.console.signin', `console sign-in with the ${name}`, { method: 'token', session: entity.id }, false);
    this.setCookie(request, reply, secret, this.sessions.maxAgeSeconds);
    return this.view(caller, name);
  }

  /** Who is signed in and what they may read. */
  private async view(caller: ConsoleCaller, name: string) {
    const everyProject = caller.person !== undefined || (caller.token !== undefined && isInstanceAdmin(caller.token));
    const projects = everyProject
      ? (await this.projects.list()).map((p) => ({ id: p.id, name: p.name }))
      : [await this.projects.get(caller.token!.projectId!)].map((p) => ({ id: p.id, name: p.name }));
    return {
      name,
      kind: caller.person ? 'directory' : 'token',
      guid: caller.person?.guid ?? null,
      projects,
      // The person picker reads the directory: instance readers only.
      directory: caller.person !== undefined || (caller.token !== undefined && caller.token.projectId === null),
      idle_timeout_s: Math.floor(this.config.console.sessionIdleMs / 1000),
    };
  }

  private setCookie(request: Request, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${CONSOLE_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
    reply.header('cache-control', 'no-store');
  }

  private record(
    request: Request,
    caller: Caller,
    action: string,
    description: string,
    fields: Record<string, string>,
    failed: boolean,
    actor?: { id: string },
  ) {
    return this.trail.record({
      caller,
      actor,
      projectId: DEFAULT_PROJECT_ID,
      action,
      crud: 'r',
      description,
      fields,
      isFailure: failed,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}
