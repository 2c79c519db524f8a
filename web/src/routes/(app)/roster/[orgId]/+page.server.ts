import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { conflictMessage, formFail, withCurrentVersion } from '$lib/server/forms';
import { apiFieldErrors, idParam } from '$lib/server/roster';
import { committeeName, inTreeOrder, ISO_DATE, positionLabel } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const id = idParam(event.params.orgId, '村（社区）');
  const sp = event.url.searchParams;
  const asOf = ISO_DATE.test(sp.get('asOf') ?? '') ? sp.get('asOf')! : undefined;
  const api = serverApi(event).api;

  const termsRes = await api.orgs[':id'].terms.$get({ param: { id } });
  if (termsRes.status === 404) error(404, { message: '村（社区）不存在' });
  if (termsRes.status === 400) error(404, { message: '只有村、社区有两委班子，请在列表中选择一个村或社区' });
  const { org, terms, next } = await ok(termsRes);

  // A chosen term shows that term (the date clipped into it); otherwise the term in force on the date.
  const termId = terms.find((t) => String(t.id) === sp.get('term'))?.id;
  const query = asOf ? { asOf } : {};
  const roster = termId
    ? await ok(api.terms[':id'].roster.$get({ param: { id: String(termId) }, query }))
    : await ok(api.orgs[':id'].roster.$get({ param: { id }, query }));

  // The tree beside the roster (a secretary's scope is this one village: no tree).
  const [orgs, history] = await Promise.all([
    event.locals.user!.role === 'secretary' ? [] : ok(api.orgs.$get({ query: {} })).then((r) => inTreeOrder(r.items)),
    ok(api.orgs[':id']['post-history'].$get({ param: { id } })),
  ]);
  return { org, terms, next, roster, chosenTermId: termId ?? null, requestedAsOf: asOf ?? null, orgs, history: history.items };
};

const END_REASONS_MAX = 100;

export const actions: Actions = {
  endPost: async (event) => {
    const orgId = idParam(event.params.orgId, '村（社区）');
    const data = await event.request.formData();
    const postId = positiveInt(data, 'postId');
    const values = { endDate: text(data, 'endDate'), endReason: text(data, 'endReason'), postId: text(data, 'postId') };
    const errors: Record<string, string> = {};
    if (!ISO_DATE.test(values.endDate)) errors.endDate = '请选择结束日期';
    if (!values.endReason) errors.endReason = '请填写离任原因';
    else if (values.endReason.length > END_REASONS_MAX) errors.endReason = `离任原因最多 ${END_REASONS_MAX} 个字符`;
    if (!postId) return formFail(400, 'end', { values, message: '缺少任职编号' });
    if (Object.keys(errors).length) return formFail(400, 'end', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'end', { values, message: '缺少记录版本，请刷新页面后再操作' });
    const res = await serverApi(event).api.posts[':id'].end.$post({ param: { id: String(postId) }, json: { endDate: values.endDate, endReason: values.endReason, version } });
    if (!res.ok) {
      const e = await toApiError(res);
      const stale = conflictMessage(e);
      if (stale) return formFail(e.status, 'end', { values: withCurrentVersion(e, values), message: stale });
      // Ending on the start day (end_on_start_day): the message says "如系误录…", and the dialog offers deleting it.
      const fieldErrors = apiFieldErrors(e, { startDate: 'endDate' });
      return formFail(e.status, 'end', { errors: fieldErrors, values, message: Object.keys(fieldErrors).length ? null : e.message });
    }
    const { post } = await res.json();
    const ended = await ok(serverApi(event).api.posts[':id'].$get({ param: { id: String(post.id) } }));
    setFlash(event, `已结束 ${ended.person.name} 的${committeeName(post.committee, ended.org.kind)}${positionLabel(post.committee, post.position)}任职（${post.end_date}，${post.end_reason ?? ''}）`);
    // Back to the same view, without the confirmation step.
    const back = new URLSearchParams();
    for (const k of ['term', 'asOf']) {
      const v = text(data, `return_${k}`);
      if (v) back.set(k, v);
    }
    redirect(303, `/roster/${orgId}${back.size ? `?${back}` : ''}`);
  },
};
