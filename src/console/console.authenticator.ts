import { ForbiddenException, Injectable } from '@nestjs/common';
import { CallerAuthenticator, CallerAuthenticatorProvider, CookieRequest } from '../tenancy/authorization/caller-authenticator';
import type { Caller } from '../tenancy/principal';
import { CONSOLE_COOKIE, ConsoleSessionService } from './console-session.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The console's session cookie. The cookie is `SameSite=Strict`, so other sites cannot send it;
 * a request that changes something must also come from the console's own origin (Origin matches
 * Host), which covers browsers without SameSite.
 */
@Injectable()
@CallerAuthenticatorProvider()
export class ConsoleSessionAuthenticator implements CallerAuthenticator {
  constructor(private readonly sessions: ConsoleSessionService) {}

  authenticate(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async authenticateCookies(cookies: Record<string, string>, request: CookieRequest): Promise<Caller | null | undefined> {
    const secret = cookies[CONSOLE_COOKIE];
    if (secret === undefined) return undefined;
    if (!SAFE_METHODS.has(request.method.toUpperCase()) && !sameOrigin(request)) {
      throw new ForbiddenException('a console request that changes something must come from the console itself (Origin does not match Host)');
    }
    return this.sessions.verify(secret);
  }
}

/**
 * False when the request's Origin (or, without one, its Referer) names another host than the one it
 * was sent to. Browsers send Origin with every cross-site request that changes something; a request
 * with neither header did not come from another site's page.
 */
export function sameOrigin(request: CookieRequest): boolean {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const host = header('x-forwarded-host') ?? header('host');
  const origin = header('origin') ?? header('referer');
  if (origin === undefined) return true;
  if (!host || origin === 'null') return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
