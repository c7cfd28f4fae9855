import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditTrailService } from '../../audit-trail/audit-trail.service';
import { InvalidInputException, UnavailableException } from '../../infrastructure/http/api-error';
import { AuthenticatedRequest } from '../../tenancy/authorization/auth.guard';
import { Authorize } from '../../tenancy/authorization/authorize.decorator';
import { DEFAULT_PROJECT_ID } from '../../tenancy/default-project';
import { LdapDirectory } from '../ldap/ldap-directory';
import { LDAP_DIRECTORY } from '../ldap/ldap-directory.provider';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import { PROVISIONING_SOURCE } from '../provisioning/provisioning.service';
import { IDENTITY_RESOLVER, IdentityResolver } from '../resolution/identity-resolver';
import { DirectorySyncService, LDAP_SOURCE, NoDirectoryConfiguredError, SyncResult } from '../sync/directory-sync.service';
import { DirectoryLoginService } from '../login/directory-login.service';
import { MIN_SUGGEST_LENGTH } from '../mirror/people-search';
import { personView } from './person.view';
import { LoginDto, PeopleQueryDto } from './identity.dto';
import { validateBody } from '../../infrastructure/http/validate-body';

type Request = AuthenticatedRequest & FastifyRequest;

/**
 * Who is who: the directory sources, one person by any of their names, and a sync on demand.
 * Identity data belongs to the instance: the instance admin or a `directory` instance token; every
 * read and sync is an audit event in `default`.
 */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('identity/v1')
export class IdentityController {
  constructor(
    @Inject(IDENTITY_RESOLVER) private readonly resolver: IdentityResolver,
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    private readonly mirror: DirectoryMirror,
    private readonly sync: DirectorySyncService,
    private readonly trail: AuditTrailService,
    private readonly logins: DirectoryLoginService,
  ) {}

  @Get('people')
  @Authorize('directory.read')
  @ApiOperation({
    summary: `People one of whose names (display name or any word of it, username, email, UPN, DOMAIN\\user, DN, GUID, a former name) starts with q (at least ${MIN_SUGGEST_LENGTH} characters), best first`,
  })
  async people(@Query() raw: Record<string, unknown>, @Req() request: Request) {
    const dto = validateBody(PeopleQueryDto, { ...raw });
    const limit = dto.limit === undefined ? 10 : Number(dto.limit);
    const people = this.mirror.index.search.suggest(dto.q, limit).map(({ person, matched }) => ({
      ...personView(person),
      former_names: this.mirror.index.search.formerNamesOf(person.guid),
      matched,
    }));
    await this.recordRead(request, 'people', `people named ${dto.q}*`, { q: dto.q, rows: String(people.length) });
    return { people };
  }

  /**
   * The Replicated Identity API's login: binds to the directory as the person. Guarded like the
   * Provisioning API (a provisioner or the instance admin checks credentials for its own sign-in
   * page); failures are limited per username and address, and every attempt is an audit event.
   */
  @Post('login')
  @HttpCode(200)
  @Authorize('directory.provision')
  @ApiOperation({ summary: 'Checks a username and password against the directory: the person (DN, attributes, groups) or 401' })
  async login(@Body() body: unknown, @Req() request: Request) {
    const dto = validateBody(LoginDto, body);
    const outcome = await this.logins.login(dto.username, dto.password, request.ip);
    await this.trail.record({
      caller: request.caller!,
      actor: outcome.ok ? { id: outcome.person.guid, name: outcome.person.displayName } : { id: dto.username },
      projectId: DEFAULT_PROJECT_ID,
      action: 'audit.identity.login',
      crud: 'r',
      description: outcome.ok ? `directory credentials of ${dto.username} checked: valid` : `directory credentials of ${dto.username} refused`,
      fields: outcome.ok ? { username: dto.username } : { username: dto.username, reason: outcome.reason },
      isFailure: !outcome.ok,
      requestId: String(request.id),
      clientIp: request.ip,
    });
    if (!outcome.ok) throw new UnauthorizedException('wrong username or password');
    const person = personView(outcome.person);
    return {
      ...person,
      attributes: { username: person.username, email: person.email, upn: person.upn, display_name: person.display_name },
    };
  }

