// A one-time message that survives the redirect after a form action ("已停用" …).
import type { RequestEvent } from '@sveltejs/kit';
import { isSecure } from './origin';

type Event = Pick<RequestEvent, 'cookies' | 'url' | 'request'>;

const NAME = 'flash';
export type Flash = { kind: 'success' | 'error'; message: string };

export function setFlash(event: Event, message: string, kind: Flash['kind'] = 'success') {
  event.cookies.set(NAME, JSON.stringify({ kind, message }), { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure(event), maxAge: 60 });
}

export function takeFlash(event: Event): Flash | null {
  const raw = event.cookies.get(NAME);
  if (!raw) return null;
  event.cookies.delete(NAME, { path: '/', secure: isSecure(event) });
  try {
    const v = JSON.parse(raw) as Partial<Flash>;
    return typeof v.message === 'string' ? { kind: v.kind === 'error' ? 'error' : 'success', message: v.message } : null;
  } catch {
    return null;
  }
}
