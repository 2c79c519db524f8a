import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { text } from '$lib/forms';
import { toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { safeRedirectPath } from '$lib/redirect';

type LoginErrors = { username?: string; password?: string };


export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const username = text(data, 'username');
    const password = String(data.get('password') ?? '');
    const errors: LoginErrors = {};
    if (!username) errors.username = '请输入用户名';
    if (!password) errors.password = '请输入密码';
    if (errors.username || errors.password) return fail(400, { username, errors, message: null });

    const res = await serverApi(event).api.auth.login.$post({ json: { username, password } });
    if (!res.ok) {
      const e = await toApiError(res);
      return fail(e.status, { username, errors: {} as LoginErrors, message: e.message });
    }
    const body = await res.json();
    redirect(303, body.mustChangePassword ? '/change-password' : safeRedirectPath(event.url.searchParams.get('next'), event.url.origin));
  },
};
