import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { apiFormFail, idParam } from '$lib/server/roster';
import { text } from '$lib/forms';

export const load: PageServerLoad = async (event) => {
  const user = requireRole(event.locals, 'inspector', 'auditor');
  const id = idParam(event.params.id, '谈话记录');
  const res = await serverApi(event).api.talks[':id'].$get({ param: { id } });
  if (res.status === 404) error(404, { message: '谈话记录不存在' });
  return { ...(await ok(res)), canWrite: user.role === 'inspector' };
};

export const actions: Actions = {
  reply: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '谈话记录');
    const data = await event.request.formData();
    const values = { replyDate: text(data, 'replyDate'), reply: text(data, 'reply') };
    const res = await serverApi(event).api.talks[':id'].reply.$post({ param: { id }, json: values });
    if (!res.ok) return apiFormFail('reply', await toApiError(res), values);
    setFlash(event, '已登记函询回复');
    redirect(303, `/discipline/talks/${id}`);
  },
  delete: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '谈话记录');
    const values = { reason: text(await event.request.formData(), 'reason') };
    const res = await serverApi(event).api.talks[':id'].$delete({ param: { id }, json: values });
    if (!res.ok) return apiFormFail('remove', await toApiError(res), values);
    setFlash(event, '已删除谈话记录（原因已记入审计日志）');
    redirect(303, '/discipline/talks');
  },
};
