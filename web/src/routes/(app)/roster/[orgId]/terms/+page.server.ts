import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { apiFormFail, idParam } from '$lib/server/roster';
import { ISO_DATE, TERM_EDITORS, termName } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...TERM_EDITORS);
  const id = idParam(event.params.orgId, '村（社区）');
  const res = await serverApi(event).api.orgs[':id'].terms.$get({ param: { id } });
  if (res.status === 404 || res.status === 400) error(404, { message: '村（社区）不存在' });
  return await ok(res);
};

/** The term form: values to show again, first-pass errors, and the dates. */
function readTerm(data: FormData) {
  const values = { ordinal: text(data, 'ordinal'), electionDate: text(data, 'electionDate'), startDate: text(data, 'startDate'), endDate: text(data, 'endDate') };
  const errors: Record<string, string> = {};
  const ordinal = positiveInt(data, 'ordinal');
  if (!ordinal || ordinal > 999) errors.ordinal = '届次应为 1–999 的整数';
  if (!ISO_DATE.test(values.electionDate)) errors.electionDate = '请选择换届日期';
  if (!ISO_DATE.test(values.startDate)) errors.startDate = '请选择届期开始日期';
  if (values.endDate && !ISO_DATE.test(values.endDate)) errors.endDate = '日期格式应为 YYYY-MM-DD';
  return { values, errors, ordinal: ordinal ?? 0 };
}

const FIELD_CODES = { posts_after_new_term: 'startDate', posts_outside_term: 'startDate' };

export const actions: Actions = {
  create: async (event) => {
    requireRole(event.locals, ...TERM_EDITORS);
    const orgId = idParam(event.params.orgId, '村（社区）');
    const data = await event.request.formData();
    const { values, errors, ordinal } = readTerm(data);
    // Starting a term ends the open one before it (and its posts): the form asks to confirm that.
    if (text(data, 'closesPrevious') && !data.get('confirmClose')) errors.confirmClose = '请确认上一届将随之结束';
    if (Object.keys(errors).length) return formFail(400, 'create', { errors, values });
    const res = await serverApi(event).api.terms.$post({
      json: { orgUnitId: Number(orgId), ordinal, electionDate: values.electionDate, startDate: values.startDate, endDate: values.endDate || null },
    });
    if (!res.ok) return apiFormFail('create', await toApiError(res), values, FIELD_CODES);
    const { term, closedPrevious } = await res.json();
    const closed = closedPrevious ? `；${termName(closedPrevious.ordinal)}已于 ${closedPrevious.endDate} 结束，${closedPrevious.postsEnded} 项在任职务同时以“届满”结束` : '';
    setFlash(event, `已新建${termName(term.ordinal)}${closed}`);
    redirect(303, `/roster/${orgId}/terms`);
  },
  update: async (event) => {
    requireRole(event.locals, ...TERM_EDITORS);
    const orgId = idParam(event.params.orgId, '村（社区）');
    const data = await event.request.formData();
    const termId = positiveInt(data, 'termId');
    const { values, errors, ordinal } = readTerm(data);
    const state = { ...values, termId: text(data, 'termId') };
    if (!termId) return formFail(400, 'update', { values: state, message: '缺少届次编号' });
    if (text(data, 'wasOpen') && values.endDate && !data.get('confirmClose')) errors.confirmClose = '请确认本届在任职务将随之结束';
    if (Object.keys(errors).length) return formFail(400, 'update', { errors, values: state });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'update', { values: state, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.terms[':id'].$patch({
      param: { id: String(termId) },
      json: { ordinal, electionDate: values.electionDate, startDate: values.startDate, endDate: values.endDate || null, version },
    });
    if (!res.ok) return apiFormFail('update', await toApiError(res), state, FIELD_CODES);
    const { term, postsEnded } = await res.json();
    setFlash(event, `已保存${termName(term.ordinal)}${postsEnded ? `；${postsEnded} 项在任职务以“届满”结束` : ''}`);
    redirect(303, `/roster/${orgId}/terms`);
  },
};
