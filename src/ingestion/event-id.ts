import { randomBytes } from 'node:crypto';

/**
 * A 32-hex-digit event id (the Retraced shape): 48 bits of milliseconds, then 80 random bits.
 * Time-ordered ids keep primary-key inserts at the right edge of the index.
 */
export function newEventId(now: number): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}
