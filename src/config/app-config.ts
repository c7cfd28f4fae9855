import { isIP } from 'node:net';

/** Raised for a configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export type DatabaseConfig = { readonly type: 'sqlite'; readonly path: string; readonly url: string } | { readonly type: 'postgres'; readonly url: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface LdapConfig {
  readonly urls: string[];
  readonly bindDn?: string;
  readonly bindPassword?: string;
  readonly baseDn?: string;
  readonly kind?: 'ad' | 'openldap' | 'rfc4512';
  readonly guidAttribute?: string;
  readonly userFilter?: string;
  readonly startTls: boolean;
  readonly tlsCaFile?: string;
  /** The name the server certificate must carry, when it differs from the URL's host. */
  readonly tlsServername?: string;
  readonly tlsInsecure: boolean;
  readonly syncIntervalS: number;
  /** Every Nth scheduled sync is a full reconciliation that marks vanished people deleted. */
  readonly fullSyncEvery: number;
  /** Connect timeout per server, then the next URL is tried. */
  readonly connectTimeoutMs: number;
  /** Timeout of every LDAP operation. */
  readonly operationTimeoutMs: number;
}

export interface IdentityConfig {
  /** When false the identity enricher leaves every event `unknown` (IDENTITY_ENRICHMENT=off). */
  readonly enrichment: boolean;
  /** Longest the enricher waits for a live directory lookup before storing the event as pending. */
  readonly lookupBudgetMs: number;
  /** How long an identifier the directory does not know stays cached as unknown. */
  readonly missTtlMs: number;
  /** How often pending events are retried against the directory. */
  readonly pendingRetryMs: number;
}

export interface BatchConfig {
  /** Most events committed in one transaction. */
  readonly maxSize: number;
  /** Longest an event waits for companions before its batch is committed. */
  readonly maxWaitMs: number;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly adminToken?: string;
  readonly integrationApiToken?: string;
  /** Fastify/proxy-addr `trustProxy` value: a hop count, or a list of names/addresses/CIDRs. */
  readonly trustProxy: number | string[];
  readonly ldap?: LdapConfig;
  readonly identity: IdentityConfig;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly batch: BatchConfig;
  /**
   * How far V8 lets the heap grow past what survived the last full collection before collecting
   * again, in percent (0: V8's own choice). A soft knob, not a cap: the heap still
   * grows to whatever the data needs.
   */
  readonly heapGrowingPercent: number;
  /** How often events committed since the last seal are sealed; 0: only on request. */
  readonly integritySealIntervalMs: number;
  /** PROVISIONING_OPEN: the Provisioning API without a token (an explicit opt-in for in-cluster use). */
  readonly provisioningOpen: boolean;
  /** Failed authentications per client address per minute before it gets 429 (0: unlimited). */
  readonly authFailuresPerMinute: number;
  /** Longest a client may take to send a whole request (headers and body) before it gets 408. */
  readonly requestTimeoutMs: number;
  /** Concurrent exports per project (and `maxConcurrentExports` in all). */
  readonly exportsPerProject: number;
  /** An export whose client takes nothing for this long is ended (it holds a database snapshot). */
  readonly exportStallMs: number;
  readonly viewer: ViewerConfig;
  readonly console: ConsoleConfig;
  /** Longest one contributed enricher may take over one request's events; past it the events go on without its contribution. */
  readonly enricherBudgetMs: number;
}

export interface ConsoleConfig {
  /** The directory group (name or DN) whose members may sign in to the console and read every project; nested membership counts. */
  readonly group?: string;
  /** A console session ends after this long without a request. */
  readonly sessionIdleMs: number;
  /** A console session ends this long after sign-in, however busy. */
  readonly sessionMaxMs: number;
  /** Failed sign-ins per username, and per client address, per minute before 429. */
  readonly loginFailuresPerMinute: number;
}

export interface ViewerConfig {
  /** How long a viewer token may be exchanged for a session. */
  readonly tokenTtlMs: number;
  /** How long a viewer session lasts, from the exchange. */
  readonly sessionTtlMs: number;
  /** Origins that may call the viewer API from a browser; `*` any. */
  readonly allowedOrigins: '*' | string[];
}

export const APP_CONFIG = Symbol('APP_CONFIG');

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** on/off switches that default to on. */
function flagOn(env: Env, name: string): boolean {
  return read(env, name) === undefined ? true : flag(env, name);
}

function flag(env: Env, name: string): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function parseDatabaseUrl(raw: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/audit.sqlite');
    return { type: 'sqlite', path, url: raw };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    if (!parsed.hostname || parsed.pathname.length <= 1) {
      throw new ConfigError('DATABASE_URL', 'postgres:// URL needs a host and a database name');
    }
    return { type: 'postgres', url: raw };
  }
  const scheme = raw.split(':')[0];
  throw new ConfigError('DATABASE_URL', `unsupported scheme "${scheme}:"; use sqlite:<path> or postgres://user:pass@host:port/db`);
}

function parseTrustProxy(raw: string | undefined): number | string[] {
  const value = raw ?? 'loopback';
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') {
    throw new ConfigError('TRUST_PROXY', 'use a hop count or a list of addresses; true/false would trust any or no client');
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(entry) && (family === 0 || !validBits)) {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not loopback, linklocal, uniquelocal, a hop count, an IP address or a CIDR`);
    }
  }
  return entries;
}

function parseOrigins(raw: string | undefined): '*' | string[] {
  if (raw === undefined || raw === '*') return '*';
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin)
      throw new ConfigError('VIEWER_ALLOWED_ORIGINS', `"${origin}" is not an origin such as https://app.example.com (or use *)`);
  }
  return origins;
}

