import { error, redirect } from '@sveltejs/kit';
import { ROLES, type Role } from '@qingfeng/db/schema';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { apiFail, formFail } from '$lib/server/forms';

function userId(params: { id: string }) {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) error(404, { message: '用户不存在' });
  return String(id);
}

export const load: PageServerLoad = async (event) => {
  const id = userId(event.params);
  const api = serverApi(event);
  const { user } = await ok(api.api.users[':id'].$get({ param: { id } }));
  const { items: orgs } = await ok(api.api.orgs.$get({ query: {} }));
  return { target: user, orgs };
};

export const actions: Actions = {
  update: async (event) => {
    const id = userId(event.params);
    const data = await event.request.formData();
    const values = { displayName: text(data, 'displayName'), role: text(data, 'role'), orgUnitId: text(data, 'orgUnitId') };
    const orgUnitId = positiveInt(data, 'orgUnitId');
    const errors: Record<string, string> = {};
    if (!values.displayName) errors.displayName = '请输入姓名';
    else if (values.displayName.length > 40) errors.displayName = '姓名最多 40 个字符';
    if (!(ROLES as readonly string[]).includes(values.role)) errors.role = '请选择角色';
    if (!orgUnitId) errors.orgUnitId = '请选择所属组织';
    if (Object.keys(errors).length || !orgUnitId) return formFail(400, 'update', { errors, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'update', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const api = serverApi(event).api;
    const { user: before } = await ok(api.users[':id'].$get({ param: { id } }));
    const res = await api.users[':id'].$patch({
      param: { id },
      json: { displayName: values.displayName, role: values.role as Role, orgUnitId, version },
    });
    if (!res.ok) return apiFail('update', await toApiError(res), values, { role_org_mismatch: 'orgUnitId', self_demote: 'role' });
    const relogin = before.role !== values.role || before.org_unit_id !== orgUnitId;
    setFlash(event, relogin ? '已保存。角色或所属组织已变更，该用户须重新登录。' : '已保存');
    redirect(303, `/users/${id}`);
  },
  disable: async (event) => {
    const id = userId(event.params);
    const res = await serverApi(event).api.users[':id'].disable.$post({ param: { id } });
    if (!res.ok) setFlash(event, (await toApiError(res)).message, 'error');
    else setFlash(event, '已停用该账号，其登录会话已全部注销');
    redirect(303, `/users/${id}`);
  },
  enable: async (event) => {
    const id = userId(event.params);
    const res = await serverApi(event).api.users[':id'].enable.$post({ param: { id } });
    if (!res.ok) return apiFail('status', await toApiError(res), {});
    setFlash(event, '已启用该账号');
    redirect(303, `/users/${id}`);
  },
  unlock: async (event) => {
    const id = userId(event.params);
    const res = await serverApi(event).api.users[':id'].unlock.$post({ param: { id } });
    if (!res.ok) return apiFail('status', await toApiError(res), {});
    setFlash(event, '已解除登录锁定，该用户可以立即登录');
    redirect(303, `/users/${id}`);
  },
  reset: async (event) => {
    const id = userId(event.params);
    const res = await serverApi(event).api.users[':id']['reset-password'].$post({ param: { id } });
    if (!res.ok) return apiFail('status', await toApiError(res), {});
    const { initialPassword } = await res.json();
    // Shown once, in this response only.
    return { reset: { initialPassword } };
  },
};
