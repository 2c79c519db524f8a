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

/** After a failed login: the new failure count and, when it reaches the limit, the lock's end. */
export function afterFailedLogin(failures: number, now: Date, p: LockoutPolicy): { failures: number; lockedUntil: Date | null } {
  const next = failures + 1;
  if (next >= p.maxFailures) return { failures: 0, lockedUntil: new Date(now.getTime() + p.lockMinutes * 60_000) };
  return { failures: next, lockedUntil: null };
}

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