function parseLdap(env: Env): LdapConfig | undefined {
  const raw = read(env, 'LDAP_URL');
  if (raw === undefined) return undefined;
  const urls = raw
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!/^ldaps?:\/\/[^/]+/.test(url)) throw new ConfigError('LDAP_URL', `"${url}" is not an ldap:// or ldaps:// URL`);
  }
  const kind = read(env, 'LDAP_KIND');
  if (kind !== undefined && !['ad', 'openldap', 'rfc4512'].includes(kind)) {
    throw new ConfigError('LDAP_KIND', `must be ad, openldap or rfc4512, got "${kind}"`);
  }
  const userFilter = read(env, 'LDAP_USER_FILTER');
  if (userFilter !== undefined && !userFilter.includes('{id}')) {
    throw new ConfigError('LDAP_USER_FILTER', 'must contain {id} where the escaped identifier goes');
  }
  const bindDn = read(env, 'LDAP_BIND_DN');
  const bindPassword = env.LDAP_BIND_PASSWORD;
  if (bindDn !== undefined && !bindPassword) {
    throw new ConfigError('LDAP_BIND_PASSWORD', 'is required when LDAP_BIND_DN is set');
  }
  return {
    urls,
    bindDn,
    bindPassword,
    baseDn: read(env, 'LDAP_BASE_DN'),
    kind: kind as LdapConfig['kind'],
    guidAttribute: read(env, 'LDAP_GUID_ATTRIBUTE'),
    userFilter,
    startTls: flag(env, 'LDAP_START_TLS'),
    tlsCaFile: read(env, 'LDAP_TLS_CA_FILE'),
    tlsServername: read(env, 'LDAP_TLS_SERVERNAME'),
    tlsInsecure: flag(env, 'LDAP_TLS_INSECURE'),
    syncIntervalS: integer(env, 'LDAP_SYNC_INTERVAL_S', 300, 0, 7 * 24 * 3600),
    fullSyncEvery: integer(env, 'LDAP_FULL_SYNC_EVERY', 12, 1, 10_000),
    connectTimeoutMs: integer(env, 'LDAP_CONNECT_TIMEOUT_MS', 3000, 100, 120_000),
    operationTimeoutMs: integer(env, 'LDAP_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}

/** Reads and validates every setting of the service; the only place that touches process.env. */
export function loadConfig(env: Env = process.env): AppConfig {
  const host = read(env, 'HOST') ?? '127.0.0.1';
  if (isIP(host) === 0 && host !== 'localhost') throw new ConfigError('HOST', `must be an IP address, got "${host}"`);
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = read(env, 'AUDIT_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('AUDIT_ADMIN_TOKEN', 'must be at least 16 characters');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    database: parseDatabaseUrl(read(env, 'DATABASE_URL') ?? 'sqlite:./data/audit.sqlite'),
    adminToken,
    integrationApiToken: read(env, 'INTEGRATION_API_TOKEN'),
    trustProxy: parseTrustProxy(read(env, 'TRUST_PROXY')),
    ldap: parseLdap(env),
    identity: {
      enrichment: flagOn(env, 'IDENTITY_ENRICHMENT'),
      lookupBudgetMs: integer(env, 'IDENTITY_LOOKUP_BUDGET_MS', 100, 0, 10_000),
      missTtlMs: integer(env, 'IDENTITY_MISS_TTL_S', 60, 0, 86_400) * 1000,
      pendingRetryMs: integer(env, 'IDENTITY_PENDING_RETRY_S', 10, 1, 86_400) * 1000,
    },
    logLevel,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    batch: {
      maxSize: integer(env, 'BATCH_MAX_SIZE', 500, 1, 5000),
      maxWaitMs: integer(env, 'BATCH_MAX_WAIT_MS', 2, 0, 1000),
    },
    heapGrowingPercent: integer(env, 'HEAP_GROWING_PERCENT', 50, 0, 1000),
    integritySealIntervalMs: integer(env, 'INTEGRITY_SEAL_INTERVAL_S', 60, 0, 86_400) * 1000,
    provisioningOpen: flag(env, 'PROVISIONING_OPEN'),
    authFailuresPerMinute: integer(env, 'AUTH_FAILURES_PER_MINUTE', 60, 0, 1_000_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    exportsPerProject: integer(env, 'EXPORTS_PER_PROJECT', 2, 1, 64),
    exportStallMs: integer(env, 'EXPORT_STALL_TIMEOUT_S', 60, 1, 3600) * 1000,
    viewer: {
      tokenTtlMs: integer(env, 'VIEWER_TOKEN_TTL_S', 300, 1, 86_400) * 1000,
      sessionTtlMs: integer(env, 'VIEWER_SESSION_TTL_S', 3600, 1, 7 * 86_400) * 1000,
      allowedOrigins: parseOrigins(read(env, 'VIEWER_ALLOWED_ORIGINS')),
    },
    enricherBudgetMs: integer(env, 'ENRICHER_BUDGET_MS', 100, 1, 10_000),
    console: {
      group: read(env, 'CONSOLE_GROUP'),
      sessionIdleMs: integer(env, 'CONSOLE_SESSION_IDLE_S', 1800, 60, 7 * 86_400) * 1000,
      sessionMaxMs: integer(env, 'CONSOLE_SESSION_MAX_S', 12 * 3600, 60, 30 * 86_400) * 1000,
      loginFailuresPerMinute: integer(env, 'LOGIN_FAILURES_PER_MINUTE', 5, 1, 10_000),
    },
  };
}
