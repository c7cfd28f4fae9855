import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { DirectoryPerson } from '../identity/directory-person';
import { dnKey } from '../identity/ldap/distinguished-name';
import { DirectoryMirror } from '../identity/mirror/directory-mirror.service';
import { CLOCK, Clock } from '../infrastructure/clock/clock';
import type { ConsoleCaller, Principal } from '../tenancy/principal';
import { TokenService } from '../tenancy/token.service';
import { ConsoleSessionEntity } from './console-session.entity';

/** The cookie that carries a console session. */
export const CONSOLE_COOKIE = 'audit_console';
/** A session's last-seen time is written at most this often (idle expiry is minutes, not milliseconds). */
const TOUCH_EVERY_MS = 30_000;
/** A verified session is trusted this long before its row is read again (sign-out in this process is at once). */
const CACHE_MS = 5_000;

/** Whether the person is in the group (a name or a DN); their groups already include nested ones. */
export function isMemberOf(person: Pick<DirectoryPerson, 'groups'>, group: string): boolean {
  const wantDn = group.includes('=') ? dnKey(group) : undefined;
  const wantName = group.trim().toLowerCase();
  return person.groups.some((g) => (wantDn ? dnKey(g.dn) === wantDn : g.name.toLowerCase() === wantName));
}

export interface NewSession {
  /** The cookie's value (shown once, to the browser). */
  secret: string;
  entity: ConsoleSessionEntity;
}

/**
 * Console sessions: a random secret in an `HttpOnly`, `SameSite=Strict` cookie, its hash in the
 * database. A session idles out after CONSOLE_SESSION_IDLE_S without a request and ends
 * CONSOLE_SESSION_MAX_S after sign-in; signing out deletes it. Every request checks again that
 * the person is still an active member of CONSOLE_GROUP, or that the token is not revoked.
 */
@Injectable()
export class ConsoleSessionService {
  private readonly cache = new Map<string, { caller: ConsoleCaller; until: number }>();

  constructor(
    @InjectRepository(ConsoleSessionEntity) private readonly sessions: Repository<ConsoleSessionEntity>,
    private readonly mirror: DirectoryMirror,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get maxAgeSeconds(): number {
    return Math.floor(this.config.console.sessionMaxMs / 1000);
  }

  /** Whether a person may use the console: an active member of CONSOLE_GROUP. */
  mayEnter(person: DirectoryPerson): boolean {
    const group = this.config.console.group;
    return group !== undefined && !person.deleted && !person.disabled && isMemberOf(person, group);
  }

  startForPerson(person: DirectoryPerson): Promise<NewSession> {
    return this.start({
      kind: 'directory',
      personGuid: person.guid,
      tokenId: null,
      displayName: person.displayName ?? person.username ?? person.email ?? person.guid,
    });
  }

  startForToken(principal: Principal, name: string): Promise<NewSession> {
    return this.start({ kind: 'token', personGuid: null, tokenId: principal.tokenId, displayName: name });
  }

  /** The caller a cookie stands for, or null when it is unknown, expired, or its person or token may no longer read. */
  async verify(secret: string): Promise<ConsoleCaller | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const hash = digest(secret);
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.caller;
    const row = await this.sessions.findOne({ where: { secretHash: hash } });
    if (!row || row.expiresAt <= now || now - row.lastSeenAt > this.config.console.sessionIdleMs) {
      if (row) await this.sessions.delete({ secretHash: hash });
      this.cache.delete(hash);
      return null;
    }
    const caller = await this.callerOf(row);
    if (!caller) {
      await this.sessions.delete({ secretHash: hash });
      this.cache.delete(hash);
      return null;
    }
    if (now - row.lastSeenAt >= TOUCH_EVERY_MS) await this.sessions.update({ secretHash: hash }, { lastSeenAt: now });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { caller, until: now + CACHE_MS });
    return caller;
  }

  async session(secret: string): Promise<ConsoleSessionEntity | null> {
    return this.sessions.findOne({ where: { secretHash: digest(secret) } });
  }

  async end(secret: string): Promise<void> {
    const hash = digest(secret);
    this.cache.delete(hash);
    await this.sessions.delete({ secretHash: hash });
  }

  private async start(spec: Pick<ConsoleSessionEntity, 'kind' | 'personGuid' | 'tokenId' | 'displayName'>): Promise<NewSession> {
    const now = this.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const entity = this.sessions.create({
      ...spec,
      secretHash: digest(secret),
      id: randomBytes(8).toString('hex'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.config.console.sessionMaxMs,
    });
    await this.sessions.insert(entity);
    // Sessions that ended without a sign-out go when the next one starts.
    await this.sessions.delete({ expiresAt: LessThan(now) });
    return { secret, entity };
  }

  private async callerOf(row: ConsoleSessionEntity): Promise<ConsoleCaller | null> {
    if (row.kind === 'directory') {
      const person = row.personGuid ? this.mirror.get(row.personGuid) : undefined;
      if (!person || !this.mayEnter(person)) return null;
      return {
        kind: 'console',
        sessionId: row.id,
        person: { guid: person.guid, name: row.displayName, username: person.username, email: person.email, dn: person.dn },
      };
    }
    const token = row.tokenId ? await this.tokens.principalById(row.tokenId) : null;
    return token ? { kind: 'console', sessionId: row.id, token } : null;
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
