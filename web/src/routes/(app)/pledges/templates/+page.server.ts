import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { apiFail, formFail } from '$lib/server/forms';
import { requireRole } from '$lib/server/guard';
import { splitParagraphs } from '@qingfeng/api/rules/pledges';

export const load: PageServerLoad = async (event) => {
  const { items } = await ok(serverApi(event).api.pledges.templates.$get());
  return { templates: items, canEdit: ['org_office', 'inspector'].includes(event.locals.user!.role) };
};

export const actions: Actions = {
  create: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const data = await event.request.formData();
    const values = { name: text(data, 'name'), audience: text(data, 'audience'), title: text(data, 'title'), body: text(data, 'body') };
    const paragraphs = splitParagraphs(values.body);
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = '请输入模板名称';
    if (!values.title) errors.title = '请输入承诺书标题';
    if (!paragraphs.length) errors.body = '请输入承诺书正文（每行一段）';
    if (Object.keys(errors).length) return formFail(400, 'create', { errors, values });
    const res = await serverApi(event).api.pledges.templates.$post({
      json: { name: values.name, audience: values.audience, version: { title: values.title, paragraphs, note: '' } },
    });
    if (!res.ok) return apiFail('create', await toApiError(res), values);
    const { id } = await res.json();
    redirect(303, `/pledges/templates/${id}`);
  },
};
