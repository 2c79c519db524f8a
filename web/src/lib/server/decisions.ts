// Server helpers of the 三重一大 pages.
import type { RequestEvent } from '@sveltejs/kit';
import { toApiError, type ApiError } from '$lib/api';
import { forwardToApi, SESSION_COOKIE } from './api';

/**
 * Uploads a file as the user: the attachments route takes multipart (no typed client body), so the
 * form is forwarded as it is to /api/attachments.
 */
export async function uploadAttachment(event: RequestEvent, ownerKind: string, ownerId: string, file: File): Promise<ApiError | null> {
  const body = new FormData();
  body.set('ownerKind', ownerKind);
  body.set('ownerId', ownerId);
  body.set('file', file);
  const headers = new Headers();
  const token = event.cookies.get(SESSION_COOKIE);
  if (token) headers.set('cookie', `${SESSION_COOKIE}=${token}`);
  const ua = event.request.headers.get('user-agent');
  if (ua) headers.set('user-agent', ua);
  const res = await forwardToApi(event, new Request(new URL('/api/attachments', event.url), { method: 'POST', headers, body }));
  return res.ok ? null : toApiError(res);
}
