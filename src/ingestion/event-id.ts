import { randomBytes } from 'node:crypto';

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

/** Random hex from a pooled buffer: one randomBytes call per 400 ids instead of one per id. */
function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/**
 * A 32-hex-digit event id (the Retraced shape): 48 bits of milliseconds, then 80 random bits.
 * Time-ordered ids keep primary-key inserts at the right edge of the index.
 */
export function newEventId(now: number): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomHex(10);
}
