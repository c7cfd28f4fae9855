import { InvalidInputException } from '../infrastructure/http/api-error';

/** Opaque keyset cursor: the sequence number of the last event of the previous page. */
export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'cursor'): number {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (Number.isSafeInteger(decoded.s) && (decoded.s as number) > 0) return decoded.s as number;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputException([{ field, rule: 'isCursor', message: `${field} is not a cursor this service issued` }]);
}
