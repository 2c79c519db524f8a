import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@qingfeng/db';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../testing/harness.ts';
import { guardOf } from './guard.ts';

let t: TestContext;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestContext();
  const village = await createOrg(t, t.rootOrgId, 'village', '角色村');
  for (const role of ROLES) {
    const orgUnitId = role === 'secretary' ? village.id : t.rootOrgId;
    cookies[role] = (await createUserAndLogin(t, { username: `r_${role}`, role, orgUnitId })).cookie;
  }
});
afterAll(async () => {
  await t.close();
});

/** Each route of the app with the roles its guard admits. */
function guardedRoutes() {
  const seen = new Map<string, { method: string; path: string; roles: string[] }>();
  for (const r of t.app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, roles: guardOf(r.handler) ?? [] });
  }
  return [...seen.values()];
}

// Any value satisfies the path: the guard answers before validation or lookup.
const concrete = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?\??/g, '1');

describe(`roles (${engineLabel()})`, () => {
  it('refuses every non-public route without a session: 401', async () => {
    const routes = guardedRoutes().filter((r) => !r.roles.includes('public'));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const res = await call(t.app, r.method, concrete(r.path), r.method === 'GET' ? {} : { json: {} });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });

  it('refuses every role a route does not admit: 403 (checked for every route and role)', async () => {
    let checked = 0;
    for (const r of guardedRoutes()) {
      if (r.roles.includes('public') || r.roles.includes('signed-in')) continue;
      for (const role of ROLES.filter((x) => !r.roles.includes(x))) {
        const res = await call(t.app, r.method, concrete(r.path), { cookie: cookies[role], ...(r.method !== 'GET' && { json: {} }) });
        expect(res.status, `${role} ${r.method} ${r.path}`).toBe(403);
        expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'forbidden', message: '没有权限执行此操作' });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps secretaries, auditors and inspectors out of the admin routes', async () => {
    const adminCalls: [string, string, unknown?][] = [
      ['POST', '/api/orgs', { parentId: t.rootOrgId, kind: 'village', name: '越权村' }],
      ['PATCH', `/api/orgs/${t.rootOrgId}`, { name: '改名' }],
      ['POST', `/api/orgs/${t.rootOrgId}/deactivate`, {}],
      ['GET', '/api/users'],
      ['POST', '/api/users', { username: 'sneaky', displayName: '越权', role: 'admin', orgUnitId: t.rootOrgId }],
      ['GET', '/api/settings'],
      ['PUT', '/api/settings/login.maxFailures', { value: 100 }],
    ];
    for (const role of ['secretary', 'auditor', 'inspector'] as const) {
      for (const [method, path, json] of adminCalls) {
        const res = await call(t.app, method, path, { cookie: cookies[role], ...(json !== undefined && { json }) });
        expect(res.status, `${role} ${method} ${path}`).toBe(403);
      }
    }
    // Nothing was written.
    expect(await t.handle.db.selectFrom('org_unit').select('id').where('name', 'in', ['越权村', '改名']).execute()).toEqual([]);
    expect(await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'sneaky').execute()).toEqual([]);
    expect(await t.handle.db.selectFrom('setting').selectAll().execute()).toEqual([]);
    // The admin may.
    expect((await call(t.app, 'GET', '/api/users', { cookie: cookies.admin })).status).toBe(200);
  });

  it('lets the auditor read the audit log but not the secretary', async () => {
    expect((await call(t.app, 'GET', '/api/audit-events', { cookie: cookies.auditor })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/audit-events/verify', { cookie: cookies.auditor })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/audit-events', { cookie: cookies.secretary })).status).toBe(403);
  });
});
