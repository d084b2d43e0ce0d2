// A small in-memory token bucket per client (IP): enough to slow password guessing and
// sign-up floods on one process. Not shared across processes, which this app never is.
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { DomainError } from '../core/errors.js';
import type { AppEnv } from './types.js';

export interface RateLimitRule {
  /** Requests allowed in a burst (the bucket's size)… */
  limit: number;
  /** …refilled evenly over this many milliseconds. */
  windowMs: number;
}

const MAX_KEYS = 50_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly rule: RateLimitRule,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error('rate limit must be a positive integer');
    if (!(rule.windowMs > 0)) throw new Error('rate limit window must be positive');
    this.perMs = rule.limit / rule.windowMs;
  }

  /** Takes one token for key; when none is left, says how many seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSec: number } {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.prune(t);
      b = { tokens: this.rule.limit, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.rule.limit, b.tokens + (t - b.at) * this.perMs);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)) };
  }

  /** Drops buckets that have refilled completely (they behave exactly like absent ones). */
  private prune(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (t - b.at) * this.perMs >= this.rule.limit) this.buckets.delete(k);
    }
    if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
  }
}

export type ClientIp = (c: Context) => string;

/** The peer address of the socket; behind a proxy pass `clientIp` to createApi instead. */
export const socketClientIp: ClientIp = (c) => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
};

export function rateLimit(limiter: RateLimiter | null, clientIp: ClientIp): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (limiter) {
      const r = limiter.take(clientIp(c));
      if (!r.ok) {
        throw new DomainError('RATE_LIMITED', `Too many attempts; try again in ${r.retryAfterSec} s`, { retry_after: r.retryAfterSec });
      }
    }
    await next();
  };
}
