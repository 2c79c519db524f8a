import { error, redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { getApp, remoteApiUrl } from '$lib/server/app';
import { serverApi, SESSION_COOKIE } from '$lib/server/api';
import { csrfProblem } from '$lib/server/origin';
import { applySecurityHeaders } from '$lib/server/security-headers';
import { logFault } from '@qingfeng/api/fault-log';

const MAX_FORM_BYTES = 1024 * 1024;

/** Pages anyone may open. */
const PUBLIC_PATHS = new Set(['/login']);
/**
 * Pledge pages opened from a QR code, signed in or not: a signer's one-time link and the verify page.
 * Their API routes are public, rate-limited and show nothing personal before the ID-suffix gate.
 */
const isPublicPledgePage = (path: string) => /^\/sign\/[a-z0-9]{16,64}$/.test(path) || path === '/verify' || /^\/verify\/[^/]{1,40}$/.test(path);
const PASSWORD_CHANGE_PATH = '/change-password';

// Open the database at start-up (migrations, first admin) rather than on the first request —
// unless the pages talk to a separately running API (QINGFENG_API_URL).
export const init: ServerInit = async () => {
  if (!building && !remoteApiUrl()) await getApp();
};

const handlePage: Handle = async ({ event, resolve }) => {
  const path = event.url.pathname;
  event.locals.user = null;
  // The API does its own session, CSRF and role checks.
  if (path === '/api' || path.startsWith('/api/')) return resolve(event);

  const csrf = csrfProblem(event);
  if (csrf) error(403, { message: `跨站请求被拒绝（${csrf}）` });
  // Page forms without files are small; file uploads are bounded by BODY_SIZE_LIMIT and by the API.
  const multipart = event.request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data') ?? false;
  if (!multipart && Number(event.request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) error(413, { message: '提交的内容过大：上限为 1 MB' });

  if (event.cookies.get(SESSION_COOKIE)) {
    const res = await serverApi(event).api.auth.me.$get();
    if (res.ok) event.locals.user = (await res.json()).user;
  }
  const user = event.locals.user;

  if (!user) {
    if (!PUBLIC_PATHS.has(path) && !isPublicPledgePage(path)) {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path + event.url.search)}`;
      redirect(303, `/login${next}`);
    }
  } else if (user.mustChangePassword) {
    if (path !== PASSWORD_CHANGE_PATH && path !== '/logout' && !isPublicPledgePage(path)) redirect(303, PASSWORD_CHANGE_PATH);
  } else if (PUBLIC_PATHS.has(path) || path === PASSWORD_CHANGE_PATH) {
    redirect(303, '/');
  }
  return resolve(event);
};

/**
 * Every page response gets the security headers; /api sets its own. (Redirects thrown here are answered
 * by SvelteKit itself — data requests need its JSON form — and carry no content to protect.)
 */
export const handle: Handle = async ({ event, resolve }) => {
  const response = await handlePage({ event, resolve });
  const path = event.url.pathname;
  if (path !== '/api' && !path.startsWith('/api/')) applySecurityHeaders(event, response.headers);
  return response;
};

// Unexpected errors: logged with a reference the user can quote; never the internals.
export const handleError: HandleServerError = ({ error: err, status }) => {
  if (status === 404) return { message: '您访问的页面不存在或已被移除。' };
  // Class and code locations only (faultSummary): messages and fields can carry personal data.
  const ref = logFault('web', err);
  return { message: `系统出错了，请稍后重试。如问题持续，请将错误编号 ${ref} 告知系统管理员。` };
};
