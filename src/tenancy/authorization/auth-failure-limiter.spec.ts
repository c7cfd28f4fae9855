import { AuthFailureLimiter } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  it('refuses an address past the limit until the sliding minute has moved on, others unaffected', () => {
    let now = 1_000_000 * 60_000;
    const limiter = new AuthFailureLimiter(3, () => now);
    expect([limiter.fail('a'), limiter.fail('a'), limiter.fail('a')]).toEqual([false, false, true]);
    expect(limiter.retryAfterSeconds('a')).toBe(60);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    now += 30_000;
    expect(limiter.retryAfterSeconds('a')).toBe(30);
    now += 60_000; // the previous window weighs half now: 1.5 of 3
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    now += 120_000;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('never limits when the limit is 0, and keeps at most maxAddresses', () => {
    const off = new AuthFailureLimiter(0, () => 0);
    for (let i = 0; i < 10; i++) off.fail('a');
    expect(off.retryAfterSeconds('a')).toBe(0);
    const small = new AuthFailureLimiter(1, () => 0, 2);
    small.fail('a');
    small.fail('b');
    small.fail('c');
    expect(small.retryAfterSeconds('c')).toBe(60);
    expect(small.retryAfterSeconds('a')).toBe(0); // forgotten when the table filled up
  });
});
