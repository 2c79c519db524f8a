import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../../testing/harness.ts';
import { insertOrg } from './queries.ts';

// A county with two subdistricts A and B; a county admin, and an admin for each subdistrict.
let t: TestContext;
let county: { id: number; path: string };
let a: { id: number; path: string };
let b: { id: number; path: string };
let countyAdmin: string;
let adminA: string;
let adminB: string;

interface OrgRow {
  id: number;
  parent_id: number | null;
  kind: string;
  name: string;
  path: string;
  active: boolean;
}
type ErrorBody = { error: { code: string; message: string } };

async function create(cookie: string, parentId: number, kind: string, name: string) {
  const res = await call(t.app, 'POST', '/api/orgs', { cookie, json: { parentId, kind, name } });
  return { status: res.status, body: (await res.json()) as { org: OrgRow } & ErrorBody };
}
async function createOk(cookie: string, parentId: number, kind: string, name: string) {
  const r = await create(cookie, parentId, kind, name);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.org;
}
const org = (id: number) => t.handle.db.selectFrom('org_unit').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const eventsFor = (id: number) =>
  t.handle.db.selectFrom('audit_event').select(['kind', 'details', 'actor_username']).where('object_type', '=', 'org_unit').where('object_id', '=', String(id)).orderBy('id').execute();

beforeAll(async () => {
  t = await createTestContext();
  county = await insertOrg(t.handle.db, { parentId: null, parentPath: null, kind: 'county', name: '测试县' });
  countyAdmin = (await createUserAndLogin(t, { username: 'county_admin', role: 'admin', orgUnitId: county.id })).cookie;
  a = await createOk(countyAdmin, county.id, 'subdistrict', '甲街道');
  b = await createOk(countyAdmin, county.id, 'subdistrict', '乙街道');
  adminA = (await createUserAndLogin(t, { username: 'admin_a', role: 'admin', orgUnitId: a.id })).cookie;
  adminB = (await createUserAndLogin(t, { username: 'admin_b', role: 'admin', orgUnitId: b.id })).cookie;
});
afterAll(async () => {
  await t.close();
});

