import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token in an Authorization header, in any of the accepted forms:
 * `Bearer T`, `token=T` (the Retraced client) and `Token token=T`.
 */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(?:Bearer\s+|Token\s+token=|token=)"?([^\s"]+)"?\s*$/i.exec(header);
  return match?.[1];
}

/** Tokens are kept only as SHA-256 digests; they carry 256 random bits, so a slow hash adds nothing. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of a presented token with a stored digest. */
export function tokenMatches(token: string, digest: Buffer): boolean {
  const presented = tokenDigest(token);
  return presented.length === digest.length && timingSafeEqual(presented, digest);
}
