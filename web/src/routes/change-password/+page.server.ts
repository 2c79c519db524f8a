import { redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { changePassword } from '$lib/server/password';
import { setFlash } from '$lib/server/flash';

export const actions: Actions = {
  default: async (event) => {
    const { failure } = await changePassword(event);
    if (failure) return failure;
    setFlash(event, '密码已修改，欢迎使用清风系统');
    redirect(303, '/');
  },
};
