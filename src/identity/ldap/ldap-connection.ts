import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import { BusyError, Client, InvalidCredentialsError, ResultCodeError, UnavailableError } from 'ldapts';
import type { LdapConfig } from '../../config/app-config';

/** The directory could not be reached or bound on any configured URL. */
export class DirectoryUnavailableError extends Error {
  constructor(detail: string) {
    super(`directory unavailable: ${detail}`);
    this.name = 'DirectoryUnavailableError';
  }
}

/** After a failed connect, operations fail fast for this long instead of queueing on a dead server. */
const RETRY_AFTER_FAILURE_MS = 2_000;

/**
 * One bound connection to the directory, shared by every lookup and sync (LDAP multiplexes
 * operations by message id). Binds once per connection; a dropped connection (AD closes idle ones
 * after 15 minutes) is re-established and re-bound on next use; URLs are tried in order.
 */
export class LdapConnection {
  private readonly logger = new Logger('LdapConnection');
  private client?: Client;
  private connecting?: Promise<Client>;
  private failedAt = 0;
  private lastError = '';
  private readonly tlsOptions: ConnectionOptions;
  /** The URL of the current connection. */
  connectedUrl?: string;

  constructor(private readonly config: LdapConfig) {
    this.tlsOptions = {
      rejectUnauthorized: !config.tlsInsecure,
      ...(config.tlsServername ? { servername: config.tlsServername } : {}),
      ...(config.tlsCaFile ? { ca: readFileSync(config.tlsCaFile) } : {}),
    };
  }

  get isConnected(): boolean {
    return this.client?.isConnected === true;
  }

  /** Runs one operation; a connection-level failure reconnects and tries once more. */
  async run<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.ensure();
    try {
      return await operation(client);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      this.discard(client, error as Error);
      const retry = await this.ensure();
      return operation(retry);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.unbind().catch(() => undefined);
  }

  private discard(client: Client, error: Error): void {
    if (this.client === client) {
      this.client = undefined;
      this.logger.warn({ msg: 'directory connection lost; reconnecting', url: this.connectedUrl, error: error.message });
      void client.unbind().catch(() => undefined);
    }
  }

  private ensure(): Promise<Client> {
    if (this.client?.isConnected) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (Date.now() - this.failedAt < RETRY_AFTER_FAILURE_MS) {
      return Promise.reject(new DirectoryUnavailableError(this.lastError));
    }
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /**
   * Whether `password` is the password of the entry `dn`: a simple bind as that person on a
   * connection of its own (the shared one stays bound as the service account), closed at once.
   * An empty password is refused without asking: LDAP treats it as an unauthenticated bind, which
   * succeeds. A directory that cannot be reached throws DirectoryUnavailableError.
   */
  async verifyPassword(dn: string, password: string): Promise<boolean> {
    if (password === '' || dn === '') return false;
    const failures: string[] = [];
    for (const url of this.config.urls) {
      const client = this.newClient(url);
      try {
        await this.bound(client, url, dn, password);
        return true;
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return false;
        // Any other LDAP answer (account locked, password expired, ...) is a refusal too.
        if (error instanceof ResultCodeError) return false;
        failures.push(`${url}: ${(error as Error).message}`);
      } finally {
        void client.unbind().catch(() => undefined);
      }
    }
    throw new DirectoryUnavailableError(failures.join('; '));
  }

  private newClient(url: string): Client {
    return new Client({
      url,
      connectTimeout: this.config.connectTimeoutMs,
      timeout: this.config.operationTimeoutMs,
      // ldapts speaks TLS from the first byte whenever tlsOptions are given, so only ldaps:// gets them.
      ...(url.startsWith('ldaps://') ? { tlsOptions: this.tlsOptions } : {}),
      strictDN: false,
    });
  }

  /**
   * StartTLS when configured, then a simple bind (`''`/`''`: anonymous). ldapts has no timeout on
   * the StartTLS handshake: one deadline covers the whole connect-and-bind.
   */
  private async bound(client: Client, url: string, dn: string, password: string): Promise<void> {
    const limit = this.config.connectTimeoutMs + this.config.operationTimeoutMs;
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
    });
    const attempt = async () => {
      if (this.config.startTls && url.startsWith('ldap://')) await client.startTLS({ ...this.tlsOptions });
      await client.bind(dn, password);
    };
    try {
      await Promise.race([attempt(), expired]);
    } finally {
      clearTimeout(deadline);
    }
  }

  private async connect(): Promise<Client> {
    if (this.client) void this.client.unbind().catch(() => undefined);
    this.client = undefined;
    const failures: string[] = [];
    for (const url of this.config.urls) {
      const client = this.newClient(url);
      try {
        await this.bound(client, url, this.config.bindDn ?? '', this.config.bindPassword ?? '');
        this.client = client;
        this.connectedUrl = url;
        this.failedAt = 0;
        this.logger.log({ msg: 'directory connected', url, startTls: this.config.startTls });
        return client;
      } catch (error) {
        failures.push(`${url}: ${(error as Error).message}`);
        void client.unbind().catch(() => undefined);
      }
    }
    this.failedAt = Date.now();
    this.lastError = failures.join('; ');
    throw new DirectoryUnavailableError(this.lastError);
  }
}

/** Socket, timeout and server-unavailable failures are worth a reconnect; LDAP result codes are answers. */
function isConnectionError(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof BusyError) return true;
  if (error instanceof ResultCodeError || error instanceof DirectoryUnavailableError || !(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' || /connect|closed|timeout|socket|reset|EPIPE/i.test(error.message);
}
