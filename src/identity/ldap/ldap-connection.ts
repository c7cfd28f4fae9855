import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import { BusyError, Client, ResultCodeError, UnavailableError } from 'ldapts';
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

  private async connect(): Promise<Client> {
    if (this.client) void this.client.unbind().catch(() => undefined);
    this.client = undefined;
    const failures: string[] = [];
    for (const url of this.config.urls) {
      const client = new Client({
        url,
        connectTimeout: this.config.connectTimeoutMs,
        timeout: this.config.operationTimeoutMs,
        // ldapts speaks TLS from the first byte whenever tlsOptions are given, so only ldaps:// gets them.
        ...(url.startsWith('ldaps://') ? { tlsOptions: this.tlsOptions } : {}),
        strictDN: false,
      });
      let deadline: NodeJS.Timeout | undefined;
      try {
        // ldapts has no timeout on the StartTLS handshake: one deadline covers the whole attempt.
        const limit = this.config.connectTimeoutMs + this.config.operationTimeoutMs;
        const expired = new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
        });
        const attempt = async (): Promise<void> => {
          if (this.config.startTls && url.startsWith('ldap://')) await client.startTLS({ ...this.tlsOptions });
          if (this.config.bindDn) await client.bind(this.config.bindDn, this.config.bindPassword);
          else await client.bind('', '');
        };
        await Promise.race([attempt(), expired]);
        clearTimeout(deadline);
        this.client = client;
        this.connectedUrl = url;
        this.failedAt = 0;
        this.logger.log({ msg: 'directory connected', url, startTls: this.config.startTls });
        return client;
      } catch (error) {
        clearTimeout(deadline);
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
