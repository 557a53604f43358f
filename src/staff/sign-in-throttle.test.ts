import { describe, expect, it } from 'vitest';
import { createSignInThrottle, SIGN_IN_FAILURE_WINDOW_MS, SIGN_IN_MAX_FAILURES } from './sign-in-throttle.ts';

function clock(start = 1_800_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('sign-in throttle', () => {
  it(`refuses an email from one address after ${SIGN_IN_MAX_FAILURES} failures in 15 minutes, until the oldest leaves the window`, () => {
    const time = clock();
    const throttle = createSignInThrottle({ now: time.now });
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) {
      expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBe(0);
      throttle.recordFailure('ana@example.org', '192.0.2.1');
      time.advance(60_000);
    }
    // The first failure was 10 minutes ago: 5 minutes to go.
    expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBe(5 * 60);
    expect(throttle.retryAfterSeconds(' ANA@example.org ', '192.0.2.1')).toBe(5 * 60);
    time.advance(5 * 60_000);
    expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBe(0);
  });

  it('does not let failures from one address lock the account for another, or another account', () => {
    const throttle = createSignInThrottle({ now: clock().now });
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) throttle.recordFailure('ana@example.org', '192.0.2.1');
    expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('ana@example.org', '198.51.100.1')).toBe(0);
    expect(throttle.retryAfterSeconds('ben@example.org', '192.0.2.1')).toBe(0);
  });

  it('forgets the failures of a pair that signs in, and failures older than the window', () => {
    const time = clock();
    const throttle = createSignInThrottle({ now: time.now });
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) throttle.recordFailure('ana@example.org', '192.0.2.1');
    throttle.clear('ana@example.org', '192.0.2.1');
    expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBe(0);
    for (let i = 0; i < SIGN_IN_MAX_FAILURES - 1; i += 1)
      throttle.recordFailure('ana@example.org', '192.0.2.1');
    time.advance(SIGN_IN_FAILURE_WINDOW_MS);
    throttle.recordFailure('ana@example.org', '192.0.2.1');
    expect(throttle.retryAfterSeconds('ana@example.org', '192.0.2.1')).toBe(0);
  });

  it('remembers a bounded number of pairs, forgetting the least recent first', () => {
    const throttle = createSignInThrottle({ now: clock().now, maxFailures: 1, maxKeys: 2 });
    throttle.recordFailure('a@example.org', 'ip');
    throttle.recordFailure('b@example.org', 'ip');
    throttle.recordFailure('c@example.org', 'ip');
    expect(throttle.retryAfterSeconds('a@example.org', 'ip')).toBe(0);
    expect(throttle.retryAfterSeconds('b@example.org', 'ip')).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('c@example.org', 'ip')).toBeGreaterThan(0);
  });
});
