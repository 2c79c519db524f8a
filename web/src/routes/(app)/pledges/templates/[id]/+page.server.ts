import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { apiFail, formFail } from '$lib/server/forms';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { splitParagraphs } from '@qingfeng/api/rules/pledges';

const idOf = (raw: string) => {
  if (!/^\d{1,9}$/.test(raw)) error(404, { message: '承诺书模板不存在' });
  return raw;
};

export const load: PageServerLoad = async (event) => {
  const id = idOf(event.params.id);
  const body = await ok(serverApi(event).api.pledges.templates[':id'].$get({ param: { id } }));
  return { ...body, canEdit: ['org_office', 'inspector'].includes(event.locals.user!.role), confirm: event.url.searchParams.get('publish') };
};

function versionValues(data: FormData) {
  const values = { title: text(data, 'title'), body: text(data, 'body'), note: text(data, 'note') };
  const paragraphs = splitParagraphs(values.body);
  const errors: Record<string, string> = {};
  if (!values.title) errors.title = '请输入标题';
  if (!paragraphs.length) errors.body = '请输入正文（每行一段）';
  return { values, paragraphs, errors };
}

export const actions: Actions = {
  newVersion: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const { values, paragraphs, errors } = versionValues(await event.request.formData());
    if (Object.keys(errors).length) return formFail(400, 'version', { errors, values });
    const res = await serverApi(event).api.pledges.templates[':id'].versions.$post({ param: { id }, json: { title: values.title, paragraphs, note: values.note } });
    if (!res.ok) return apiFail('version', await toApiError(res), values);
    setFlash(event, '已保存新版本草稿');
    redirect(303, `/pledges/templates/${id}`);
  },
  saveDraft: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const data = await event.request.formData();
    const versionId = positiveInt(data, 'versionId');
    const { values, paragraphs, errors } = versionValues(data);
    if (!versionId) error(400, { message: '缺少版本' });
    if (Object.keys(errors).length) return formFail(400, 'draft', { errors, values });
    const res = await serverApi(event).api.pledges.templates[':id'].versions[':versionId'].$put({
      param: { id, versionId: String(versionId) },
      json: { title: values.title, paragraphs, note: values.note, version: positiveInt(data, 'version') ?? 0 },
    });
    if (!res.ok) return apiFail('draft', await toApiError(res), values);
    setFlash(event, '草稿已保存');
    redirect(303, `/pledges/templates/${id}`);
  },
  publish: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const versionId = positiveInt(await event.request.formData(), 'versionId');
    if (!versionId) error(400, { message: '缺少版本' });
    const res = await serverApi(event).api.pledges.templates[':id'].versions[':versionId'].publish.$post({ param: { id, versionId: String(versionId) } });
    if (!res.ok) return apiFail('publish', await toApiError(res), {});
    setFlash(event, '版本已发布，此后不能再修改');
    redirect(303, `/pledges/templates/${id}`);
  },
};
