import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { formFail } from '$lib/server/forms';
import { apiFormFail, idParam } from '$lib/server/roster';
import { readSanctionForm } from '$lib/server/sanction-form';
import { positiveInt, text } from '$lib/forms';
import { todayInChina } from '$lib/roster';
import { addDays } from '$lib/discipline';

export const load: PageServerLoad = async (event) => {
  const user = requireRole(event.locals, 'inspector', 'auditor');
  const id = idParam(event.params.id, '处分记录');
  const res = await serverApi(event).api.sanctions[':id'].$get({ param: { id } });
  if (res.status === 404) error(404, { message: '处分记录不存在' });
  return { ...(await ok(res)), canWrite: user.role === 'inspector', today: todayInChina() };
};

export const actions: Actions = {
  revoke: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '处分记录');
    const values = { reason: text(await event.request.formData(), 'reason') };
    const res = await serverApi(event).api.sanctions[':id'].revoke.$post({ param: { id }, json: values });
    if (!res.ok) return apiFormFail('revoke', await toApiError(res), values);
    setFlash(event, '已撤销该处分（不再计入任何统计）');
    redirect(303, `/discipline/sanctions/${id}`);
  },
  // 更正 of a sanction in force: the API recomputes the influence end; the flash shows the new period.
  correct: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '处分记录');
    const data = await event.request.formData();
    const { values, errors, body } = readSanctionForm(data);
    values.reason = text(data, 'reason');
    if (!values.reason) errors.reason = '请填写更正原因';
    if (!body || errors.reason) return formFail(400, 'correct', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'correct', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const api = serverApi(event).api.sanctions[':id'];
    const res = await api.$put({ param: { id }, json: { ...body, reason: values.reason, version } });
    if (!res.ok) return apiFormFail('correct', await toApiError(res), values, {}, { type: 'sanction', system: 'sanction' });
    const { sanction: saved } = await ok(await api.$get({ param: { id } }));
    const period = saved.influence_end ? `${saved.effective_date} 至 ${addDays(saved.influence_end, -1)}` : `${saved.effective_date} 起，永久`;
    setFlash(event, `已更正处分记录（原因已记入审计日志）；影响期重新计算为 ${period}`);
    redirect(303, `/discipline/sanctions/${id}`);
  },
  appeal: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '处分记录');
    const data = await event.request.formData();
    const { values, errors, body } = readSanctionForm(data);
    values.reason = text(data, 'reason');
    if (!values.reason) errors.reason = '请填写申诉变更的原因';
    if (!body || errors.reason) return formFail(400, 'appeal', { errors, values });
    const res = await serverApi(event).api.sanctions[':id'].appeal.$post({ param: { id }, json: { reason: values.reason, replacement: body } });
    if (!res.ok) return apiFormFail('appeal', await toApiError(res), values, {}, { type: 'sanction', system: 'sanction' });
    const created = await res.json();
    setFlash(event, '已按申诉结果变更处分，原处分已链接到新处分');
    redirect(303, `/discipline/sanctions/${created.id}`);
  },
};
