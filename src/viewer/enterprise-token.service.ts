import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import type { AuditTrailService } from '../audit-trail/audit-trail.service';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { Crud } from '../event-store/audit-event';
import type { Caller, EnterpriseCaller } from '../tenancy/principal';
import { tokenDigest } from '../tenancy/token-header';
import { EnterpriseTokenEntity } from './viewer.entities';
import { DEFAULT_VIEW_LOG_ACTION } from './viewer-session.service';

const TOKEN_PREFIX = 'eit_';
const CACHE_TTL_MS = 5_000;

/** A group's enterprise tokens: created by the project's API token or an admin viewer, kept as hashes. */
@Injectable()
export class EnterpriseTokenService {
  private readonly cache = new Map<string, { caller: EnterpriseCaller | null; until: number }>();

  constructor(
    @InjectRepository(EnterpriseTokenEntity) private readonly tokens: Repository<EnterpriseTokenEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(spec: {
    projectId: string;
    groupId: string;
    displayName: string;
    viewLogAction?: string;
  }): Promise<{ token: string; entity: EnterpriseTokenEntity }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = this.tokens.create({
      id: randomBytes(16).toString('hex'),
      tokenHash: tokenDigest(token).toString('hex'),
      projectId: spec.projectId,
      groupId: spec.groupId,
      displayName: spec.displayName,
      viewLogAction: spec.viewLogAction ?? DEFAULT_VIEW_LOG_ACTION,
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    await this.tokens.insert(entity);
    return { token, entity };
  }

  /** A group's active tokens, oldest first. */
  list(projectId: string, groupId: string): Promise<EnterpriseTokenEntity[]> {
    return this.tokens.find({ where: { projectId, groupId, revokedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(projectId: string, groupId: string, id: string): Promise<EnterpriseTokenEntity> {
    const entity = await this.tokens.findOneBy({ id, projectId, groupId, revokedAt: IsNull() });
    if (!entity) throw new NotFoundException(`no enterprise token ${id} in this group`);
    return entity;
  }

  async rename(projectId: string, groupId: string, id: string, displayName: string): Promise<EnterpriseTokenEntity> {
    const entity = await this.get(projectId, groupId, id);
    entity.displayName = displayName;
    await this.tokens.update({ id }, { displayName });
    this.cache.clear();
    return entity;
  }

  async revoke(projectId: string, groupId: string, id: string): Promise<EnterpriseTokenEntity> {
    const entity = await this.get(projectId, groupId, id);
    await this.tokens.update({ id }, { revokedAt: this.clock.now() });
    this.cache.clear();
    return entity;
  }

  /** The group a token reads; null when unknown or revoked; undefined when it is not an enterprise token. */
  async verify(token: string | undefined): Promise<EnterpriseCaller | null | undefined> {
    if (!token?.startsWith(TOKEN_PREFIX)) return undefined;
    const key = tokenDigest(token).toString('hex');
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.caller;
    const row = await this.tokens.findOneBy({ tokenHash: key });
    const caller: EnterpriseCaller | null =
      row && row.revokedAt === null
        ? {
            kind: 'enterprise',
            tokenId: row.id,
            displayName: row.displayName,
            projectId: row.projectId,
            groupId: row.groupId,
            viewLogAction: row.viewLogAction,
          }
        : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { caller, until: now + CACHE_TTL_MS });
    return caller;
  }
}

const CRUD_OF = { create: 'c', update: 'u', delete: 'd' } as const satisfies Record<string, Crud>;

/** An enterprise token's creation, renaming or revocation, as an audit event in its project and group (whoever did it). */
export function recordEnterpriseTokenChange(
  trail: AuditTrailService,
  change: { caller: Caller; entity: EnterpriseTokenEntity; what: keyof typeof CRUD_OF; requestId: string; clientIp: string },
): Promise<void> {
  const { entity, what } = change;
  return trail.record({
    caller: change.caller,
    projectId: entity.projectId,
    action: `audit.enterprise_token.${what}`,
    crud: CRUD_OF[what],
    description: `enterprise token ${entity.displayName}: ${what}`,
    target: { id: entity.id, name: entity.displayName, type: 'enterprise_token' },
    group: { id: entity.groupId },
    requestId: change.requestId,
    clientIp: change.clientIp,
  });
}
