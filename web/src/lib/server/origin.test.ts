import { afterEach, describe, expect, it, vi } from 'vitest';
import { csrfProblem, isSecure } from './origin';

// As in the built server (vitest itself runs in dev mode).
vi.mock('$app/environment', () => ({ dev: false, building: false, browser: false }));

function event(url: string, method = 'POST', headers: Record<string, string> = {}) {
  return { url: new URL(url), request: new Request(url, { method, headers }) };
}

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['ORIGIN', 'PROTOCOL_HEADER', 'QINGFENG_TRUST_PROXY', 'QINGFENG_ALLOWED_ORIGINS']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('csrfProblem', () => {
  it('lets a form post from our own host through, whatever scheme adapter-node guessed', () => {
    // adapter-node without ORIGIN reports https even for a plain-HTTP LAN address.
    expect(csrfProblem(event('https://192.168.1.20:3000/login', 'POST', { origin: 'http://192.168.1.20:3000' }))).toBeNull();
  });

  it('refuses a post from another site', () => {
    expect(csrfProblem(event('http://localhost:3000/users/new', 'POST', { origin: 'http://evil.example' }))).toMatch(/evil\.example/);
    expect(csrfProblem(event('http://localhost:3000/users/new', 'POST', { 'sec-fetch-site': 'cross-site' }))).not.toBeNull();
  });

  it('accepts origins listed in QINGFENG_ALLOWED_ORIGINS and any safe method', () => {
    process.env.QINGFENG_ALLOWED_ORIGINS = 'https://portal.example.gov.cn';
    expect(csrfProblem(event('http://localhost:3000/login', 'POST', { origin: 'https://portal.example.gov.cn' }))).toBeNull();
    expect(csrfProblem(event('http://localhost:3000/login', 'GET', { origin: 'http://evil.example' }))).toBeNull();
  });
});

describe('isSecure', () => {
  it('is false for adapter-node without configuration (it only speaks HTTP)', () => {
    delete process.env.ORIGIN;
    delete process.env.PROTOCOL_HEADER;
    delete process.env.QINGFENG_TRUST_PROXY;
    expect(isSecure(event('https://192.168.1.20:3000/'))).toBe(false);
  });

  it('follows ORIGIN, then a trusted proxy', () => {
    process.env.ORIGIN = 'https://qingfeng.example.gov.cn';
    expect(isSecure(event('http://localhost:3000/'))).toBe(true);
    delete process.env.ORIGIN;
    process.env.QINGFENG_TRUST_PROXY = '1';
    expect(isSecure(event('https://x/', 'GET', { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isSecure(event('https://x/', 'GET', { 'x-forwarded-proto': 'http' }))).toBe(false);
  });
});
