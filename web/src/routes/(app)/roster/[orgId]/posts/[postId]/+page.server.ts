import { error, redirect } from '@sveltejs/kit';
import { COMMITTEES, POST_HOW, type Committee, type PostHow } from '@qingfeng/db/schema';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { conflictMessage, formFail, withCurrentVersion } from '$lib/server/forms';
import { apiFieldErrors, idParam } from '$lib/server/roster';
import { committeeName, ISO_DATE, ROSTER_EDITORS, positionLabel } from '$lib/roster';

// Correcting a post (dates, position, how) or deleting one entered by mistake, each with a reason.

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...ROSTER_EDITORS);
  const orgId = idParam(event.params.orgId, '村（社区）');
  const postId = idParam(event.params.postId, '任职记录');
  const res = await serverApi(event).api.posts[':id'].$get({ param: { id: postId } });
  if (res.status === 404) error(404, { message: '任职记录不存在' });
  const data = await ok(res);
  if (String(data.org.id) !== orgId) error(404, { message: '任职记录不存在' });
  return data;
};

const isCommittee = (c: string): c is Committee => (COMMITTEES as readonly string[]).includes(c);
const isHow = (h: string): h is PostHow => (POST_HOW as readonly string[]).includes(h);

export const actions: Actions = {
  save: async (event) => {
    requireRole(event.locals, ...ROSTER_EDITORS);
    const orgId = idParam(event.params.orgId, '村（社区）');
    const postId = idParam(event.params.postId, '任职记录');
    const data = await event.request.formData();
    const values = { post: text(data, 'post'), startDate: text(data, 'startDate'), endDate: text(data, 'endDate'), endReason: text(data, 'endReason'), how: text(data, 'how'), reason: text(data, 'reason') };
    const errors: Record<string, string> = {};
    const [committee, position] = values.post.split('.') as [string, string | undefined];
    if (!isCommittee(committee) || !position) errors.post = '请选择班子和职务';
    if (!ISO_DATE.test(values.startDate)) errors.startDate = '请选择任职开始日期';
    if (values.endDate && !ISO_DATE.test(values.endDate)) errors.endDate = '请选择有效的结束日期';
    if (values.endDate && !values.endReason) errors.endReason = '请填写离任原因';
    if (!isHow(values.how)) errors.how = '请选择产生方式';
    if (!values.reason) errors.reason = '请填写更正原因';
    if (Object.keys(errors).length || !isCommittee(committee) || !isHow(values.how)) return formFail(400, 'save', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'save', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.posts[':id'].$patch({
      param: { id: postId },
      json: {
        committee,
        position: position as 'member',
        startDate: values.startDate,
        endDate: values.endDate || null,
        endReason: values.endDate ? values.endReason : null,
        how: values.how,
        reason: values.reason,
        version,
      },
    });
    if (!res.ok) {
      const e = await toApiError(res);
      const stale = conflictMessage(e, { committee: '班子', position: '职务' });
      if (stale) return formFail(e.status, 'save', { values: withCurrentVersion(e, values), message: stale });
      const fieldErrors = apiFieldErrors(e, { position: 'post', committee: 'post' });
      return formFail(e.status, 'save', { errors: fieldErrors, values, message: Object.keys(fieldErrors).length ? null : e.message });
    }
    const current = await ok(serverApi(event).api.posts[':id'].$get({ param: { id: postId } }));
    setFlash(event, `已更正 ${current.person.name} 的${committeeName(current.post.committee, current.org.kind)}${positionLabel(current.post.committee, current.post.position)}任职`);
    redirect(303, `/roster/${orgId}?term=${current.term.id}`);
  },
  delete: async (event) => {
    requireRole(event.locals, ...ROSTER_EDITORS);
    const orgId = idParam(event.params.orgId, '村（社区）');
    const postId = idParam(event.params.postId, '任职记录');
    const data = await event.request.formData();
    const values = { deleteReason: text(data, 'deleteReason') };
    if (!values.deleteReason) return formFail(400, 'delete', { errors: { deleteReason: '请填写删除原因' }, values });
    const before = await serverApi(event).api.posts[':id'].$get({ param: { id: postId } });
    if (!before.ok) error(404, { message: '任职记录不存在' });
    const post = await before.json();
    const res = await serverApi(event).api.posts[':id'].$delete({ param: { id: postId }, json: { reason: values.deleteReason } });
    if (!res.ok) {
      const e = await toApiError(res);
      return formFail(e.status, 'delete', { errors: apiFieldErrors(e, { reason: 'deleteReason' }), values, message: e.message });
    }
    setFlash(event, `已删除 ${post.person.name} 的${committeeName(post.post.committee, post.org.kind)}${positionLabel(post.post.committee, post.post.position)}任职记录（${post.post.start_date} 起）`);
    redirect(303, `/roster/${orgId}?term=${post.term.id}`);
  },
};