describe(`org units (${engineLabel()})`, () => {
  it('creates a child with its path and one audit event', async () => {
    const v = await createOk(adminA, a.id, 'village', '东村');
    expect(v).toMatchObject({ parent_id: a.id, kind: 'village', name: '东村', active: true });
    expect(v.path).toBe(`${a.path}${v.id}/`);
    const events = await eventsFor(v.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'org.created', actor_username: 'admin_a', details: { name: '东村', kind: 'village', parentId: a.id } });
    const grid = await createOk(adminA, v.id, 'grid', '东村一网格');
    expect(grid.path).toBe(`${v.path}${grid.id}/`);
    const community = await createOk(adminA, a.id, 'community', '南社区');
    expect(community.kind).toBe('community');
  });

  it('enforces which kind may sit under which, with Chinese messages', async () => {
    const v = await createOk(adminA, a.id, 'village', '西村');
    const cases: [number, string, string][] = [
      [a.id, 'grid', '街道/镇下不能建立网格'],
      [a.id, 'subdistrict', '街道/镇下不能建立街道/镇'],
      [v.id, 'village', '村下不能建立村'],
      [county.id, 'village', '县（区）下不能建立村'],
      [county.id, 'county', '县（区）下不能建立县（区）'],
    ];
    for (const [parentId, kind, message] of cases) {
      const r = await create(countyAdmin, parentId, kind, `错误${kind}`);
      expect(r.status, `${kind} under ${parentId}`).toBe(400);
      expect(r.body.error).toEqual({ code: 'bad_kind', message });
    }
    const unknown = await create(countyAdmin, a.id, 'city', '某市');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation');
    const empty = await create(adminA, a.id, 'village', '   ');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('名称不能为空');
    const dup = await create(adminA, a.id, 'village', '西村');
    expect(dup.status).toBe(409);
    expect(dup.body.error).toEqual({ code: 'duplicate_name', message: '同一上级组织下已有同名的组织' });
    // The same name under another parent is fine.
    await createOk(adminB, b.id, 'village', '西村');
    // No half-written rows: none of the refused ones exist.
    const names = await t.handle.db.selectFrom('org_unit').select('name').where('name', 'like', '错误%').execute();
    expect(names).toEqual([]);
  });

  it('renames, with an audit event naming the old and new name', async () => {
    const v = await createOk(adminA, a.id, 'village', '旧名村');
    const res = await call(t.app, 'PATCH', `/api/orgs/${v.id}`, { cookie: adminA, json: { name: '新名村', version: 1 } });
    expect(res.status).toBe(200);
    expect((await org(v.id)).name).toBe('新名村');
    const events = await eventsFor(v.id);
    expect(events.map((e) => e.kind)).toEqual(['org.created', 'org.renamed']);
    expect(events[1]!.details).toEqual({ from: '旧名村', to: '新名村' });
    // Renaming to the same name changes nothing and records nothing.
    expect((await call(t.app, 'PATCH', `/api/orgs/${v.id}`, { cookie: adminA, json: { name: '新名村', version: 2 } })).status).toBe(200);
    expect(await eventsFor(v.id)).toHaveLength(2);
  });

  it('moves a subtree: every path below follows, and the audit records it', async () => {
    const v = await createOk(adminA, a.id, 'village', '搬迁村');
    const g1 = await createOk(adminA, v.id, 'grid', '搬迁村一网格');
    const g2 = await createOk(adminA, v.id, 'grid', '搬迁村二网格');
    const res = await call(t.app, 'POST', `/api/orgs/${v.id}/move`, { cookie: countyAdmin, json: { parentId: b.id } });
    expect(res.status).toBe(200);
    const moved = await org(v.id);
    expect(moved.parent_id).toBe(b.id);
    expect(moved.path).toBe(`${b.path}${v.id}/`);
    expect((await org(g1.id)).path).toBe(`${b.path}${v.id}/${g1.id}/`);
    expect((await org(g2.id)).path).toBe(`${b.path}${v.id}/${g2.id}/`);
    expect((await org(g1.id)).parent_id).toBe(v.id);
    // Nothing is left under the old prefix.
    const left = await t.handle.db.selectFrom('org_unit').select('id').where('path', 'like', `${a.path}${v.id}/%`).execute();
    expect(left).toEqual([]);
    const events = await eventsFor(v.id);
    expect(events.at(-1)).toMatchObject({ kind: 'org.moved', details: { fromParentId: a.id, toParentId: b.id } });
    // Now B's admin sees it, A's does not.
    expect((await call(t.app, 'GET', `/api/orgs/${g2.id}`, { cookie: adminB })).status).toBe(200);
    expect((await call(t.app, 'GET', `/api/orgs/${g2.id}`, { cookie: adminA })).status).toBe(404);
  });

  it('refuses to move an org into its own subtree or under the wrong kind', async () => {
    const v = await createOk(adminA, a.id, 'village', '自环村');
    const g = await createOk(adminA, v.id, 'grid', '自环村网格');
    const intoChild = await call(t.app, 'POST', `/api/orgs/${v.id}/move`, { cookie: adminA, json: { parentId: g.id } });
    expect(intoChild.status).toBe(400);
    expect(((await intoChild.json()) as ErrorBody).error).toEqual({ code: 'move_into_self', message: '不能移动到自身或其下级组织之下' });
    const intoSelf = await call(t.app, 'POST', `/api/orgs/${v.id}/move`, { cookie: adminA, json: { parentId: v.id } });
    expect(((await intoSelf.json()) as ErrorBody).error.code).toBe('move_into_self');
    const subdistrictIntoOwnVillage = await call(t.app, 'POST', `/api/orgs/${a.id}/move`, { cookie: countyAdmin, json: { parentId: v.id } });
    expect(((await subdistrictIntoOwnVillage.json()) as ErrorBody).error.code).toBe('move_into_self');
    const other = await createOk(adminA, a.id, 'village', '邻村');
    const villageUnderVillage = await call(t.app, 'POST', `/api/orgs/${v.id}/move`, { cookie: adminA, json: { parentId: other.id } });
    expect(villageUnderVillage.status).toBe(400);
    expect(((await villageUnderVillage.json()) as ErrorBody).error).toEqual({ code: 'bad_kind', message: '村下不能放置村' });
    const ownRoot = await call(t.app, 'POST', `/api/orgs/${a.id}/move`, { cookie: adminA, json: { parentId: county.id } });
    expect(ownRoot.status).toBe(404); // the county lies outside A's scope
    expect((await org(v.id)).path).toBe(`${a.path}${v.id}/`);
    expect((await org(g.id)).path).toBe(`${a.path}${v.id}/${g.id}/`);
  });

  it('deactivates only when no active child remains, and lists inactive ones on request', async () => {
    const v = await createOk(adminA, a.id, 'village', '停用村');
    const g = await createOk(adminA, v.id, 'grid', '停用村网格');
    const refused = await call(t.app, 'POST', `/api/orgs/${v.id}/deactivate`, { cookie: adminA });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error).toEqual({ code: 'has_children', message: '该组织下还有启用的下级组织，请先停用下级' });
    expect((await org(v.id)).active).toBe(true);
    expect((await call(t.app, 'POST', `/api/orgs/${g.id}/deactivate`, { cookie: adminA })).status).toBe(200);
    expect((await call(t.app, 'POST', `/api/orgs/${v.id}/deactivate`, { cookie: adminA })).status).toBe(200);
    expect((await org(v.id)).active).toBe(false);
    expect((await eventsFor(v.id)).map((e) => e.kind)).toEqual(['org.created', 'org.deactivated']);
    const list = async (q: string) =>
      ((await (await call(t.app, 'GET', `/api/orgs${q}`, { cookie: adminA })).json()) as { items: OrgRow[] }).items.map((o) => o.id);
    expect(await list('')).not.toContain(v.id);
    expect(await list('?includeInactive=true')).toEqual(expect.arrayContaining([v.id, g.id]));
    // Nothing new under an inactive parent; a child cannot be re-activated before its parent.
    const under = await create(adminA, v.id, 'grid', '新网格');
    expect(under.status).toBe(400);
    expect(under.body.error.code).toBe('parent_inactive');
    const early = await call(t.app, 'POST', `/api/orgs/${g.id}/activate`, { cookie: adminA });
    expect(((await early.json()) as ErrorBody).error.code).toBe('parent_inactive');
    expect((await call(t.app, 'POST', `/api/orgs/${v.id}/activate`, { cookie: adminA })).status).toBe(200);
    expect((await call(t.app, 'POST', `/api/orgs/${g.id}/activate`, { cookie: adminA })).status).toBe(200);
    expect((await org(g.id)).active).toBe(true);
    // Nobody deactivates their own root.
    const own = await call(t.app, 'POST', `/api/orgs/${a.id}/deactivate`, { cookie: adminA });
    expect(((await own.json()) as ErrorBody).error.code).toBe('deactivate_own_root');
  });

  it('answers 404, not 403, for org units in another subtree', async () => {
    const inB = await createOk(adminB, b.id, 'village', '乙村');
    const inA = await createOk(adminA, a.id, 'village', '甲村');
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/orgs/${inB.id}`],
      ['PATCH', `/api/orgs/${inB.id}`, { name: '被改名', version: 1 }],
      ['POST', `/api/orgs/${inB.id}/move`, { parentId: a.id }],
      ['POST', `/api/orgs/${inA.id}/move`, { parentId: b.id }],
      ['POST', `/api/orgs/${inB.id}/deactivate`],
      ['POST', `/api/orgs/${inB.id}/activate`],
      ['POST', '/api/orgs', { parentId: b.id, kind: 'village', name: '越界村' }],
      ['GET', '/api/orgs/2147483647'],
    ];
    for (const [method, path, json] of attempts) {
      const res = await call(t.app, method, path, { cookie: adminA, ...(json !== undefined && { json }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
    }
    const untouched = await org(inB.id);
    expect(untouched).toMatchObject({ name: '乙村', parent_id: b.id, active: true });
    expect((await org(inA.id)).parent_id).toBe(a.id);
    // An id beyond the integer range is a validation error, not a server error.
    expect((await call(t.app, 'GET', '/api/orgs/99999999999', { cookie: adminA })).status).toBe(400);
  });

  it('lists only the caller’s subtree, with depth relative to it', async () => {
    const res = await call(t.app, 'GET', '/api/orgs', { cookie: adminA });
    const items = ((await res.json()) as { items: (OrgRow & { depth: number })[] }).items;
    expect(items.length).toBeGreaterThan(3);
    for (const o of items) expect(o.path.startsWith(a.path), o.path).toBe(true);
    expect(items[0]).toMatchObject({ id: a.id, depth: 0 });
    const all = ((await (await call(t.app, 'GET', '/api/orgs', { cookie: countyAdmin })).json()) as { items: OrgRow[] }).items;
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining([county.id, a.id, b.id]));
    // The harness's own root (another tree) is outside the county admin's scope.
    expect(all.map((o) => o.id)).not.toContain(t.rootOrgId);
  });
});
