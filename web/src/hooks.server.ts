import { error, redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { getApp, remoteApiUrl } from '$lib/server/app';
import { serverApi, SESSION_COOKIE } from '$lib/server/api';
import { csrfProblem } from '$lib/server/origin';

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

export const handle: Handle = async ({ event, resolve }) => {
  const path = event.url.pathname;
  event.locals.user = null;
  // The API does its own session, CSRF and role checks.
  if (path === '/api' || path.startsWith('/api/')) return resolve(event);

  const csrf = csrfProblem(event);
  if (csrf) error(403, { message: `跨站请求被拒绝（${csrf}）` });

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

// Unexpected errors: logged with a reference the user can quote; never the internals.
export const handleError: HandleServerError = ({ error: err, status }) => {
  if (status === 404) return { message: '您访问的页面不存在或已被移除。' };
  const ref = Math.random().toString(36).slice(2, 8).toUpperCase();
  console.error(`[web] 未处理的错误（编号 ${ref}）：`, err);
  return { message: `系统出错了，请稍后重试。如问题持续，请将错误编号 ${ref} 告知系统管理员。` };
};
