import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { apiFail, formFail } from '$lib/server/forms';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'org_office', 'inspector');
  const api = serverApi(event);
  const { items } = await ok(api.api.pledges.templates.$get());
  // Published versions of every template, newest first.
  const versions = (
    await Promise.all(
      items.map(async (t) => {
        const d = await ok(api.api.pledges.templates[':id'].$get({ param: { id: String(t.id) } }));
        return d.versions.filter((v) => v.publishedAt).map((v) => ({ id: v.id, label: `${t.name} · 第 ${v.versionNo} 版` }));
      }),
    )
  ).flat();
  return { versions };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const data = await event.request.formData();
    const values = { title: text(data, 'title'), templateVersionId: text(data, 'templateVersionId'), startDate: text(data, 'startDate'), dueDate: text(data, 'dueDate'), who: text(data, 'who') };
    const versionId = positiveInt(data, 'templateVersionId');
    const errors: Record<string, string> = {};
    if (!values.title) errors.title = '请输入活动名称';
    if (!versionId) errors.templateVersionId = '请选择承诺书版本';
    if (!values.startDate) errors.startDate = '请选择开始日期';
    if (!values.dueDate) errors.dueDate = '请选择截止日期';
    else if (values.startDate && values.dueDate < values.startDate) errors.dueDate = '截止日期不能早于开始日期';
    if (Object.keys(errors).length || !versionId) return formFail(400, 'create', { errors, values });
    const api = serverApi(event);
    const res = await api.api.pledges.campaigns.$post({ json: { title: values.title, templateVersionId: versionId, startDate: values.startDate, dueDate: values.dueDate } });
    if (!res.ok) return apiFail('create', await toApiError(res), values, { bad_dates: 'dueDate', not_published: 'templateVersionId' });
    const { id } = await res.json();
    // The usual signers in one step: current 两委 members and the subdistrict's 机关干部.
    const filter =
      values.who === 'committee'
        ? { committeeMembers: 'all' as const }
        : values.who === 'committee_officials'
          ? { committeeMembers: 'all' as const, categories: ['civil_servant' as const] }
          : null;
    if (filter) {
      const added = await api.api.pledges.campaigns[':id'].signers.$post({ param: { id: String(id) }, json: { filter } });
      if (added.ok) setFlash(event, `已发起签署活动，添加签署人 ${(await added.json()).added} 名`);
    } else setFlash(event, '已发起签署活动，请添加签署人');
    redirect(303, `/pledges/${id}`);
  },
};
