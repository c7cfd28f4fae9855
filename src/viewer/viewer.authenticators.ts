import { Injectable } from '@nestjs/common';
import { CallerAuthenticator, CallerAuthenticatorProvider } from '../tenancy/authorization/caller-authenticator';
import type { Caller } from '../tenancy/principal';
import { EnterpriseTokenService } from './enterprise-token.service';
import { ViewerSessionService } from './viewer-session.service';

/** A viewer session arrives as the raw Authorization header (the widget sends no `Bearer`). */
@Injectable()
@CallerAuthenticatorProvider()
export class ViewerSessionAuthenticator implements CallerAuthenticator {
  constructor(private readonly sessions: ViewerSessionService) {}

  authenticate(header: string): Promise<Caller | null | undefined> {
    return this.sessions.verify(header.replace(/^Bearer\s+/i, ''));
  }
}

/** An enterprise token arrives as `token=T` (Retraced's form) or any other accepted form. */
@Injectable()
@CallerAuthenticatorProvider()
export class EnterpriseTokenAuthenticator implements CallerAuthenticator {
  constructor(private readonly tokens: EnterpriseTokenService) {}

  authenticate(_header: string, token: string | undefined): Promise<Caller | null | undefined> {
    return this.tokens.verify(token);
  }
}
