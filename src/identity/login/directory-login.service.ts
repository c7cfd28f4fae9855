import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { CLOCK, Clock } from '../../infrastructure/clock/clock';
import { TooManyRequestsException, UnavailableException } from '../../infrastructure/http/api-error';
import { AuthFailureLimiter } from '../../tenancy/authorization/auth-failure-limiter';
import type { DirectoryPerson } from '../directory-person';
import { DirectoryUnavailableError } from '../ldap/ldap-connection';
import { LdapDirectory } from '../ldap/ldap-directory';
import { LDAP_DIRECTORY } from '../ldap/ldap-directory.provider';
import { IDENTITY_RESOLVER, IdentityResolver } from '../resolution/identity-resolver';

/** A sign-in: the person, or why not (the reason is for the audit record; the caller gets one message for all). */
export type LoginOutcome = { ok: true; person: DirectoryPerson } | { ok: false; reason: 'unknown user' | 'wrong password' | 'disabled' | 'deleted' };

/** Several people sign in from one office address: it may fail this many times more than one username may. */
const ADDRESS_ALLOWANCE = 4;

/**
 * Signs a person in with their directory credentials: finds their entry with the service account
 * (any of their names: username, email, UPN, `DOMAIN\user`, DN), then binds as them on a connection
 * of its own. Failures are limited per username and per client address, both checked before the
 * directory is asked, so guessing costs the guesser, not the directory.
 */
@Injectable()
export class DirectoryLoginService {
  private readonly logger = new Logger('DirectoryLogin');
  private readonly byUsername: AuthFailureLimiter;
  private readonly byAddress: AuthFailureLimiter;

  constructor(
    @Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null,
    @Inject(IDENTITY_RESOLVER) private readonly resolver: IdentityResolver,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    const perMinute = config.console.loginFailuresPerMinute;
    this.byUsername = new AuthFailureLimiter(perMinute, () => clock.now());
    this.byAddress = new AuthFailureLimiter(perMinute * ADDRESS_ALLOWANCE, () => clock.now());
  }

  get available(): boolean {
    return this.directory !== null;
  }

  async login(username: string, password: string, clientIp: string): Promise<LoginOutcome> {
    if (!this.directory) throw new BadRequestException('signing in with directory credentials needs a directory (LDAP_URL)');
    const userKey = username.trim().toLowerCase();
    const wait = Math.max(this.byUsername.retryAfterSeconds(userKey), this.byAddress.retryAfterSeconds(clientIp));
    if (wait > 0) throw new TooManyRequestsException('too many failed sign-ins for this username or from this address; try again later', wait);
    const outcome = await this.attempt(this.directory, username.trim(), password);
    if (!outcome.ok) {
      this.byUsername.fail(userKey);
      this.byAddress.fail(clientIp);
      this.logger.warn({ msg: 'sign-in refused', reason: outcome.reason, client_ip: clientIp });
    }
    return outcome;
  }

  private async attempt(directory: LdapDirectory, username: string, password: string): Promise<LoginOutcome> {
    try {
      const entry = await directory.lookup(username);
      if (!entry?.dn) return { ok: false, reason: 'unknown user' };
      if (!(await directory.connection.verifyPassword(entry.dn, password))) return { ok: false, reason: 'wrong password' };
      if (entry.disabled) return { ok: false, reason: 'disabled' };
      // The mirror's record carries the nested groups (a live lookup writes it there first).
      const resolution = await this.resolver.resolve(entry.guid);
      if (resolution.status !== 'resolved') throw new DirectoryUnavailableError('the signed-in person could not be read back');
      if (resolution.person.deleted) return { ok: false, reason: 'deleted' };
      return { ok: true, person: resolution.person };
    } catch (error) {
      if (error instanceof DirectoryUnavailableError)
        throw new UnavailableException('the directory cannot be reached to check the password; try again shortly', 5, { cause: error });
      throw error;
    }
  }
}
