import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { positiveInt } from '$lib/forms';
import { idParam, personApiFail, readPersonForm } from '$lib/server/roster';
import { inTreeOrder, ROSTER_EDITORS } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...ROSTER_EDITORS);
  const id = idParam(event.params.id, '人员');
  const api = serverApi(event).api;
  const res = await api.people[':id'].$get({ param: { id }, query: {} });
  if (res.status === 404) error(404, { message: '人员不存在' });
  const [{ person }, { items }] = await Promise.all([ok(res), ok(api.orgs.$get({ query: {} }))]);
  const values: Record<string, string> = {
    orgUnitId: String(person.org_unit_id),
    name: person.name,
    gender: person.gender,
    idNumber: person.id_number,
    birthDate: person.birth_date,
    ethnicity: person.ethnicity,
    politicalStatus: person.political_status,
    partyJoinDate: person.party_join_date ?? '',
    educationFullTime: person.education_full_time ?? '',
    educationHighest: person.education_highest,
    phone: person.phone ?? '',
    isVeteran: person.is_veteran ? 'on' : '',
    category: person.category,
  };
  return { person, values, orgs: inTreeOrder(items.filter((o) => o.kind !== 'grid')) };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, ...ROSTER_EDITORS);
    const id = idParam(event.params.id, '人员');
    const data = await event.request.formData();
    const { values, errors, body } = readPersonForm(data);
    if (!body) return formFail(400, 'person', { errors, values });
    // The version the form was opened with: a save over someone else's newer one answers 409.
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'person', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.people[':id'].$patch({ param: { id }, json: { ...body, version } });
    if (!res.ok) return personApiFail(await toApiError(res), values);
    setFlash(event, '已保存');
    redirect(303, `/people/${id}`);
  },
};
