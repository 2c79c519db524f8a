// Security headers of every API response (security review #11, finding 8): answers are data, never
// pages to frame or scripts to run, and none may be cached (ID numbers are personal data). The web
// pages set the same set in web/src/lib/server/security-headers.ts.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { trustProxy } from '../auth/session.ts';

export const API_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const overHttps = (url: string, forwardedProto: string | undefined) =>
  new URL(url).protocol === 'https:' || (trustProxy() && forwardedProto?.split(',')[0]?.trim() === 'https');

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) headers.set(name, value);
  if (overHttps(c.req.url, c.req.header('x-forwarded-proto'))) headers.set('Strict-Transport-Security', 'max-age=31536000');
});
