import { describe, expect, it } from 'vitest';
import { afterFailedLogin, checkPasswordPolicy, isLocked, needsActivityWrite, passwordClasses, sessionState } from './rules.ts';
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
  it('locks on the fifth failure for the configured minutes', () => {
    const p = { maxFailures: 5, lockMinutes: 15 };
    expect(afterFailedLogin(3, t0, p)).toEqual({ failures: 4, lockedUntil: null });
    expect(afterFailedLogin(4, t0, p)).toEqual({ failures: 0, lockedUntil: at(15 * 60_000) });
    expect(isLocked(at(15 * 60_000), at(15 * 60_000 - 1))).toBe(true);
    expect(isLocked(at(15 * 60_000), at(15 * 60_000))).toBe(false);
    expect(isLocked(null, t0)).toBe(false);
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
