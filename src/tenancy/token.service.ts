import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import { ApiTokenEntity, TokenScope } from './api-token.entity';
import type { Principal } from './principal';
import { tokenDigest, tokenMatches } from './token-header';

const BOOTSTRAP_TOKEN_ID = 'bootstrap-admin';
/** How long a verified token is trusted without asking the database again (revocation delay). */
const CACHE_TTL_MS = 5_000;

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
    const { token } = await this.create({ id: BOOTSTRAP_TOKEN_ID, projectId: null, name: 'generated at first start', scope: 'admin' });
    // Shown once, outside the structured log, and never again: only its hash is stored.
    process.stdout.write(`\nGenerated admin token (shown only once, store it now): ${token}\n\n`);
    this.logger.warn({ msg: 'AUDIT_ADMIN_TOKEN is not set; generated an admin token and printed it once' });
  }

  async create(spec: { id?: string; projectId: string | null; name: string; scope: TokenScope }): Promise<{ token: string; entity: ApiTokenEntity }> {
    const token = `${spec.scope}_${randomBytes(32).toString('base64url')}`;
    const entity = this.tokens.create({
      id: spec.id ?? randomBytes(16).toString('hex'),
      projectId: spec.projectId,
      name: spec.name,
      scope: spec.scope,
      tokenHash: tokenDigest(token).toString('hex'),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    await this.tokens.save(entity);
    return { token, entity };
  }

  /** Revokes a project's token; verification refuses it at once in this process. */
  async revoke(projectId: string, tokenId: string): Promise<void> {
    const result = await this.tokens.update({ id: tokenId, projectId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (!result.affected) throw new NotFoundException(`no active token ${tokenId} in project ${projectId}`);
    this.cache.clear();
  }

  /** The principal a token stands for, or null for an unknown or revoked token. */
  async verify(token: string): Promise<Principal | null> {
    const key = tokenDigest(token).toString('hex');
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.principal;
    const row = await this.tokens.findOne({ where: { tokenHash: key } });
    const principal =
      row && row.revokedAt === null && tokenMatches(token, Buffer.from(row.tokenHash, 'hex'))
        ? { tokenId: row.id, scope: row.scope, projectId: row.projectId }
        : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }
}
