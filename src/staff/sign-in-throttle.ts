/**
 * Slows password guessing without letting anyone lock a colleague out: failed sign-ins are
 * counted per (email, client address) in a sliding window, in this process's memory. After
 * SIGN_IN_MAX_FAILURES failures in SIGN_IN_FAILURE_WINDOW_MS that pair is refused until the
 * oldest failure leaves the window; the same email from another address is not affected.
 * Several server processes each keep their own counts (docs/decisions/0006).
 */

export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_FAILURE_WINDOW_MS = 15 * 60_000;
/** Pairs remembered at most; the least recently failed are forgotten first. */
const MAX_KEYS = 50_000;

export interface SignInThrottle {
  /** Seconds until this email may be tried again from this address; 0 when it may be now. */
  retryAfterSeconds(email: string, ip: string): number;
  /** Counts a failed (or not yet finished) attempt. */
  recordFailure(email: string, ip: string): void;
  /** Forgets the failures of this email from this address (after a successful sign-in). */
  clear(email: string, ip: string): void;
}

export interface SignInThrottleOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly maxKeys?: number;
  /** The clock, in milliseconds (tests pass their own). */
  readonly now?: () => number;
}

/** Creates an empty in-memory throttle. */
export function createSignInThrottle(options: SignInThrottleOptions = {}): SignInThrottle {
  const maxFailures = options.maxFailures ?? SIGN_IN_MAX_FAILURES;
  const windowMs = options.windowMs ?? SIGN_IN_FAILURE_WINDOW_MS;
  const maxKeys = options.maxKeys ?? MAX_KEYS;
  const now = options.now ?? Date.now;
  /** Failure times per key, oldest first, at most maxFailures of them. */
  const failures = new Map<string, number[]>();
  const keyOf = (email: string, ip: string) => `${email.trim().toLowerCase()}\n${ip}`;
  const recent = (key: string, at: number): number[] => {
    const times = (failures.get(key) ?? []).filter((time) => time > at - windowMs);
    if (times.length === 0) failures.delete(key);
    return times;
  };

  return {
    retryAfterSeconds(email, ip) {
      const at = now();
      const times = recent(keyOf(email, ip), at);
      if (times.length < maxFailures) return 0;
      return Math.max(1, Math.ceil(((times[0] as number) + windowMs - at) / 1000));
    },
    recordFailure(email, ip) {
      const at = now();
      const key = keyOf(email, ip);
      const times = [...recent(key, at), at].slice(-maxFailures);
      failures.delete(key);
      failures.set(key, times);
      if (failures.size > maxKeys) {
        const oldest = failures.keys().next().value;
        if (oldest !== undefined) failures.delete(oldest);
      }
    },
    clear(email, ip) {
      failures.delete(keyOf(email, ip));
    },
  };
}
