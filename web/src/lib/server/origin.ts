// What the browser really sees: scheme and host. adapter-node guesses `https` when neither ORIGIN nor
// PROTOCOL_HEADER is set, yet it only ever speaks plain HTTP itself; an office LAN serving
// http://192.168.x.x:3000 must work without configuration. So:
//  - CSRF: SvelteKit's own origin check (which compares scheme too) is turned off in svelte.config.js
//    and replaced by this host-based check — the same rule the API applies to /api/*.
//  - Cookies are Secure exactly when the browser uses HTTPS.
import type { RequestEvent } from '@sveltejs/kit';
import { dev } from '$app/environment';

type Event = Pick<RequestEvent, 'url' | 'request'>;

const trustProxy = () => process.env.QINGFENG_TRUST_PROXY === '1';

/** True when the browser talks HTTPS to us (directly or through a trusted proxy). */
export function isSecure(event: Event): boolean {
  const origin = process.env.ORIGIN?.trim();
  if (origin) return origin.startsWith('https:');
  // The operator told adapter-node where to read the scheme: event.url is right.
  if (process.env.PROTOCOL_HEADER || dev) return event.url.protocol === 'https:';
  if (trustProxy()) return event.request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return false;
}

/** The URL as the browser sees it (scheme corrected, see above). */
export function browserUrl(event: Event): URL {
  const url = new URL(event.url);
  url.protocol = isSecure(event) ? 'https:' : 'http:';
  return url;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * null when the request may proceed; otherwise why it is refused. A state-changing request must
 * come from a page of this site: its Origin's host equals ours (or is listed in
 * QINGFENG_ALLOWED_ORIGINS); without Origin, Sec-Fetch-Site must not say cross-site.
 */
export function csrfProblem(event: Event): string | null {
  if (SAFE_METHODS.has(event.request.method)) return null;
  const headers = event.request.headers;
  const origin = headers.get('origin');
  if (origin) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    const allowed = (process.env.QINGFENG_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (host !== null && host === event.url.host) return null;
    if (allowed.includes(origin)) return null;
    return `来源 ${origin} 与本站 ${event.url.host} 不一致`;
  }
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return '跨站请求';
  return null;
}
