import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { apiFormFail, idParam } from '$lib/server/roster';
import { uploadAttachment } from '$lib/server/decisions';
import { ISO_DATE } from '$lib/roster';
import { DECISION_WRITERS } from '@qingfeng/api/rules/decisions';
import { CATEGORY_LABELS, OPINION_LABELS, OUTCOME_LABELS, parseYuan, STEP_LABELS, VOTING_METHOD_LABELS } from '$lib/decisions';
import type { DecisionCategory, DecisionStep, Opinion, Outcome, VotingMethod } from '@qingfeng/db/schema';

export const load: PageServerLoad = async (event) => {
  const id = idParam(event.params.id, '议题');
  const res = await serverApi(event).api.decisions.items[':id'].$get({ param: { id } });
  if (res.status === 404) error(404, { message: '议题不存在' });
  return { ...(await ok(res)), confirm: event.url.searchParams.get('confirm') };
};

const back = (id: string, message: string, hash = '') => (event: RequestEvent) => {
  setFlash(event, message);
  redirect(303, `/decisions/items/${id}${hash}`);
};
const count = (s: string): number | null | undefined => (s === '' ? null : /^\d{1,6}$/.test(s) ? Number(s) : undefined);

export const actions: Actions = {
  save: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    const closed = text(data, 'closed') === '1';
    const keys = closed
      ? ['implementationResult', 'implementationDate']
      : ['category', 'title', 'summary', 'amount', 'proposer', 'motionReason', 'votingMethod', 'votesFor', 'votesAgainst', 'votesAbstain', 'outcome', 'implementationResult', 'implementationDate'];
    const values = Object.fromEntries(keys.map((k) => [k, text(data, k)]));
    const errors: Record<string, string> = {};
    if (values.implementationDate && !ISO_DATE.test(values.implementationDate)) errors.implementationDate = '日期格式应为 YYYY-MM-DD';
    const json: Record<string, unknown> = { implementationResult: values.implementationResult, implementationDate: values.implementationDate || null };
    if (!closed) {
      if (!Object.hasOwn(CATEGORY_LABELS, values.category!)) errors.category = '请选择议题类别';
      if (!values.title) errors.title = '请填写议题名称';
      const amountFen = parseYuan(values.amount!);
      if (amountFen === undefined) errors.amount = '金额应为数字（元），最多两位小数';
      const votes = { votesFor: count(values.votesFor!), votesAgainst: count(values.votesAgainst!), votesAbstain: count(values.votesAbstain!) };
      for (const [k, v] of Object.entries(votes)) if (v === undefined) errors[k] = '应为整数';
      if (values.votingMethod && !Object.hasOwn(VOTING_METHOD_LABELS, values.votingMethod)) errors.votingMethod = '请选择表决方式';
      if (values.outcome && !Object.hasOwn(OUTCOME_LABELS, values.outcome)) errors.outcome = '请选择表决结果';
      Object.assign(json, {
        category: values.category as DecisionCategory,
        title: values.title,
        summary: values.summary,
        amountFen: amountFen ?? null,
        proposer: values.proposer,
        motionReason: values.motionReason,
        votingMethod: (values.votingMethod || null) as VotingMethod | null,
        ...votes,
        outcome: (values.outcome || null) as Outcome | null,
      });
    }
    if (Object.keys(errors).length) return formFail(400, 'save', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'save', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.decisions.items[':id'].$patch({ param: { id }, json: { ...json, version } });
    if (!res.ok) return apiFormFail('save', await toApiError(res), values);
    back(id, '已保存议题')(event);
  },
  opinions: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    // The rows in the order they stand on the page: that order is the speaking order.
    const members = data.getAll('memberId').map(String);
    const opinions = data.getAll('opinion').map(String);
    const remarks = data.getAll('remark').map(String);
    const list: { memberId: number; opinion: Opinion; remark: string }[] = [];
    for (const [i, m] of members.entries()) {
      const op = opinions[i] ?? '';
      if (!op) continue; // 未表态
      if (!Object.hasOwn(OPINION_LABELS, op) || !/^\d+$/.test(m)) return formFail(400, 'opinions', { message: '表态内容无效' });
      list.push({ memberId: Number(m), opinion: op as Opinion, remark: (remarks[i] ?? '').trim().slice(0, 500) });
    }
    const res = await serverApi(event).api.decisions.items[':id'].opinions.$put({ param: { id }, json: { opinions: list } });
    if (!res.ok) return formFail(res.status, 'opinions', { message: (await toApiError(res)).message });
    back(id, `已保存${list.length}人的表态（按发言顺序）`, '#opinions')(event);
  },
  recusals: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    const list = data
      .getAll('recused')
      .map(String)
      .filter((m) => /^\d+$/.test(m))
      .map((m) => ({ memberId: Number(m), reason: text(data, `reason_${m}`) }));
    const missing = list.filter((r) => !r.reason);
    if (missing.length) return formFail(400, 'recusals', { message: '请为每位回避人员填写回避理由' });
    const res = await serverApi(event).api.decisions.items[':id'].recusals.$put({ param: { id }, json: { recusals: list } });
    if (!res.ok) return formFail(res.status, 'recusals', { message: (await toApiError(res)).message });
    back(id, '已保存回避情况', '#recusals')(event);
  },
  close: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const res = await serverApi(event).api.decisions.items[':id'].close.$post({ param: { id } });
    if (!res.ok) {
      setFlash(event, (await toApiError(res)).message, 'error');
      redirect(303, `/decisions/items/${id}`);
    }
    back(id, '议题已关闭：出席、表态和表决结果已冻结')(event);
  },
  amend: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    const values = { subject: text(data, 'subject'), correction: text(data, 'correction'), reason: text(data, 'reason') };
    const errors: Record<string, string> = {};
    if (!values.subject) errors.subject = '请填写更正事项';
    if (!values.correction) errors.correction = '请填写更正内容';
    if (!values.reason) errors.reason = '请填写更正理由';
    if (Object.keys(errors).length) return formFail(400, 'amend', { errors, values });
    const res = await serverApi(event).api.decisions.items[':id'].amendments.$post({ param: { id }, json: values });
    if (!res.ok) return apiFormFail('amend', await toApiError(res), values);
    back(id, '已添加更正记录', '#amendments')(event);
  },
  disclose: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    const values = { disclosedOn: text(data, 'disclosedOn'), form: text(data, 'form'), location: text(data, 'location') };
    const errors: Record<string, string> = {};
    if (!ISO_DATE.test(values.disclosedOn)) errors.disclosedOn = '请选择公开日期';
    if (!values.form) errors.form = '请填写公开形式';
    if (Object.keys(errors).length) return formFail(400, 'disclose', { errors, values });
    const res = await serverApi(event).api.decisions.items[':id'].disclosures.$post({ param: { id }, json: values });
    if (!res.ok) return apiFormFail('disclose', await toApiError(res), values);
    back(id, '已登记公开情况', '#disclosures')(event);
  },
  undisclose: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const did = positiveInt(await event.request.formData(), 'disclosureId');
    if (!did) return formFail(400, 'disclose', { message: '缺少公开记录编号' });
    const res = await serverApi(event).api.decisions.items[':id'].disclosures[':disclosureId'].$delete({ param: { id, disclosureId: String(did) } });
    if (!res.ok) return formFail(res.status, 'disclose', { message: (await toApiError(res)).message });
    back(id, '已删除公开记录', '#disclosures')(event);
  },
  step: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const data = await event.request.formData();
    const step = text(data, 'step');
    if (!Object.hasOwn(STEP_LABELS, step)) return formFail(400, 'step', { message: '步骤无效' });
    const values = Object.fromEntries(['step', 'heldOn', 'expected', 'present', 'votesFor', 'content', 'signedBy', 'merged'].map((k) => [k, text(data, k)]));
    const errors: Record<string, string> = {};
    if (!ISO_DATE.test(values.heldOn!)) errors.heldOn = '请选择日期';
    const nums = { expected: count(values.expected!), present: count(values.present!), votesFor: count(values.votesFor!) };
    for (const [k, v] of Object.entries(nums)) if (v === undefined) errors[k] = '应为整数';
    if (Object.keys(errors).length) return formFail(400, 'step', { errors, values });
    const res = await serverApi(event).api.decisions.items[':id'].steps[':step'].$put({
      param: { id, step: step as DecisionStep },
      json: { heldOn: values.heldOn!, expected: nums.expected ?? null, present: nums.present ?? null, votesFor: nums.votesFor ?? null, content: values.content!, signedBy: values.signedBy!, merged: values.merged === '1' },
    });
    if (!res.ok) return apiFormFail('step', await toApiError(res), values);
    back(id, `已登记“${STEP_LABELS[step as DecisionStep]}”`, '#steps')(event);
  },
  unstep: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const step = text(await event.request.formData(), 'step');
    if (!Object.hasOwn(STEP_LABELS, step)) return formFail(400, 'step', { message: '步骤无效' });
    const res = await serverApi(event).api.decisions.items[':id'].steps[':step'].$delete({ param: { id, step: step as DecisionStep } });
    if (!res.ok) return formFail(res.status, 'step', { message: (await toApiError(res)).message });
    back(id, `已删除“${STEP_LABELS[step as DecisionStep]}”`, '#steps')(event);
  },
  upload: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const file = (await event.request.formData()).get('file');
    if (!(file instanceof File) || file.size === 0) return formFail(400, 'upload', { message: '请选择要上传的文件' });
    const e = await uploadAttachment(event, 'decision_item', id, file);
    if (e) return formFail(e.status, 'upload', { message: e.message });
    back(id, `已上传附件“${file.name}”`, '#attachments')(event);
  },
  unattach: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '议题');
    const aid = positiveInt(await event.request.formData(), 'attachmentId');
    if (!aid) return formFail(400, 'upload', { message: '缺少附件编号' });
    const res = await serverApi(event).api.attachments[':id'].$delete({ param: { id: String(aid) } });
    if (!res.ok) return formFail(res.status, 'upload', { message: (await toApiError(res)).message });
    back(id, '已删除附件', '#attachments')(event);
  },
};
