import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { apiFormFail, idParam } from '$lib/server/roster';
import { positiveInt, text } from '$lib/forms';
import { formFail } from '$lib/server/forms';
import { readTalkForm } from '$lib/server/talk-form';
import { addDays } from '$lib/discipline';
import { todayInChina } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const user = requireRole(event.locals, 'inspector', 'auditor');
  const id = idParam(event.params.id, '谈话记录');
  const res = await serverApi(event).api.talks[':id'].$get({ param: { id } });
  if (res.status === 404) error(404, { message: '谈话记录不存在' });
  const canWrite = user.role === 'inspector';
  const options = canWrite ? await ok(serverApi(event).api.discipline.options.$get()) : null;
  return { ...(await ok(res)), canWrite, talkKinds: options?.talkKinds ?? [], today: todayInChina() };
};

export const actions: Actions = {
  // 更正: the whole record is replaced with a required reason; the API recomputes the 函询 due date and
  // the 诫勉 influence end, and the page shows them after the redirect.
  correct: async (event) => {
    requireRole(event.locals, 'inspector');
    const id = idParam(event.params.id, '谈话记录');
    const data = await event.request.formData();
    const api = serverApi(event).api.talks[':id'];
    const current = await api.$get({ param: { id } });
    if (current.status === 404) error(404, { message: '谈话记录不存在' });
    const { talk } = await ok(current);
    const { values, errors, body } = readTalkForm(data, talk.participants.map((p) => p.id));
    values.reason = text(data, 'reason');
    if (!values.reason) errors.reason = '请填写更正原因';
    if (!body || errors.reason) return formFail(400, 'correct', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'correct', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await api.$put({ param: { id }, json: { ...body, reason: values.reason, version } });
    if (!res.ok) return apiFormFail('correct', await toApiError(res), values);
    const { talk: saved } = await ok(await api.$get({ param: { id } }));
    const derived = [
      saved.influence_end ? `诫勉影响期 ${saved.talk_date} 至 ${addDays(saved.influence_end, -1)}` : '',
      saved.reply_due_date ? `回复期限 ${saved.reply_due_date}` : '',
    ].filter(Boolean);
    setFlash(event, `已更正谈话记录（原因已记入审计日志）${derived.length ? `；重新计算：${derived.join('，')}` : ''}`);
    redirect(303, `/discipline/talks/${id}`);
  },
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
