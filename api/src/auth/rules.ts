// Pure rules for passwords, lockout and session lifetimes (unit-tested without a database).

export interface PasswordPolicy {
  minLength: number;
  minClasses: number;
}

export function passwordClasses(password: string): number {
  return [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
}

/** Returns a Chinese message explaining what is wrong, or null when the password is acceptable. */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy, username?: string): string | null {
  if ([...password].length < policy.minLength) return `密码至少 ${policy.minLength} 个字符`;
  if (passwordClasses(password) < policy.minClasses)
    return `密码须包含大写字母、小写字母、数字、符号中的至少 ${policy.minClasses} 类`;
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}

export interface SessionLifetimes {
  inactivityMs: number;
  absoluteMs: number;
}

export type SessionState = 'valid' | 'idle_expired' | 'absolute_expired';

export function sessionState(s: { createdAt: Date; lastVerifiedAt: Date }, now: Date, l: SessionLifetimes): SessionState {
  if (now.getTime() - s.createdAt.getTime() >= l.absoluteMs) return 'absolute_expired';
  if (now.getTime() - s.lastVerifiedAt.getTime() >= l.inactivityMs) return 'idle_expired';
  return 'valid';
}

/** Writes to last_verified_at at most once a minute: enough precision for a 2-hour idle timeout. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;
export function needsActivityWrite(lastVerifiedAt: Date, now: Date): boolean {
  return now.getTime() - lastVerifiedAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS;
}

export interface LockoutPolicy {
  maxFailures: number;
  lockMinutes: number;
}

/**
 * Login throttling (security review #11, finding 3). Every attempt reserves a guess on three counters
 * before its password is checked, under a row lock, so concurrent guesses cannot outrun the count:
 *  - 'pair': this account name from this address — locks after `maxFailures` (the 等保 lockout; a
 *    guesser elsewhere does not lock the owner out of their own office);
 *  - 'account': this account name from any address — locks after 4 × `maxFailures` (an account
 *    attacked from many addresses);
 *  - 'address': this address over all names — locks after 10 × `maxFailures` (password spraying; high
 *    enough for an office behind one NAT address).
 * Counts run for `lockMinutes` from the first failure; a lock lasts `lockMinutes`. A successful login
 * clears its pair and account counters and gives its address reservation back.
 */
export type ThrottleScope = 'pair' | 'account' | 'address';
export const THROTTLE_SCOPES: readonly ThrottleScope[] = ['pair', 'account', 'address'];

export function throttleLimit(scope: ThrottleScope, p: LockoutPolicy): number {
  return scope === 'pair' ? p.maxFailures : scope === 'account' ? p.maxFailures * 4 : p.maxFailures * 10;
}

export interface ThrottleCounter {
  scope: ThrottleScope;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export type Reservation =
  /** Refused without checking the password: a counter is locked until `until`. */
  | { refused: true; until: Date; scope: ThrottleScope }
  /** Go ahead; `next` are the counters to store, `lockedNow` the scopes this guess used up. */
  | { refused: false; next: ThrottleCounter[]; lockedNow: ThrottleScope[] };

/** Reserves one guess on each counter (missing counters start at zero), or refuses when one is locked. */
export function reserveGuess(counters: readonly ThrottleCounter[], now: Date, p: LockoutPolicy): Reservation {
  const t = now.getTime();
  const locked = counters.filter((c) => c.lockedUntil !== null && c.lockedUntil.getTime() > t).sort((a, b) => b.lockedUntil!.getTime() - a.lockedUntil!.getTime())[0];
  if (locked) return { refused: true, until: locked.lockedUntil!, scope: locked.scope };
  const windowMs = p.lockMinutes * 60_000;
  const next: ThrottleCounter[] = [];
  const lockedNow: ThrottleScope[] = [];
  for (const scope of THROTTLE_SCOPES) {
    const c = counters.find((x) => x.scope === scope);
    const fresh = !c || t - c.windowStart.getTime() >= windowMs;
    const failures = (fresh ? 0 : c.failures) + 1;
    if (failures >= throttleLimit(scope, p)) {
      lockedNow.push(scope);
      next.push({ scope, failures: 0, windowStart: now, lockedUntil: new Date(t + windowMs) });
    } else next.push({ scope, failures, windowStart: fresh ? now : c.windowStart, lockedUntil: null });
  }
  return { refused: false, next, lockedNow };
}

/** Whole minutes until `until` (at least 1), for the message. */
export function minutesLeft(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}
