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
}

export const CALLER_AUTHENTICATOR = 'audit:caller-authenticator';

export const CallerAuthenticatorProvider = () => SetMetadata(CALLER_AUTHENTICATOR, true);
