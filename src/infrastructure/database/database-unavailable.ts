/**
 * Whether an error means the database cannot take or answer requests right now (a refused or
 * dropped connection, an exhausted pool, a server shutting down or refusing connections, a busy
 * or full SQLite file), as opposed to a statement that can never succeed. The first is answered
 * 503 with Retry-After; the second is a defect.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let candidate = error; candidate && typeof candidate === 'object' && !seen.has(candidate);) {
    seen.add(candidate);
    const code = (candidate as { code?: unknown }).code;
    if (typeof code === 'string' && unavailableCode(code)) return true;
    if (UNAVAILABLE_MESSAGE.test(String((candidate as { message?: unknown }).message ?? ''))) return true;
    const next = (candidate as { driverError?: unknown }).driverError ?? (candidate as { cause?: unknown }).cause;
    candidate = next;
  }
  return false;
}

const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** PostgreSQL SQLSTATEs: 55000 is "database is not currently accepting connections"; 25006 a read-only standby; 40001/40P01 retryable conflicts. */
const PG_CODES = new Set(['55000', '25006', '40001', '40P01']);
/** PostgreSQL classes: 08 connection exception, 53 insufficient resources, 57 operator intervention, 58 system error. */
const PG_CLASSES = ['08', '53', '57', '58'];
const SQLITE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PROTOCOL', 'SQLITE_NOMEM'];

function unavailableCode(code: string): boolean {
  if (NODE_CODES.has(code) || PG_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && PG_CLASSES.includes(code.slice(0, 2))) return true;
  return SQLITE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client has encountered a connection error|not currently accepting connections|too many clients|Driver not Connected|Cannot use a pool after calling end|the database system is (starting up|shutting down)/i;
