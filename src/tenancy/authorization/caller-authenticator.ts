import { SetMetadata } from '@nestjs/common';
import type { Caller } from '../principal';

/**
 * A kind of credential other than the service's API tokens (a viewer session, an enterprise
 * token). A module contributes one by declaring a provider decorated `@CallerAuthenticatorProvider()`;
 * the guard asks each in turn before the API tokens.
 */
export interface CallerAuthenticator {
  /**
   * The caller the Authorization header stands for; `null` when the header is of this kind but not
   * valid (expired, revoked, forged); `undefined` when it is not of this kind.
   */
  authenticate(header: string, token: string | undefined): Promise<Caller | null | undefined>;
  /**
   * For credentials a browser keeps in a cookie (a console session), asked when the request has no
   * Authorization header; same answers as `authenticate`.
   */
  authenticateCookies?(cookies: Record<string, string>, request: CookieRequest): Promise<Caller | null | undefined>;
}

/** What a cookie authenticator may look at besides the cookies. */
export interface CookieRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A Cookie header's pairs (the first of a repeated name wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (name && !(name in cookies)) cookies[name] = pair.slice(at + 1).trim();
  }
  return cookies;
}

export const CALLER_AUTHENTICATOR = 'audit:caller-authenticator';

export const CallerAuthenticatorProvider = () => SetMetadata(CALLER_AUTHENTICATOR, true);
