import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, minutesLeft, needsActivityWrite, passwordClasses, reserveGuess, sessionState, THROTTLE_SCOPES, throttleLimit, type ThrottleCounter, type ThrottleScope } from './rules.ts';
import { generatePassword, generatePasswordFor, generateSecureRandomString, hashSecret, parseToken, secretMatches } from './tokens.ts';

const policy = { minLength: 10, minClasses: 3 };

describe('password policy', () => {
  it('counts character classes', () => {
    expect(passwordClasses('abc')).toBe(1);
    expect(passwordClasses('abcDEF123')).toBe(3);
    expect(passwordClasses('aB3-')).toBe(4);
  });
  it('wants 10 characters, 3 of 4 classes, and not the username', () => {
    expect(checkPasswordPolicy('Ab1-', policy)).toBe('密码至少 10 个字符');
    expect(checkPasswordPolicy('abcdefghij12', policy)).toBe('密码须包含大写字母、小写字母、数字、符号中的至少 3 类');
    expect(checkPasswordPolicy('Abcdefghij12', policy)).toBeNull();
    expect(checkPasswordPolicy('Zhangsan-2026', policy, 'zhangsan')).toBe('密码不能包含用户名');
    // Length counts characters, not UTF-16 units or bytes.
    expect(checkPasswordPolicy('清风清风清风清风A1', policy)).toBeNull();
  });
  it('generates passwords that pass the policy, however long it asks', () => {
    for (let i = 0; i < 50; i++) expect(checkPasswordPolicy(generatePassword(), policy)).toBeNull();
    const strict = { minLength: 32, minClasses: 4 };
    const p = generatePasswordFor(strict, 'abc');
    expect(p.length).toBeGreaterThanOrEqual(32);
    expect(checkPasswordPolicy(p, strict, 'abc')).toBeNull();
  });
});

describe('sessions and lockout', () => {
  const l = { inactivityMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000 };
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  it('expires after the idle timeout or the absolute lifetime, whichever comes first', () => {
    expect(sessionState({ createdAt: t0, lastVerifiedAt: t0 }, at(2 * 3_600_000 - 1), l)).toBe('valid');
    expect(sessionState({ createdAt: t0, lastVerifiedAt: t0 }, at(2 * 3_600_000), l)).toBe('idle_expired');
    expect(sessionState({ createdAt: t0, lastVerifiedAt: at(11.5 * 3_600_000) }, at(12 * 3_600_000), l)).toBe('absolute_expired');
  });
  it('records activity at most once a minute', () => {
    expect(needsActivityWrite(t0, at(59_999))).toBe(false);
    expect(needsActivityWrite(t0, at(60_000))).toBe(true);
  });
  it('reserves a guess per counter and locks the pair on the fifth, the account on the 20th, the address on the 50th', () => {
    const p = { maxFailures: 5, lockMinutes: 15 };
    const counter = (scope: ThrottleScope, failures: number, windowStart = t0, lockedUntil: Date | null = null): ThrottleCounter => ({ scope, failures, windowStart, lockedUntil });
    expect(throttleLimit('pair', p)).toBe(5);
    expect(throttleLimit('account', p)).toBe(20);
    expect(throttleLimit('address', p)).toBe(50);
    const first = reserveGuess([], at(1000), p);
    expect(first).toEqual({
      refused: false,
      lockedNow: [],
      next: THROTTLE_SCOPES.map((scope) => counter(scope, 1, at(1000))),
    });
    const fifth = reserveGuess([counter('pair', 4), counter('account', 4), counter('address', 4)], at(60_000), p);
    expect(fifth.refused).toBe(false);
    if (fifth.refused) return;
    expect(fifth.lockedNow).toEqual(['pair']);
    expect(fifth.next[0]).toEqual(counter('pair', 0, at(60_000), at(60_000 + 15 * 60_000)));
    expect(fifth.next[1]).toEqual(counter('account', 5));
    const manyAddresses = reserveGuess([counter('account', 19)], at(60_000), p);
    expect(!manyAddresses.refused && manyAddresses.lockedNow).toEqual(['account']);
  });

  it('refuses while any counter is locked (the longest lock is reported) and forgets failures after the window', () => {
    const p = { maxFailures: 5, lockMinutes: 15 };
    const locked = reserveGuess(
      [
        { scope: 'pair', failures: 0, windowStart: t0, lockedUntil: at(10 * 60_000) },
        { scope: 'account', failures: 0, windowStart: t0, lockedUntil: at(14 * 60_000) },
      ],
      at(60_000),
      p,
    );
    expect(locked).toEqual({ refused: true, until: at(14 * 60_000), scope: 'account' });
    expect(minutesLeft(at(14 * 60_000), at(60_000))).toBe(13);
    // A lock that has run out refuses nothing.
    expect(reserveGuess([{ scope: 'pair', failures: 0, windowStart: t0, lockedUntil: at(60_000) }], at(60_000), p).refused).toBe(false);
    // Four failures 15 minutes ago no longer count.
    const later = reserveGuess([{ scope: 'pair', failures: 4, windowStart: t0, lockedUntil: null }], at(15 * 60_000), p);
    expect(!later.refused && later.next[0]).toEqual({ scope: 'pair', failures: 1, windowStart: at(15 * 60_000), lockedUntil: null });
  });
});

describe('session tokens', () => {
  it('are <id>.<secret> with 120 bits each; only a hash of the secret is compared', () => {
    const id = generateSecureRandomString();
    const secret = generateSecureRandomString();
    expect(id).toMatch(/^[a-z2-9]{24}$/);
    expect(parseToken(`${id}.${secret}`)).toEqual({ id, secret });
    expect(parseToken(id)).toBeNull();
    expect(parseToken(`${id}.${secret}.x`)).toBeNull();
    expect(parseToken(`.${secret}`)).toBeNull();
    const stored = hashSecret(secret);
    expect(stored).toHaveLength(32);
    expect(secretMatches(secret, stored)).toBe(true);
    // Change the last character to a different one (replacing it with a fixed letter fails 1 time in 32).
    const last = secret.at(-1) === 'a' ? 'b' : 'a';
    expect(secretMatches(`${secret.slice(0, -1)}${last}`, stored)).toBe(false);
  });
});
