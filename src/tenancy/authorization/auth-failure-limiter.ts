/**
 * Failed authentications per client address in a sliding minute (two fixed windows, weighted).
 * Past the limit the address is refused with 429 until the window has moved on, before any token
 * is looked at. Memory is bounded: at most `maxAddresses` are tracked.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { start: number; current: number; previous: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfterSeconds(address: string): number {
    if (this.perMinute <= 0) return 0;
    const entry = this.current(address);
    if (!entry) return 0;
    if (this.weighted(entry) < this.perMinute) return 0;
    return Math.max(1, Math.ceil((entry.start + WINDOW_MS - this.now()) / 1000));
  }

  /** Counts one failure; true when this one crossed the limit (worth one log line). */
  fail(address: string): boolean {
    if (this.perMinute <= 0) return false;
    let entry = this.current(address);
    if (!entry) {
      if (this.windows.size >= this.maxAddresses) this.windows.clear();
      entry = { start: this.windowStart(), current: 0, previous: 0 };
      this.windows.set(address, entry);
    }
    const before = this.weighted(entry);
    entry.current += 1;
    return before < this.perMinute && this.weighted(entry) >= this.perMinute;
  }

  private windowStart(): number {
    return Math.floor(this.now() / WINDOW_MS) * WINDOW_MS;
  }

  /** The address's windows moved forward to now; undefined when it has no recent failures. */
  private current(address: string) {
    const entry = this.windows.get(address);
    if (!entry) return undefined;
    const start = this.windowStart();
    if (entry.start !== start) {
      entry.previous = start - entry.start === WINDOW_MS ? entry.current : 0;
      entry.current = 0;
      entry.start = start;
      if (entry.previous === 0) {
        this.windows.delete(address);
        return undefined;
      }
    }
    return entry;
  }

  private weighted(entry: { start: number; current: number; previous: number }): number {
    const elapsed = (this.now() - entry.start) / WINDOW_MS;
    return entry.current + entry.previous * (1 - elapsed);
  }
}

const WINDOW_MS = 60_000;
