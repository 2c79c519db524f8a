import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { AppEnv } from '../context.ts';
import { cachedSettings } from '../modules/settings/cache.ts';
import { generateSecureRandomString, hashSecret, parseToken, secretMatches } from './tokens.ts';
import { needsActivityWrite, sessionState, type SessionLifetimes } from './rules.ts';
import * as q from './queries.ts';
import { sessionRow } from './session-cache.ts';

export const SESSION_COOKIE = 'session';

export async function sessionLifetimes(db: Kysely<Database>, settingsVersion?: number | null): Promise<SessionLifetimes> {
  const s = await cachedSettings(db, settingsVersion);
  return { inactivityMs: s['session.inactivityMinutes'] * 60_000, absoluteMs: s['session.absoluteHours'] * 3_600_000 };
}

export async function createSession(db: Kysely<Database>, userId: number, now: Date, ip: string | null, userAgent: string | null) {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  await q.insertSession(db, { id, userId, secretHash: hashSecret(secret), now, ip, userAgent });
  return { id, token: `${id}.${secret}` };
}

/** Validates a token; expired sessions are deleted, recent activity extends the idle window. */
export async function validateSessionToken(db: Kysely<Database>, token: string, now: Date) {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const row = await sessionRow(db, parsed.id, () => q.findSessionWithUser(db, parsed.id));
  if (!row) return null;
  if (!secretMatches(parsed.secret, row.secret_hash)) return null;
  // A disabled user, or one whose org unit was deactivated, has no valid sessions.
  if (row.disabled || !row.org_active) {
    await q.deleteSession(db, row.session_id);
    return null;
  }
  const state = sessionState({ createdAt: row.created_at, lastVerifiedAt: row.last_verified_at }, now, await sessionLifetimes(db, row.settings_version));
  if (state !== 'valid') {
    await q.deleteSession(db, row.session_id);
    return null;
  }
  if (needsActivityWrite(row.last_verified_at, now)) await q.touchSession(db, row.session_id, now);
  return { sessionId: row.session_id, user: q.toSessionUser(row) };
}

/** Forwarded headers are believed only behind the operator's own proxy (QINGFENG_TRUST_PROXY=1). */
export const trustProxy = () => process.env.QINGFENG_TRUST_PROXY === '1';

function isHttps(c: Context) {
  return new URL(c.req.url).protocol === 'https:' || (trustProxy() && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https');
}

export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number) {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c), httpOnly: true, sameSite: 'Lax' });
}

/** Reads the cookie (or a Bearer token) and puts the user on the context. */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const token = header?.startsWith('Bearer ') ? header.slice(7) : getCookie(c, SESSION_COOKIE);
  c.set('user', null);
  c.set('sessionId', null);
  if (token) {
    const result = await validateSessionToken(c.get('db'), token, c.get('clock').now());
    if (result) {
      c.set('user', result.user);
      c.set('sessionId', result.sessionId);
    } else if (!header) {
      clearSessionCookie(c);
    }
  }
  await next();
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: a state-changing request must come from our own origin. Browsers send Origin on every
 * cross-origin POST/PUT/PATCH/DELETE (and Sec-Fetch-Site), so a request that carries neither is
 * not from a browser page and cannot ride on a victim's cookie.
 */
export const csrfMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin');
    const fetchSite = c.req.header('sec-fetch-site');
    const host = (trustProxy() ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined) ?? c.req.header('host') ?? new URL(c.req.url).host;
    const allowed = (process.env.QINGFENG_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    let ok = true;
    if (origin) {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      ok = originHost === host || allowed.includes(origin);
    } else if (fetchSite) {
      ok = fetchSite === 'same-origin' || fetchSite === 'none';
    }
    if (!ok) return c.json({ error: { code: 'csrf', message: '跨站请求被拒绝' } }, 403);
  }
  await next();
});
