import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      database: { type: 'sqlite', path: './data/audit.sqlite' },
      trustProxy: ['loopback'],
      logLevel: 'info',
      bodyLimitBytes: 1024 * 1024,
      heapGrowingPercent: 50,
      integritySealIntervalMs: 60_000,
    });
    expect(config.ldap).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
  });

  it('reads PostgreSQL URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/audit' }).database).toEqual({ type: 'postgres', url: 'postgres://u:p@db:5432/audit' });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/audit' }).database.type).toBe('postgres');
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://host-only' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '3000x' }, 'PORT'],
    [{ HOST: 'not an address' }, 'HOST'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ AUDIT_ADMIN_TOKEN: 'short' }, 'AUDIT_ADMIN_TOKEN'],
    [{ LDAP_URL: 'ldap://a,https://b' }, 'LDAP_URL'],
    [{ LDAP_URL: 'ldap://a', LDAP_KIND: 'novell' }, 'LDAP_KIND'],
    [{ LDAP_URL: 'ldap://a', LDAP_USER_FILTER: '(uid=x)' }, 'LDAP_USER_FILTER'],
    [{ LDAP_URL: 'ldap://a', LDAP_BIND_DN: 'cn=svc' }, 'LDAP_BIND_PASSWORD'],
    [{ LDAP_URL: 'ldap://a', LDAP_START_TLS: 'maybe' }, 'LDAP_START_TLS'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [{ HEAP_GROWING_PERCENT: '-5' }, 'HEAP_GROWING_PERCENT'],
    [{ HEAP_GROWING_PERCENT: '1.5' }, 'HEAP_GROWING_PERCENT'],
    [{ INTEGRITY_SEAL_INTERVAL_S: 'often' }, 'INTEGRITY_SEAL_INTERVAL_S'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('accepts Express trust-proxy forms: names, hop counts and CIDR lists', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
  });

  it('reads a failover list of directory servers and the sync interval', () => {
    const { ldap } = loadConfig({
      LDAP_URL: 'ldaps://dc1.corp:636, ldap://dc2.corp',
      LDAP_BIND_DN: 'cn=svc',
      LDAP_BIND_PASSWORD: 'pw',
      LDAP_SYNC_INTERVAL_S: '0',
    });
    expect(ldap).toMatchObject({ urls: ['ldaps://dc1.corp:636', 'ldap://dc2.corp'], bindDn: 'cn=svc', syncIntervalS: 0, startTls: false });
  });
});
