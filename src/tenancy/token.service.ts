import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { ApiTokenEntity } from './api-token.entity';
import type { Principal } from './principal';
import { tokenDigest, tokenMatches } from './token-header';
import { formatScopes, parseScopes, TokenScope } from './token-scope';

const BOOTSTRAP_TOKEN_ID = 'bootstrap-admin';
/** How long a verified token is trusted without asking the database again (revocation delay). */
const CACHE_TTL_MS = 5_000;
/** `last_used_at` is written at most this often per token, so verifying stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A token as listed: everything but its secret. */
export interface TokenView {
  id: string;
  name: string;
  scope: string;
  scopes: TokenScope[];
  project_id: string | null;
  created: string;
  last_used: string | null;
  revoked: string | null;
}

export function tokenView(entity: ApiTokenEntity): TokenView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: entity.id,
    name: entity.name,
    scope: entity.scope,
    scopes: parseScopes(entity.scope),
    project_id: entity.projectId,
    created: new Date(entity.createdAt).toISOString(),
    last_used: iso(entity.lastUsedAt),
    revoked: iso(entity.revokedAt),
  };
}

@Injectable()
export class TokenService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TokenService.name);
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** AUDIT_ADMIN_TOKEN becomes the bootstrap admin token; without it the first start makes one. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminToken) {
      const hash = tokenDigest(this.config.adminToken).toString('hex');
      await this.tokens.upsert(
        { id: BOOTSTRAP_TOKEN_ID, projectId: null, name: 'AUDIT_ADMIN_TOKEN', scope: 'admin', tokenHash: hash, createdAt: this.clock.now(), revokedAt: null },
        ['id'],
      );
      return;
    }
    const existing = await this.tokens.count({ where: { scope: 'admin', projectId: IsNull(), revokedAt: IsNull() } });
    if (existing > 0) return;
    const { token } = await this.create({ id: BOOTSTRAP_TOKEN_ID, projectId: null, name: 'generated at first start', scopes: ['admin'] });
    // Shown once, outside the structured log, and never again: only its hash is stored.
    process.stdout.write(`\nGenerated admin token (shown only once, store it now): ${token}\n\n`);
    this.logger.warn({ msg: 'AUDIT_ADMIN_TOKEN is not set; generated an admin token and printed it once' });
  }

  async create(spec: {
    id?: string;
    projectId: string | null;
    name: string;
    scopes: readonly TokenScope[];
  }): Promise<{ token: string; entity: ApiTokenEntity }> {
    const scope = formatScopes(spec.scopes);
    const token = `${scope.replace(/ /g, '-')}_${randomBytes(32).toString('base64url')}`;
    const entity = this.tokens.create({
      id: spec.id ?? randomBytes(16).toString('hex'),
      projectId: spec.projectId,
      name: spec.name,
      scope,
      tokenHash: tokenDigest(token).toString('hex'),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.tokens.save(entity);
    return { token, entity };
  }

  /** Takes back a token just created whose secret was never handed out. */
  async remove(id: string): Promise<void> {
    await this.tokens.delete({ id });
    this.cache.clear();
  }

  /** A project's tokens (null: the instance tokens), newest first, revoked ones included. */
  list(projectId: string | null): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { projectId: projectId ?? IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Revokes a project's token (null: an instance token); verification refuses it at once in this process. */
  async revoke(projectId: string | null, tokenId: string): Promise<ApiTokenEntity> {
    const result = await this.tokens.update({ id: tokenId, projectId: projectId ?? IsNull(), revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (!result.affected) throw new NotFoundException(`no active token ${tokenId} in ${projectId === null ? 'the instance' : `project ${projectId}`}`);
    this.cache.clear();
    return this.tokens.findOneByOrFail({ id: tokenId });
  }

  /** The principal of a token by its id (a console session signed in with it), or null once revoked. */
  async principalById(id: string): Promise<Principal | null> {
    const row = await this.tokens.findOne({ where: { id } });
    return row === null || row.revokedAt !== null ? null : { kind: 'token', tokenId: row.id, scopes: parseScopes(row.scope), projectId: row.projectId };
  }

  /** The principal a token stands for, or null for an unknown or revoked token. */
  async verify(token: string): Promise<Principal | null> {
    const key = tokenDigest(token).toString('hex');
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.principal;
    const row = await this.tokens.findOne({ where: { tokenHash: key } });
    const valid = row !== null && row.revokedAt === null && tokenMatches(token, Buffer.from(row.tokenHash, 'hex'));
    const principal: Principal | null = valid ? { kind: 'token', tokenId: row.id, scopes: parseScopes(row.scope), projectId: row.projectId } : null;
    if (valid && (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS)) {
      // Bookkeeping only: a failure here must not fail the request.
      this.tokens.update({ id: row.id }, { lastUsedAt: now }).catch(() => undefined);
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }
}
