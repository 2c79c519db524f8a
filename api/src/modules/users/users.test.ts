import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUser, createUserAndLogin, engineLabel, login, type TestContext } from '../../testing/harness.ts';
import { insertOrg } from '../orgs/queries.ts';

let t: TestContext;
let admin: string;
let village: { id: number };
let otherTree: { id: number };

type ErrorBody = { error: { code: string; message: string } };
interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  org_unit_id: number;
  disabled: boolean;
  must_change_password: boolean;
}

async function createViaApi(json: Record<string, unknown>) {
  const res = await call(t.app, 'POST', '/api/users', { cookie: admin, json });
  return { status: res.status, body: (await res.json()) as { user: { id: number; username: string }; initialPassword: string } & ErrorBody };
}
const loginStatus = async (username: string, password: string) =>
  (await call(t.app, 'POST', '/api/auth/login', { json: { username, password } })).status;
const auditKinds = (userId: number) =>
  t.handle.db.selectFrom('audit_event').select('kind').where('object_type', '=', 'user').where('object_id', '=', String(userId)).orderBy('id').execute().then((r) => r.map((e) => e.kind));

beforeAll(async () => {
  t = await createTestContext();
  admin = (await createUserAndLogin(t, { username: 'root_admin', role: 'admin' })).cookie;
  village = await createOrg(t, t.rootOrgId, 'village', '用户村');
  otherTree = await insertOrg(t.handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '别的街道' });
});
afterAll(async () => {
  await t.close();
});

