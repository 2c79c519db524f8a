import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { formFail } from '$lib/server/forms';
import { apiFormFail } from '$lib/server/roster';
import { personPick } from '$lib/server/discipline';
import { readSanctionForm } from '$lib/server/sanction-form';
import { positiveInt } from '$lib/forms';
import { todayInChina } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector');
  return { ...(await personPick(event)), today: todayInChina() };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, 'inspector');
    const data = await event.request.formData();
    const { values, errors, body } = readSanctionForm(data);
    const personId = positiveInt(data, 'personId');
    if (!personId) errors.personId = '请先在上方查找并选择受处分人';
    if (!body || !personId) return formFail(400, 'sanction', { errors, values });
    const res = await serverApi(event).api.sanctions.$post({ json: { personId, ...body } });
    if (!res.ok) return apiFormFail('sanction', await toApiError(res), values, {}, { type: 'sanction', system: 'sanction' });
    const { id } = await res.json();
    setFlash(event, '已登记处分');
    redirect(303, `/discipline/sanctions/${id}`);
  },
};
