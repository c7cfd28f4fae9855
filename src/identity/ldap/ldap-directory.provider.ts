import type { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { LdapDirectory } from './ldap-directory';

/** The configured LDAP directory, or null when LDAP_URL is unset (identity from the mirror only). */
export const LDAP_DIRECTORY = Symbol('LDAP_DIRECTORY');

export const ldapDirectoryProvider: Provider = {
  provide: LDAP_DIRECTORY,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): LdapDirectory | null => (config.ldap ? new LdapDirectory(config.ldap) : null),
};
