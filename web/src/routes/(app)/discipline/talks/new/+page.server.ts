import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { formFail } from '$lib/server/forms';
import { apiFormFail } from '$lib/server/roster';
import { personPick } from '$lib/server/discipline';
import { readTalkForm } from '$lib/server/talk-form';
import { todayInChina } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector');
  const [options, pick] = await Promise.all([ok(serverApi(event).api.discipline.options.$get()), personPick(event)]);
  return { options, ...pick, today: todayInChina(), kind: event.url.searchParams.get('kind') ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, 'inspector');
    const data = await event.request.formData();
    const { values, errors, body } = readTalkForm(data);
    if (!body) return formFail(400, 'talk', { errors, values });
    const res = await serverApi(event).api.talks.$post({ json: body });
    if (!res.ok) return apiFormFail('talk', await toApiError(res), values);
    const { id } = await res.json();
    setFlash(event, '已登记谈话');
    redirect(303, `/discipline/talks/${id}`);
  },
};
