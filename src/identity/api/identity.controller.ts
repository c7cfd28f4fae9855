import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UnavailableException } from '../../infrastructure/http/api-error';
import { RequireScope, TokenGuard } from '../../tenancy/token.guard';
import { LdapDirectory } from '../ldap/ldap-directory';
import { LDAP_DIRECTORY } from '../ldap/ldap-directory.provider';
import { DirectoryMirror } from '../mirror/directory-mirror.service';
import { PROVISIONING_SOURCE } from '../provisioning/provisioning.service';
import { IDENTITY_RESOLVER, IdentityResolver } from '../resolution/identity-resolver';
import { DirectorySyncService, LDAP_SOURCE, NoDirectoryConfiguredError, SyncMode, SyncResult } from '../sync/directory-sync.service';
import { personView } from './person.view';

/** Who is who: the directory sources, one person by any of their names, and a sync on demand. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('identity/v1')
@UseGuards(TokenGuard)
export class IdentityController {
  constructor(
    @Inject(IDENTITY_RESOLVER) private readonly resolver: IdentityResolver,
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    private readonly mirror: DirectoryMirror,
    private readonly sync: DirectorySyncService,
  ) {}

  @Get('sources')
  @RequireScope('read')
  @ApiOperation({ summary: 'The identity sources: the LDAP directory (when configured) and the provisioned mirror' })
  sources() {
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
    return { sources };
  }

  @Get('user/:identifier')
  @RequireScope('read')
  @ApiOperation({ summary: 'The directory entry for any identifier: GUID, username, DOMAIN\\user, UPN, email or DN' })
  async user(@Param('identifier') identifier: string) {
    const resolution = await this.resolver.resolve(identifier);
    if (resolution.status === 'resolved') return personView(resolution.person);
    if (resolution.status === 'pending') throw new UnavailableException(`the directory cannot tell now: ${resolution.reason}`, 5);
    throw new NotFoundException(`no directory person is known as "${identifier}"`);
  }

  @Get('user/:identifier/exists')
  @RequireScope('read')
  @ApiOperation({ summary: 'true when any identifier names a directory person' })
  async exists(@Param('identifier') identifier: string): Promise<boolean> {
    const resolution = await this.resolver.resolve(identifier);
    if (resolution.status === 'pending') throw new UnavailableException(`the directory cannot tell now: ${resolution.reason}`, 5);
    return resolution.status === 'resolved';
  }

  @Post('sync')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Run a directory sync now (body {"mode":"full"|"incremental"}, default full) and answer its counts' })
  async runSync(@Body() body: unknown) {
    const mode = (body && typeof body === 'object' ? (body as { mode?: unknown }).mode : undefined) ?? 'full';
    if (mode !== 'full' && mode !== 'incremental') {
      throw new BadRequestException('mode: must be full or incremental');
    }
    try {
      return syncView(await this.sync.sync(mode as SyncMode));
    } catch (error) {
      if (error instanceof NoDirectoryConfiguredError) throw new BadRequestException(error.message);
      throw new UnavailableException(`directory sync failed: ${(error as Error).message}`, 10, { cause: error });
    }
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
