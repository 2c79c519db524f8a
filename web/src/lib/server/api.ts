// The typed API client for load functions and form actions. Requests go to the in-process Hono app
// (or to QINGFENG_API_URL), carry the browser's session cookie, IP and user agent, and any Set-Cookie
// the API answers with (login, logout, expired session) is mirrored onto the page response.
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { apiClient, isDeletion, parseSetCookie, type ApiClient } from '$lib/api';
import { getApp, remoteApiUrl } from './app';
import { browserUrl, isSecure } from './origin';

export const SESSION_COOKIE = 'session';

type ApiEvent = Pick<RequestEvent, 'cookies' | 'url' | 'request' | 'getClientAddress'>;

/** Sends one request to the API as the browser's user (the /api/* route and the typed client). */
export async function forwardToApi(event: Pick<RequestEvent, 'getClientAddress' | 'url' | 'request'>, request: Request): Promise<Response> {
  const clientIp = safeClientAddress(event);
  const userAgent = request.headers.get('user-agent') ?? undefined;
  const url = new URL(request.url);
  const remote = remoteApiUrl();
  if (remote) {
    const headers = new Headers(request.headers);
    headers.delete('host');
    if (clientIp) headers.set('x-forwarded-for', clientIp);
    headers.set('x-forwarded-proto', isSecure(event) ? 'https' : 'http');
    // The API's CSRF check compares the browser's Origin with this host, not its own.
    headers.set('x-forwarded-host', event.url.host);
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, redirect: 'manual' };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      init.body = request.body;
      init.duplex = 'half';
    }
    return fetch(`${remote}${url.pathname}${url.search}`, init);
  }
  // The API decides the cookie's Secure flag from the URL's scheme: give it the one the browser uses.
  const scheme = isSecure(event) ? 'https:' : 'http:';
  if (url.protocol !== scheme) {
    url.protocol = scheme;
    request = new Request(url, request);
  }
  const { app } = await getApp();
  return app.fetch(request, { clientIp, userAgent });
}

function safeClientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string | undefined {
  try {
    return event.getClientAddress();
  } catch {
    return undefined;
  }
}

/** Copies the API's Set-Cookie headers onto the SvelteKit response. */
export function mirrorSetCookies(res: Response, event: Pick<RequestEvent, 'cookies' | 'url' | 'request'>) {
  const cookies: Cookies = event.cookies;
  for (const header of res.headers.getSetCookie()) {
    const c = parseSetCookie(header);
    if (!c) continue;
    // Secure follows the scheme the browser uses (plain http on an office LAN must still work).
    const opts = { path: c.path, httpOnly: c.httpOnly, secure: isSecure(event), sameSite: c.sameSite ?? ('lax' as const) };
    if (isDeletion(c)) cookies.delete(c.name, opts);
    else cookies.set(c.name, c.value, { ...opts, ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}), ...(c.expires ? { expires: c.expires } : {}) });
  }
}

/** The typed client bound to this request's user. */
export function serverApi(event: ApiEvent): ApiClient {
  const userAgent = event.request.headers.get('user-agent');
  const fetchFn: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const token = event.cookies.get(SESSION_COOKIE);
    if (token) request.headers.set('cookie', `${SESSION_COOKIE}=${token}`);
    else request.headers.delete('cookie');
    if (userAgent) request.headers.set('user-agent', userAgent);
    const res = await forwardToApi(event, request);
    mirrorSetCookies(res, event);
    return res;
  };
  return apiClient(browserUrl(event).origin, fetchFn);
}
