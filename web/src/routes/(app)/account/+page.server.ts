import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { text } from '$lib/forms';
import { serverApi, SESSION_COOKIE } from '$lib/server/api';
import { changePassword } from '$lib/server/password';
import { setFlash } from '$lib/server/flash';

export const load: PageServerLoad = async (event) => {
  const { items } = await ok(serverApi(event).api.auth.sessions.$get());
  return { sessions: items };
};

export const actions: Actions = {
  password: async (event) => {
    const { failure } = await changePassword(event);
    if (failure) return failure;
    setFlash(event, '密码已修改。您在其他设备上的登录已全部注销。');
    redirect(303, '/account');
  },
  revoke: async (event) => {
    const id = text(await event.request.formData(), 'id');
    if (!id) return fail(400, { revoke: { message: '缺少会话编号' } });
    const res = await serverApi(event).api.auth.sessions[':id'].$delete({ param: { id } });
    if (!res.ok) return fail(res.status, { revoke: { message: (await toApiError(res)).message } });
    // Revoking the session in use: the API has cleared the cookie.
    if (!event.cookies.get(SESSION_COOKIE)) {
      setFlash(event, '已注销当前会话，请重新登录');
      redirect(303, '/login');
    }
    setFlash(event, '已注销该会话');
    redirect(303, '/account');
  },
};
