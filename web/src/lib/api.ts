// The web talks to the API only through Hono's typed client: request and response types come
// from the route definitions in @qingfeng/api, which take theirs from db/src/schema.ts.
import { error, redirect } from '@sveltejs/kit';
import { hc, type ClientResponse } from 'hono/client';
import type { AppType } from '@qingfeng/api';
import type { SuccessStatusCode } from 'hono/utils/http-status';

export type ApiClient = ReturnType<typeof hc<AppType>>;

/** A client whose requests go through `fetchFn` (in-process app, remote API or the browser's fetch). */
export function apiClient(baseUrl: string, fetchFn: typeof fetch): ApiClient {
  return hc<AppType>(baseUrl, { fetch: fetchFn });
}

/** An API error: `{ error: { code, message, details? } }` with a Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Validation issues by top-level field name (first message per field). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const issue of this.details as { path?: unknown[]; message?: string }[]) {
      const field = issue.path?.[0];
      if (typeof field === 'string' && issue.message && !(field in out)) out[field] = issue.message;
    }
    return out;
  }
}

// The body type of the successful responses of a typed client call.
type OkBody<T> = T extends ClientResponse<infer Body, infer Status, infer _Format> ? (Status extends SuccessStatusCode ? Body : never) : never;

/**
 * Awaits a typed client call in a load function; returns the success body. A client error becomes
 * the error page with the API's Chinese message (401: back to the login page); a server error throws.
 */
export async function ok<T extends ClientResponse<unknown, number, string>>(call: Promise<T> | T): Promise<OkBody<T>> {
  const res = await call;
  if (res.ok) return (await res.json()) as OkBody<T>;
  const e = await toApiError(res);
  if (e.status === 401) redirect(303, '/login');
  if (e.status >= 400 && e.status < 500) error(e.status, { message: e.message });
  throw e;
}

export async function toApiError(res: { status: number; json(): Promise<unknown> }): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (err?.message) return new ApiError(res.status, err.code ?? 'error', err.message, err.details);
  return new ApiError(res.status, 'http_error', res.status >= 500 ? '服务器内部错误，请稍后重试' : `请求失败（${res.status}）`);
}

/** One Set-Cookie header, parsed so that it can be mirrored through SvelteKit's `cookies`. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  path: string;
  maxAge?: number;
  expires?: Date;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

export function parseSetCookie(header: string): ParsedSetCookie | null {
  const [pair, ...attrs] = header.split(';');
  const eq = pair?.indexOf('=') ?? -1;
  if (!pair || eq <= 0) return null;
  let value = pair.slice(eq + 1).trim();
  try {
    value = decodeURIComponent(value);
  } catch {
    // keep the raw value
  }
  const out: ParsedSetCookie = { name: pair.slice(0, eq).trim(), value, path: '/', httpOnly: false, secure: false };
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'path') out.path = val || '/';
    else if (key === 'max-age') out.maxAge = Number(val);
    else if (key === 'expires') out.expires = new Date(val);
    else if (key === 'httponly') out.httpOnly = true;
    else if (key === 'secure') out.secure = true;
    else if (key === 'samesite') {
      const s = val.toLowerCase();
      if (s === 'lax' || s === 'strict' || s === 'none') out.sameSite = s;
    }
  }
  return out;
}

/** True when the parsed cookie removes the cookie (Max-Age ≤ 0 or an expiry in the past). */
export function isDeletion(c: ParsedSetCookie, now = new Date()): boolean {
  return (c.maxAge !== undefined && c.maxAge <= 0) || (c.expires !== undefined && c.expires.getTime() <= now.getTime());
}
