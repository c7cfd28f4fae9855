import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { ViewerCaller } from '../tenancy/principal';
import { tokenDigest } from '../tenancy/token-header';
import { InstanceSecretEntity, SessionRevocationEntity, ViewerTokenEntity } from './viewer.entities';

/** Retraced's default view-log action. */
export const DEFAULT_VIEW_LOG_ACTION = 'audit.log.view';
const SIGNING_KEY = 'viewer-session-hmac';
/** Sessions start with this, so the guard knows them from API tokens without a lookup. */
const SESSION_PREFIX = 'vs1.';
/** How often the recent revocations are read again (a revoked session is refused within this on other replicas). */
const REVOCATION_REFRESH_MS = 2_000;

export interface ViewerTokenSpec {
  projectId: string;
  groupId: string;
  targetId?: string;
  actorId: string;
  isAdmin: boolean;
  viewLogAction?: string;
}

interface SessionClaims {
  sid: string;
  pid: string;
  gid: string;
  tid: string | null;
  aid: string;
  adm: boolean;
  vla: string;
  iat: number;
  exp: number;
}

/**
 * Viewer tokens and sessions. A viewer token is a voucher: 128 random bits, kept as a hash,
 * exchangeable for `VIEWER_TOKEN_TTL_S`. A session is signed (HMAC-SHA256 with a key the instance
 * generates once), bound to project, group, target, actor and view action, and lasts
 * `VIEWER_SESSION_TTL_S` from the exchange — not, as in Retraced, only until the voucher's five
 * minutes are up. Revoking an actor's sessions refuses every session issued before.
 */
@Injectable()
export class ViewerSessionService implements OnApplicationBootstrap {
  private key: Buffer | undefined;
  /** Revocations recent enough to matter (a session lives at most VIEWER_SESSION_TTL_S), read as one snapshot. */
  private revocations = new Map<string, number>();
  private revocationsRead: { at: number; pending?: Promise<void> } = { at: -Infinity };

  constructor(
    @InjectRepository(ViewerTokenEntity) private readonly vouchers: Repository<ViewerTokenEntity>,
    @InjectRepository(SessionRevocationEntity) private readonly revoked: Repository<SessionRevocationEntity>,
    @InjectRepository(InstanceSecretEntity) private readonly secrets: Repository<InstanceSecretEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Every replica must sign with the same key: the first to start makes it, the others read it.
    await this.secrets
      .createQueryBuilder()
      .insert()
      .values({ name: SIGNING_KEY, value: randomBytes(32).toString('base64'), createdAt: this.clock.now() })
      .orIgnore()
      .execute();
    const stored = await this.secrets.findOneByOrFail({ name: SIGNING_KEY });
    this.key = Buffer.from(stored.value, 'base64');
  }

  /** A new viewer token (shown once). */
  async mint(spec: ViewerTokenSpec): Promise<string> {
    const token = randomBytes(16).toString('hex');
    const now = this.clock.now();
    await this.vouchers.insert({
      id: randomBytes(16).toString('hex'),
      tokenHash: tokenDigest(token).toString('hex'),
      projectId: spec.projectId,
      groupId: spec.groupId,
      targetId: spec.targetId ?? null,
      actorId: spec.actorId,
      isAdmin: spec.isAdmin,
      viewLogAction: spec.viewLogAction ?? DEFAULT_VIEW_LOG_ACTION,
      createdAt: now,
      expiresAt: now + this.config.viewer.tokenTtlMs,
    });
    return token;
  }

  /** A session for a viewer token still within its time; undefined for an unknown or expired one. */
  async exchange(token: string): Promise<{ projectId: string; session: string; caller: ViewerCaller } | undefined> {
    const voucher = await this.vouchers.findOneBy({ tokenHash: tokenDigest(token).toString('hex') });
    const now = this.clock.now();
    if (!voucher || voucher.expiresAt <= now) return undefined;
    const claims: SessionClaims = {
      sid: voucher.id,
      pid: voucher.projectId,
      gid: voucher.groupId,
      tid: voucher.targetId,
      aid: voucher.actorId,
      adm: voucher.isAdmin,
      vla: voucher.viewLogAction,
      iat: now,
      exp: now + this.config.viewer.sessionTtlMs,
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { projectId: voucher.projectId, session: `${SESSION_PREFIX}${payload}.${this.sign(payload)}`, caller: toCaller(claims) };
  }

  /** The viewer a session stands for; null when forged, expired or revoked; undefined when it is not a session. */
  async verify(header: string): Promise<ViewerCaller | null | undefined> {
    const text = header.trim();
    if (!text.startsWith(SESSION_PREFIX)) return undefined;
    const [payload, signature, extra] = text.slice(SESSION_PREFIX.length).split('.');
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      return null;
    }
    if (!(claims.exp > this.clock.now())) return null;
    if ((await this.revokedAt(claims.pid, claims.gid, claims.aid)) >= claims.iat) return null;
    return toCaller(claims);
  }

  /** Refuses from now on every session of the actor in the group. */
  async revokeSessions(projectId: string, groupId: string, actorId: string): Promise<void> {
    const now = this.clock.now();
    await this.revoked.upsert({ projectId, groupId, actorId, revokedAt: now }, ['projectId', 'groupId', 'actorId']);
    // Unused vouchers of the actor die too, so a stolen one cannot start a new session.
    await this.vouchers.delete({ projectId, groupId, actorId });
    this.revocations.set(revocationKey(projectId, groupId, actorId), now);
  }

  /** When the actor's sessions in the group were last revoked (-1: not within a session's lifetime). */
  private async revokedAt(projectId: string, groupId: string, actorId: string): Promise<number> {
    if (this.clock.now() - this.revocationsRead.at >= REVOCATION_REFRESH_MS) {
      this.revocationsRead.pending ??= this.readRevocations().finally(() => (this.revocationsRead.pending = undefined));
      await this.revocationsRead.pending;
    }
    return this.revocations.get(revocationKey(projectId, groupId, actorId)) ?? -1;
  }

  /** One query for every revocation a live session could still be subject to, instead of one per request. */
  private async readRevocations(): Promise<void> {
    const now = this.clock.now();
    const rows = await this.revoked
      .createQueryBuilder('r')
      .where('r.revoked_at > :since', { since: now - this.config.viewer.sessionTtlMs })
      .getMany();
    const next = new Map(rows.map((row) => [revocationKey(row.projectId, row.groupId, row.actorId), row.revokedAt]));
    // A revocation made here while the snapshot was read is kept, not lost until the next read.
    for (const [key, revokedAt] of this.revocations) if (revokedAt >= now && (next.get(key) ?? -1) < revokedAt) next.set(key, revokedAt);
    this.revocations = next;
    this.revocationsRead = { at: now };
  }

  private sign(payload: string): string {
    if (!this.key) throw new Error('viewer sessions are not ready: the signing key is not loaded');
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

const revocationKey = (projectId: string, groupId: string, actorId: string) => JSON.stringify([projectId, groupId, actorId]);

function toCaller(claims: SessionClaims): ViewerCaller {
  return {
    kind: 'viewer',
    sessionId: claims.sid,
    projectId: claims.pid,
    groupId: claims.gid,
    targetId: claims.tid,
    actorId: claims.aid,
    isAdmin: claims.adm,
    viewLogAction: claims.vla,
  };
}
