import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { personApiFail, readPersonForm } from '$lib/server/roster';
import { inTreeOrder, ROSTER_EDITORS } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...ROSTER_EDITORS);
  const { items } = await ok(serverApi(event).api.orgs.$get({ query: {} }));
  const org = event.url.searchParams.get('org') ?? '';
  return { orgs: inTreeOrder(items.filter((o) => o.kind !== 'grid')), orgUnitId: /^\d+$/.test(org) ? org : '' };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, ...ROSTER_EDITORS);
    const { values, errors, body } = readPersonForm(await event.request.formData());
    if (!body) return formFail(400, 'person', { errors, values });
    const res = await serverApi(event).api.people.$post({ json: body });
    if (!res.ok) return personApiFail(await toApiError(res), values);
    const { person } = await res.json();
    setFlash(event, `已新增人员“${person.name}”`);
    redirect(303, `/people/${person.id}`);
  },
};