describe(`users (${engineLabel()})`, () => {
  it('creates a user with a generated password that works once and must then be changed', async () => {
    const r = await createViaApi({ username: 'wang.fang', displayName: '王芳', role: 'org_office', orgUnitId: t.rootOrgId });
    expect(r.status).toBe(201);
    expect(r.body.user.username).toBe('wang.fang');
    const password = r.body.initialPassword;
    expect(password.length).toBeGreaterThanOrEqual(10);
    const res = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'wang.fang', password } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const cookie = `session=${/session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]}`;
    const blocked = await call(t.app, 'GET', '/api/orgs', { cookie });
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as ErrorBody).error).toEqual({ code: 'password_change_required', message: '请先修改初始密码' });
    const changed = await call(t.app, 'POST', '/api/auth/password', { cookie, json: { currentPassword: password, newPassword: 'Wang-Fang-2026' } });
    expect(changed.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/orgs', { cookie })).status).toBe(200);
    expect(await auditKinds(r.body.user.id)).toEqual(['user.created', 'auth.login', 'auth.password_changed']);
    // The initial password is never stored in the audit log.
    const details = await t.handle.db.selectFrom('audit_event').select('details').execute();
    expect(JSON.stringify(details)).not.toContain(password);
  });

  it('takes an admin-chosen password only if it meets the policy, and still forces a change', async () => {
    const weak = await createViaApi({ username: 'li_lei', displayName: '李雷', role: 'auditor', orgUnitId: t.rootOrgId, password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    expect(weak.body.error.message).toMatch(/密码/);
    const ok = await createViaApi({ username: 'li_lei', displayName: '李雷', role: 'auditor', orgUnitId: t.rootOrgId, password: 'Chosen-Pass-2026' });
    expect(ok.status).toBe(201);
    const res = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'li_lei', password: 'Chosen-Pass-2026' } });
    expect(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
  });

  it('generates passwords that satisfy a stricter policy set by the admin', async () => {
    expect((await call(t.app, 'PUT', '/api/settings/password.minLength', { cookie: admin, json: { value: 20 } })).status).toBe(200);
    try {
      const r = await createViaApi({ username: 'long_pw', displayName: '长密码', role: 'auditor', orgUnitId: t.rootOrgId });
      expect(r.status).toBe(201);
      expect(r.body.initialPassword.length).toBeGreaterThanOrEqual(20);
      const reset = await call(t.app, 'POST', `/api/users/${r.body.user.id}/reset-password`, { cookie: admin });
      expect(((await reset.json()) as { initialPassword: string }).initialPassword.length).toBeGreaterThanOrEqual(20);
    } finally {
      await call(t.app, 'PUT', '/api/settings/password.minLength', { cookie: admin, json: { value: 10 } });
    }
  });

  it('puts a secretary in a village, and other roles above villages', async () => {
    const wrong = await createViaApi({ username: 'sec_wrong', displayName: '书记', role: 'secretary', orgUnitId: t.rootOrgId });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toEqual({ code: 'role_org_mismatch', message: '村（社区）书记账号必须属于一个村或社区' });
    const right = await createViaApi({ username: 'sec_ok', displayName: '书记', role: 'secretary', orgUnitId: village.id });
    expect(right.status).toBe(201);
    const office = await createViaApi({ username: 'office_in_village', displayName: '组织员', role: 'org_office', orgUnitId: village.id });
    expect(office.status).toBe(400);
    expect(office.body.error.code).toBe('role_org_mismatch');
    // Changing the role later follows the same rule.
    const edit = await call(t.app, 'PATCH', `/api/users/${right.body.user.id}`, { cookie: admin, json: { orgUnitId: t.rootOrgId, version: 1 } });
    expect(edit.status).toBe(400);
    expect(((await edit.json()) as ErrorBody).error.code).toBe('role_org_mismatch');
  });

  it('refuses a username that differs only in case: 409 with a Chinese message', async () => {
    expect((await createViaApi({ username: 'Zhao', displayName: '赵', role: 'auditor', orgUnitId: t.rootOrgId })).status).toBe(201);
    const dup = await createViaApi({ username: 'zhao', displayName: '赵二', role: 'auditor', orgUnitId: t.rootOrgId });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toEqual({ code: 'username_taken', message: '用户名“zhao”已被使用' });
    const bad = await createViaApi({ username: 'a b', displayName: 'x', role: 'auditor', orgUnitId: t.rootOrgId });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('用户名为 3–32 位');
    // Login is case-insensitive too.
    const z = await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'Zhao').executeTakeFirstOrThrow();
    const pw = ((await (await call(t.app, 'POST', `/api/users/${z.id}/reset-password`, { cookie: admin })).json()) as { initialPassword: string }).initialPassword;
    expect(await loginStatus('ZHAO', pw)).toBe(200);
  });

  it('lists, searches and paginates users in scope', async () => {
    for (let i = 1; i <= 12; i++) await createUser(t, { username: `page_${String(i).padStart(2, '0')}`, role: 'auditor' });
    await createUser(t, { username: 'outsider', role: 'auditor', orgUnitId: otherTree.id });
    type Page = { items: UserRow[]; total: number; page: number; pageSize: number };
    const get = async (q: string) => (await (await call(t.app, 'GET', `/api/users${q}`, { cookie: admin })).json()) as Page;
    const p1 = await get('?search=page_&pageSize=5');
    expect(p1.total).toBe(12);
    expect(p1.items.map((u) => u.username)).toEqual(['page_01', 'page_02', 'page_03', 'page_04', 'page_05']);
    const p3 = await get('?search=page_&pageSize=5&page=3');
    expect(p3.items.map((u) => u.username)).toEqual(['page_11', 'page_12']);
    expect((await get('?search=王芳')).items.map((u) => u.username)).toEqual(['wang.fang']);
    // LIKE wildcards in the search are literal.
    expect((await get('?search=%25')).total).toBe(0);
    const all = await get('?pageSize=200');
    expect(all.items.map((u) => u.username)).not.toContain('outsider');
    expect(all.total).toBe(all.items.length);
    expect((await call(t.app, 'GET', '/api/users?pageSize=500', { cookie: admin })).status).toBe(400);
  });

  it('edits display name and role; a role change ends the user’s sessions', async () => {
    const u = await createUser(t, { username: 'editee', role: 'auditor' });
    const cookie = await login(t.app, 'editee');
    const res = await call(t.app, 'PATCH', `/api/users/${u.id}`, { cookie: admin, json: { displayName: '新名字', role: 'inspector', version: 1 } });
    expect(res.status).toBe(200);
    const row = await t.handle.db.selectFrom('app_user').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_name: '新名字', role: 'inspector' });
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    const empty = await call(t.app, 'PATCH', `/api/users/${u.id}`, { cookie: admin, json: { version: 2 } });
    expect(empty.status).toBe(400);
    expect(await auditKinds(u.id)).toEqual(['auth.login', 'user.updated']);
    const me = await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'root_admin').executeTakeFirstOrThrow();
    const demote = await call(t.app, 'PATCH', `/api/users/${me.id}`, { cookie: admin, json: { role: 'auditor', version: 1 } });
    expect(((await demote.json()) as ErrorBody).error.code).toBe('self_demote');
  });

  it('disables a user (their sessions end, login refused) and enables them again', async () => {
    const u = await createUser(t, { username: 'disablee', role: 'auditor' });
    const cookie = await login(t.app, 'disablee');
    expect((await call(t.app, 'POST', `/api/users/${u.id}/disable`, { cookie: admin })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect(await t.handle.db.selectFrom('session').select('id').where('user_id', '=', u.id).execute()).toEqual([]);
    const refused = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'disablee', password: 'Test-Passw0rd!' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorBody).error).toEqual({ code: 'disabled', message: '账号已停用，请联系系统管理员' });
    expect((await call(t.app, 'POST', `/api/users/${u.id}/enable`, { cookie: admin })).status).toBe(200);
    expect(await loginStatus('disablee', 'Test-Passw0rd!')).toBe(200);
    const me = await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'root_admin').executeTakeFirstOrThrow();
    expect((await call(t.app, 'POST', `/api/users/${me.id}/disable`, { cookie: admin })).status).toBe(400);
    expect(await auditKinds(u.id)).toEqual(['auth.login', 'user.disabled', 'auth.login_failed', 'user.enabled', 'auth.login']);
  });

  it('resets a password: the old one stops working, the new one must be changed', async () => {
    const u = await createUser(t, { username: 'resettee', role: 'auditor' });
    const cookie = await login(t.app, 'resettee');
    const res = await call(t.app, 'POST', `/api/users/${u.id}/reset-password`, { cookie: admin });
    expect(res.status).toBe(200);
    const { initialPassword } = (await res.json()) as { initialPassword: string };
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect(await loginStatus('resettee', 'Test-Passw0rd!')).toBe(401);
    const fresh = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'resettee', password: initialPassword } });
    expect(((await fresh.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
  });

  it('refuses a user in an inactive org unit', async () => {
    const closed = await createOrg(t, t.rootOrgId, 'village', '已停用村');
    await t.handle.db.updateTable('org_unit').set({ active: false }).where('id', '=', closed.id).execute();
    const r = await createViaApi({ username: 'sec_closed', displayName: '书记', role: 'secretary', orgUnitId: closed.id });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('org_inactive');
  });

  it('answers 404 for users outside the admin’s subtree', async () => {
    const outsider = await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'outsider').executeTakeFirstOrThrow();
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/users/${outsider.id}`],
      ['PATCH', `/api/users/${outsider.id}`, { displayName: '改', version: 1 }],
      ['POST', `/api/users/${outsider.id}/disable`],
      ['POST', `/api/users/${outsider.id}/enable`],
      ['POST', `/api/users/${outsider.id}/reset-password`],
      ['POST', '/api/users', { username: 'in_other_tree', displayName: 'x', role: 'auditor', orgUnitId: otherTree.id }],
    ];
    for (const [method, path, json] of attempts) {
      const res = await call(t.app, method, path, { cookie: admin, ...(json !== undefined && { json }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
    }
    const row = await t.handle.db.selectFrom('app_user').selectAll().where('id', '=', outsider.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_name: 'outsider', disabled: false });
    expect(await loginStatus('outsider', 'Test-Passw0rd!')).toBe(200);
  });
});