  @Get('sources')
  @Authorize('directory.read')
  @ApiOperation({ summary: 'The identity sources: the LDAP directory (when configured) and the provisioned mirror' })
  async sources(@Req() request: Request) {
    const sources: Record<string, unknown>[] = [];
    if (this.directory) {
      sources.push({
        name: LDAP_SOURCE,
        type: 'ldap',
        kind: this.directory.kind ?? null,
        urls: this.directory.urls,
        connected_url: this.directory.connection.connectedUrl ?? null,
        connected: this.directory.connection.isConnected,
        guid_attribute: this.directory.schema?.guidAttribute ?? null,
        ...this.mirror.count(LDAP_SOURCE),
        last_sync: this.sync.lastResult ? syncView(this.sync.lastResult) : null,
        last_error: this.sync.lastError ? { message: this.sync.lastError.message, at: new Date(this.sync.lastError.at).toISOString() } : null,
      });
    }
    sources.push({ name: PROVISIONING_SOURCE, type: 'provisioning', ...this.mirror.count(PROVISIONING_SOURCE) });
    await this.recordRead(request, 'sources', 'the identity sources');
    return { sources };
  }

  @Get('user/:identifier')
  @Authorize('directory.read')
  @ApiOperation({ summary: 'The directory entry for any identifier: GUID, username, DOMAIN\\user, UPN, email or DN' })
  async user(@Param('identifier') identifier: string, @Req() request: Request) {
    const resolution = await this.resolver.resolve(identifier);
    await this.recordRead(request, 'user', `directory entry of ${identifier}`, { identifier, status: resolution.status });
    if (resolution.status === 'resolved')
      return { ...personView(resolution.person), former_names: this.mirror.index.search.formerNamesOf(resolution.person.guid) };
    if (resolution.status === 'pending') throw new UnavailableException(`the directory cannot tell now: ${resolution.reason}`, 5);
    throw new NotFoundException(`no directory person is known as "${identifier}"`);
  }

  @Get('user/:identifier/exists')
  @Authorize('directory.read')
  @ApiOperation({ summary: 'true when any identifier names a directory person' })
  async exists(@Param('identifier') identifier: string, @Req() request: Request): Promise<boolean> {
    const resolution = await this.resolver.resolve(identifier);
    await this.recordRead(request, 'user.exists', `whether ${identifier} is a directory person`, { identifier, status: resolution.status });
    if (resolution.status === 'pending') throw new UnavailableException(`the directory cannot tell now: ${resolution.reason}`, 5);
    // A person deleted from the directory keeps their record and history, but does not exist.
    return resolution.status === 'resolved' && !resolution.person.deleted;
  }

  @Post('sync')
  @HttpCode(200)
  @Authorize('instance.administer')
  @ApiOperation({ summary: 'Run a directory sync now (body {"mode":"full"|"incremental"}, default full) and answer its counts' })
  async runSync(@Body() body: unknown, @Req() request: Request) {
    const mode = (body && typeof body === 'object' ? (body as { mode?: unknown }).mode : undefined) ?? 'full';
    if (mode !== 'full' && mode !== 'incremental') {
      throw new InvalidInputException([{ field: 'mode', rule: 'isIn', message: 'mode must be full or incremental' }]);
    }
    let result: SyncResult;
    try {
      result = await this.sync.sync(mode);
    } catch (error) {
      if (error instanceof NoDirectoryConfiguredError) throw new BadRequestException(error.message);
      await this.recordSync(request, mode, { error: (error as Error).message }, true);
      throw new UnavailableException(`directory sync failed: ${(error as Error).message}`, 10, { cause: error });
    }
    const view = syncView(result);
    await this.recordSync(request, mode, Object.fromEntries(Object.entries(view).map(([key, value]) => [key, String(value)])), false);
    return view;
  }

  private recordSync(request: Request, mode: string, fields: Record<string, string>, failed: boolean) {
    return this.trail.record({
      caller: request.caller!,
      projectId: DEFAULT_PROJECT_ID,
      action: 'audit.directory.sync',
      crud: 'u',
      description: failed ? `directory sync (${mode}) failed` : `directory sync (${mode})`,
      fields: { requested_mode: mode, ...fields },
      isFailure: failed,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }

  /** Directory reads are recorded like reads of the log (`audit.directory.*`, left out of listings unless asked for). */
  private recordRead(request: Request, what: string, description: string, fields?: Record<string, string>) {
    return this.trail.record({
      caller: request.caller!,
      projectId: DEFAULT_PROJECT_ID,
      sourceApi: 'read-audit',
      action: `audit.directory.${what}`,
      crud: 'r',
      description: `read of ${description}`,
      fields,
      requestId: String(request.id),
      clientIp: request.ip,
    });
  }
}

function syncView(result: SyncResult) {
  return {
    mode: result.mode,
    ...(result.reason ? { reason: result.reason } : {}),
    directory_kind: result.directoryKind,
    people_seen: result.peopleSeen,
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    deleted: result.deleted,
    groups: result.groups,
    duration_ms: result.durationMs,
    finished_at: new Date(result.finishedAt).toISOString(),
  };
}
