import { redirect, type RequestEvent } from '@sveltejs/kit';
import { ORG_KINDS, type OrgKind } from '@qingfeng/db/schema';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { apiFail, formFail } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
  // Administrators see deactivated units too (greyed out), so that they can activate them again.
  const isAdmin = event.locals.user!.role === 'admin';
  const { items } = await ok(serverApi(event).api.orgs.$get({ query: isAdmin ? { includeInactive: 'true' } : {} }));
  return { orgs: items, isAdmin };
};

/** Where to go after an action: the same selection, without the confirmation step. */
function back(event: RequestEvent, orgId: number) {
  return `${event.url.pathname}?org=${orgId}`;
}

export const actions: Actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const parentId = positiveInt(data, 'parentId');
    const kind = text(data, 'kind');
    const name = text(data, 'name');
    const values = { kind, name };
    const errors: Record<string, string> = {};
    if (!(ORG_KINDS as readonly string[]).includes(kind)) errors.kind = '请选择组织类型';
    if (!name) errors.name = '请输入名称';
    else if (name.length > 60) errors.name = '名称最多 60 个字符';
    if (!parentId) return formFail(400, 'create', { errors, values, message: '请先在组织树中选择上级组织' });
    if (Object.keys(errors).length) return formFail(400, 'create', { errors, values });
    const res = await serverApi(event).api.orgs.$post({ json: { parentId, kind: kind as OrgKind, name } });
    if (!res.ok) return apiFail('create', await toApiError(res), values, { bad_kind: 'kind' });
    const { org } = await res.json();
    setFlash(event, `已新建“${org.name}”`);
    redirect(303, back(event, org.id));
  },
  rename: async (event) => {
    const data = await event.request.formData();
    const id = positiveInt(data, 'id');
    const name = text(data, 'name');
    const values = { name };
    if (!id) return formFail(400, 'rename', { values, message: '缺少组织编号' });
    if (!name) return formFail(400, 'rename', { errors: { name: '请输入名称' }, values });
    if (name.length > 60) return formFail(400, 'rename', { errors: { name: '名称最多 60 个字符' }, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'rename', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.orgs[':id'].$patch({ param: { id: String(id) }, json: { name, version } });
    if (!res.ok) return apiFail('rename', await toApiError(res), values);
    setFlash(event, `已重命名为“${name}”`);
    redirect(303, back(event, id));
  },
  move: async (event) => {
    const data = await event.request.formData();
    const id = positiveInt(data, 'id');
    const parentId = positiveInt(data, 'parentId');
    const values = { parentId: text(data, 'parentId') };
    if (!id) return formFail(400, 'move', { values, message: '缺少组织编号' });
    if (!parentId) return formFail(400, 'move', { errors: { parentId: '请选择新的上级组织' }, values });
    const res = await serverApi(event).api.orgs[':id'].move.$post({ param: { id: String(id) }, json: { parentId } });
    if (!res.ok) return apiFail('move', await toApiError(res), values, { bad_kind: 'parentId', move_into_self: 'parentId', move_own_root: 'parentId' });
    setFlash(event, '已移动到新的上级组织');
    redirect(303, back(event, id));
  },
  deactivate: async (event) => {
    const id = positiveInt(await event.request.formData(), 'id');
    if (!id) return formFail(400, 'status', { message: '缺少组织编号' });
    const res = await serverApi(event).api.orgs[':id'].deactivate.$post({ param: { id: String(id) } });
    // Leave the confirmation dialog either way; the outcome shows as a message.
    if (!res.ok) setFlash(event, (await toApiError(res)).message, 'error');
    else setFlash(event, '已停用');
    redirect(303, back(event, id));
  },
  activate: async (event) => {
    const id = positiveInt(await event.request.formData(), 'id');
    if (!id) return formFail(400, 'status', { message: '缺少组织编号' });
    const res = await serverApi(event).api.orgs[':id'].activate.$post({ param: { id: String(id) } });
    if (!res.ok) return apiFail('status', await toApiError(res), {});
    setFlash(event, '已重新启用');
    redirect(303, back(event, id));
  },
};
