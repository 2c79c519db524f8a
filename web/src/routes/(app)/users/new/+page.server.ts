import { ROLES, type Role } from '@qingfeng/db/schema';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { apiFail, formFail } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
  const { items } = await ok(serverApi(event).api.orgs.$get({ query: {} }));
  return { orgs: items };
};

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const values = { username: text(data, 'username'), displayName: text(data, 'displayName'), role: text(data, 'role'), orgUnitId: text(data, 'orgUnitId') };
    const orgUnitId = positiveInt(data, 'orgUnitId');
    const errors: Record<string, string> = {};
    if (!values.username) errors.username = '请输入用户名';
    else if (!USERNAME.test(values.username)) errors.username = '用户名为 3–32 位字母、数字、下划线、点或短横线';
    if (!values.displayName) errors.displayName = '请输入姓名';
    else if (values.displayName.length > 40) errors.displayName = '姓名最多 40 个字符';
    if (!(ROLES as readonly string[]).includes(values.role)) errors.role = '请选择角色';
    if (!orgUnitId) errors.orgUnitId = '请选择所属组织';
    if (Object.keys(errors).length || !orgUnitId) return formFail(400, 'create', { errors, values });

    const res = await serverApi(event).api.users.$post({
      json: { username: values.username, displayName: values.displayName, role: values.role as Role, orgUnitId },
    });
    if (!res.ok) return apiFail('create', await toApiError(res), values, { username_taken: 'username', role_org_mismatch: 'orgUnitId', not_found: 'orgUnitId' });
    const body = await res.json();
    // Shown once, on this response only: the password is stored nowhere but as a hash.
    return { created: { id: body.user.id, username: values.username, displayName: values.displayName, initialPassword: body.initialPassword } };
  },
};
