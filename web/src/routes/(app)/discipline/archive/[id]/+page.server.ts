import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { apiFormFail, idParam } from '$lib/server/roster';
import { formFail } from '$lib/server/forms';
import { text } from '$lib/forms';

export const load: PageServerLoad = async (event) => {
  const user = requireRole(event.locals, 'inspector', 'auditor');
  const id = idParam(event.params.id, '人员');
  const res = await serverApi(event).api.people[':id'].archive.$get({ param: { id } });
  if (res.status === 404) error(404, { message: '人员不存在' });
  return { archive: await ok(res), canWrite: user.role === 'inspector' };
};

export const actions: Actions = {
  investigation: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '人员');
    const data = await event.request.formData();
    const values = { set: text(data, 'set'), date: text(data, 'date'), caseNumber: text(data, 'caseNumber'), reason: text(data, 'reason') };
    const json =
      values.set === '1'
        ? { underInvestigation: true as const, date: values.date, caseNumber: values.caseNumber }
        : { underInvestigation: false as const, reason: values.reason };
    if (values.set === '1' && !values.date) return formFail(400, 'investigation', { errors: { date: '请填写立案日期' }, values });
    const res = await serverApi(event).api.people[':id'].investigation.$put({ param: { id }, json });
    if (!res.ok) return apiFormFail('investigation', await toApiError(res), values);
    setFlash(event, values.set === '1' ? '已标记为正在接受立案审查' : '已解除立案审查标记');
    redirect(303, `/discipline/archive/${id}`);
  },
};
