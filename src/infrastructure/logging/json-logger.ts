import { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../../config/app-config';

const SEVERITY: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 };
const SECRET_KEYS = /authorization|password|token|secret|cookie/i;

/**
 * The service's one logger: one JSON object per line on stdout. Request-scoped lines carry a
 * `request_id` field passed by the caller (AsyncLocalStorage would cost every promise a hook on
 * Node 20). Values under keys that look like secrets are masked.
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    level: LogLevel,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.threshold = SEVERITY[level];
  }

  isEnabled(level: LogLevel): boolean {
    return SEVERITY[level] >= this.threshold;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (SEVERITY[level] < this.threshold) return;
    // Nest passes (message, context) or (message, stack, context) for errors.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else if (message !== null && typeof message === 'object') {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    if (stack) entry.stack = stack;
    this.write(JSON.stringify(entry, maskSecrets) + '\n');
  }
}

function maskSecrets(key: string, value: unknown): unknown {
  return key !== '' && SECRET_KEYS.test(key) && typeof value === 'string' ? '[redacted]' : value;
}
