// A per-IP fixed-window limiter for the public pledge routes (signing links, verify page). In-process:
// with several API processes behind one address each process counts on its own, so the effective limit
// is the per-process limit times the processes — still a hard bound on guessing, which is what it is for.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context.ts';
import { AppError } from '../../http/errors.ts';

interface Window {
  start: number;
  count: number;
}

export interface RateLimit {
  /** Requests allowed per IP per window. */
  limit: number;
  windowMs: number;
}

/** Public limits (documented in ARCHITECTURE.md). */
export const PUBLIC_LIMITS = {
  /** Opening a link, entering the ID suffix, signing. */
  link: { limit: 30, windowMs: 60_000 },
  /** Looking a verification code up, uploading a PDF to check. */
  verify: { limit: 60, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly config: RateLimit) {}

  /** Counts one request; false when the key is over its limit in the current window. */
  hit(key: string, now: number): boolean {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.config.windowMs) {
      // Bounded memory: when full, drop windows that have ended (and, failing that, everything).
      if (!w && this.windows.size >= MAX_KEYS) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count <= this.config.limit;
  }

  /** Forgets every window (tests). */
  reset(): void {
    this.windows.clear();
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.config.windowMs) this.windows.delete(k);
    if (this.windows.size >= MAX_KEYS) this.windows.clear();
  }
}

/** Middleware: 429 with a Chinese message when the caller's IP is over the limit. Place it after the guard. */
export function rateLimit(limiter: RateLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!limiter.hit(c.get('ip') ?? 'unknown', c.get('clock').now().getTime()))
      throw new AppError(429, 'rate_limited', '请求过于频繁，请稍后再试');
    await next();
  });
}

/** The limiters of the public pledge routes, one per kind, shared by every app in the process. */
export const publicLimiters = {
  link: new RateLimiter(PUBLIC_LIMITS.link),
  verify: new RateLimiter(PUBLIC_LIMITS.verify),
};
