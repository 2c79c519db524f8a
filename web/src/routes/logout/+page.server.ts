import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { serverApi, SESSION_COOKIE } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { isSecure } from '$lib/server/origin';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    if (event.locals.user) await serverApi(event).api.auth.logout.$post();
    // The API clears the cookie; make sure it is gone even if the session had already expired.
    event.cookies.delete(SESSION_COOKIE, { path: '/', secure: isSecure(event) });
    setFlash(event, '您已安全退出');
    redirect(303, '/login');
  },
};
