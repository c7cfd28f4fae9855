import { Inject, Injectable } from '@nestjs/common';
import { ReadinessCheck, ReadinessIndicator, ReadinessResult } from '../infrastructure/health/readiness-check';
import { LdapDirectory } from './ldap/ldap-directory';
import { LDAP_DIRECTORY } from './ldap/ldap-directory.provider';

/**
 * Reports whether the directory answers. Not critical: with the directory down the service still
 * accepts every event (stored pending), so it stays ready.
 */
@Injectable()
@ReadinessIndicator()
export class DirectoryReadiness implements ReadinessCheck {
  readonly name = 'directory';
  readonly critical = false;

  constructor(@Inject(LDAP_DIRECTORY) private readonly directory: LdapDirectory | null) {}

  async check(): Promise<ReadinessResult> {
    if (!this.directory) return { ok: true, detail: 'not configured (LDAP_URL unset): identity from the local mirror' };
    try {
      const info = await this.directory.describe();
      return { ok: true, detail: `${info.kind} at ${this.directory.connection.connectedUrl}` };
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
  }
}
