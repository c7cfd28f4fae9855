/** Real directory servers (OpenLDAP, Samba AD) for the e2e tests. See README.md. */
export * from './ad-guid';
export * from './ldif';
export * from './openldap';
export * from './samba-ad';
export { DirectoryServerNotInstalledError, findFreePort, INSTALL_HINT } from './process-utils';
