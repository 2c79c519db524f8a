import { Hono } from 'hono';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, login, type TestContext } from '../testing/harness.ts';
import type { AppEnv } from '../context.ts';
import { inTransaction } from '../http/action.ts';
import { publicRoute } from '../http/guard.ts';
import { badRequest, handleError } from '../http/errors.ts';
import { insertOrg } from '../modules/orgs/queries.ts';

let t: TestContext;
let admin: string;
let auditor: string;
let subA: { id: number; path: string };
let subB: { id: number; path: string };
let adminA: string;
let adminB: string;

type ErrorBody = { error: { code: string; message: string } };
interface EventItem {
  id: number;
  kind: string;
  kindLabel: string;
  actor_username: string | null;
  object_type: string | null;
  object_id: string | null;
  org_unit_id: number | null;
  occurred_at: string;
}
interface EventPage {
  items: EventItem[];
  total: number;
  page: number;
  pageSize: number;
}

const countEvents = async () => (await t.handle.db.selectFrom('audit_event').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
const list = async (cookie: string, q = '') => {
  const res = await call(t.app, 'GET', `/api/audit-events${q}`, { cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as EventPage;
};
const createOrgVia = async (cookie: string, parentId: number, kind: string, name: string) => {
  const res = await call(t.app, 'POST', '/api/orgs', { cookie, json: { parentId, kind, name } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { org: { id: number; path: string } }).org;
};

beforeAll(async () => {
  t = await createTestContext();
  admin = (await createUserAndLogin(t, { username: 'audit_admin', role: 'admin' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'audit_reader', role: 'auditor' })).cookie;
  // A second tree with two subdistricts, each with its own admin.
  const county = await insertOrg(t.handle.db, { parentId: null, parentPath: null, kind: 'county', name: '审计县' });
  subA = await createOrg(t, county.id, 'subdistrict', '审计甲街道');
  subB = await createOrg(t, county.id, 'subdistrict', '审计乙街道');
  adminA = (await createUserAndLogin(t, { username: 'audit_a', role: 'admin', orgUnitId: subA.id })).cookie;
  adminB = (await createUserAndLogin(t, { username: 'audit_b', role: 'admin', orgUnitId: subB.id })).cookie;
});

/** Moves the clock; sessions do not survive that, so everyone logs in again. */
async function setClock(at: Date) {
  t.clock.current = at;
  admin = await login(t.app, 'audit_admin');
  auditor = await login(t.app, 'audit_reader');
  adminA = await login(t.app, 'audit_a');
  adminB = await login(t.app, 'audit_b');
}
afterAll(async () => {
  await t.close();
});

describe(`audit log (${engineLabel()})`, () => {
  it('writes exactly one event per change, in the change’s transaction', async () => {
    const before = await countEvents();
    const v = await createOrgVia(admin, t.rootOrgId, 'village', '审计村');
    expect(await countEvents()).toBe(before + 1);
    const e = await t.handle.db.selectFrom('audit_event').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(e).toMatchObject({ kind: 'org.created', object_type: 'org_unit', object_id: String(v.id), org_unit_id: v.id, actor_username: 'audit_admin', actor_role: 'admin' });
    expect(e.occurred_at.toISOString()).toBe(t.clock.now().toISOString());
    expect(e.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    // A refused change leaves neither data nor event.
    const dup = await call(t.app, 'POST', '/api/orgs', { cookie: admin, json: { parentId: t.rootOrgId, kind: 'village', name: '审计村' } });
    expect(dup.status).toBe(409);
    expect(await countEvents()).toBe(before + 1);
  });

  it('rolls back the event with the change when the change fails after auditing', async () => {
    // A route built like every write route: change, audit, then a failure before commit.
    const probe = new Hono<AppEnv>()
      .use('*', async (c, next) => {
        c.set('db', t.handle.db);
        c.set('clock', t.clock);
        c.set('user', null);
        c.set('ip', '203.0.113.9');
        c.set('userAgent', 'test');
        await next();
      })
      .post('/fail', publicRoute(), async (c) => {
        await inTransaction(c, async (trx, audit) => {
          const o = await insertOrg(trx, { parentId: t.rootOrgId, parentPath: t.rootPath, kind: 'village', name: '半途村' });
          await audit({ kind: 'org.created', objectType: 'org_unit', objectId: o.id, orgUnitId: o.id, details: { name: o.name } });
          throw badRequest('late_failure', '最后一步失败');
        });
        return c.json({ ok: true });
      });
    probe.onError(handleError);
    const before = await countEvents();
    const res = await probe.request('/fail', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('late_failure');
    expect(await countEvents()).toBe(before);
    expect(await t.handle.db.selectFrom('org_unit').select('id').where('name', '=', '半途村').execute()).toEqual([]);
    // The chain is still whole and the next event links to the last committed one.
    await createOrgVia(admin, t.rootOrgId, 'village', '审计后村');
    const verify = (await (await call(t.app, 'GET', '/api/audit-events/verify', { cookie: auditor })).json()) as { ok: boolean; count: number };
    expect(verify).toEqual({ ok: true, count: await countEvents() });
  });

  it('rejects UPDATE, DELETE and TRUNCATE on audit_event in the database', async () => {
    const id = (await t.handle.db.selectFrom('audit_event').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
    await expect(t.handle.db.updateTable('audit_event').set({ kind: 'auth.logout' }).where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(t.handle.db.deleteFrom('audit_event').where('id', '=', id).execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_event`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_event`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    expect(await countEvents()).toBeGreaterThan(0);
  });

  it('filters by actor, kind, object and time range, and paginates', async () => {
    await setClock(new Date(t.clock.now().getTime() + 24 * 3_600_000)); // a new day
    t.clock.advance(60_000); // after the logins
    const start = t.clock.now();
    const a1 = await createOrgVia(admin, t.rootOrgId, 'village', '筛选一村');
    t.clock.advance(60_000);
    await call(t.app, 'PATCH', `/api/orgs/${a1.id}`, { cookie: admin, json: { name: '筛选一村改', version: 1 } });
    t.clock.advance(60_000);
    const a2 = await createOrgVia(admin, t.rootOrgId, 'village', '筛选二村');
    t.clock.advance(60_000);
    await call(t.app, 'PATCH', `/api/orgs/${a2.id}`, { cookie: admin, json: { name: '筛选二村改', version: 1 } });
    const end = t.clock.now();

    const byObject = await list(auditor, `?objectType=org_unit&objectId=${a1.id}`);
    expect(byObject.items.map((e) => e.kind)).toEqual(['org.renamed', 'org.created']); // newest first
    expect(byObject.items[0]!.kindLabel).toBe('重命名组织');

    const renamedInWindow = await list(auditor, `?kind=org.renamed&from=${encodeURIComponent(start.toISOString())}`);
    expect(renamedInWindow.items.map((e) => e.object_id)).toEqual([String(a2.id), String(a1.id)]);

    // `to` is exclusive for a date-time: the last rename is cut off.
    const untilEnd = await list(auditor, `?kind=org.renamed&from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`);
    expect(untilEnd.items.map((e) => e.object_id)).toEqual([String(a1.id)]);

    const me = await t.handle.db.selectFrom('app_user').select('id').where('username', '=', 'audit_admin').executeTakeFirstOrThrow();
    const mine = await list(auditor, `?actor=${me.id}&from=${encodeURIComponent(start.toISOString())}`);
    expect(mine.total).toBe(4);
    expect(mine.items.every((e) => e.actor_username === 'audit_admin')).toBe(true);

    const page1 = await list(auditor, `?actor=${me.id}&from=${encodeURIComponent(start.toISOString())}&pageSize=3`);
    const page2 = await list(auditor, `?actor=${me.id}&from=${encodeURIComponent(start.toISOString())}&pageSize=3&page=2`);
    expect(page1).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(page1.items).toHaveLength(3);
    expect(page2.items).toHaveLength(1);
    expect(new Set([...page1.items, ...page2.items].map((e) => e.id)).size).toBe(4);

    const bad = await call(t.app, 'GET', '/api/audit-events?kind=no.such.kind', { cookie: auditor });
    expect(bad.status).toBe(400);
  });

  it('reads a date alone as a whole day in Asia/Shanghai', async () => {
    // 2027-01-01 23:30 in Shanghai is 15:30 UTC: it belongs to the 1st, not the 2nd.
    await setClock(new Date('2027-01-01T15:30:00Z'));
    const o = await createOrgVia(admin, t.rootOrgId, 'village', '跨日村');
    const onThe1st = await list(auditor, `?objectType=org_unit&objectId=${o.id}&from=2027-01-01&to=2027-01-01`);
    expect(onThe1st.total).toBe(1);
    const onThe2nd = await list(auditor, `?objectType=org_unit&objectId=${o.id}&from=2027-01-02&to=2027-01-02`);
    expect(onThe2nd.total).toBe(0);
  });

  it('shows each admin only the events of their own subtree', async () => {
    const inA = await createOrgVia(adminA, subA.id, 'village', '甲审计村');
    const inB = await createOrgVia(adminB, subB.id, 'village', '乙审计村');
    const seenByA = await list(adminA, '?pageSize=200');
    const idsA = seenByA.items.map((e) => e.object_id);
    expect(idsA).toContain(String(inA.id));
    expect(idsA).not.toContain(String(inB.id));
    expect(seenByA.items.some((e) => e.actor_username === 'audit_b')).toBe(false);
    expect(seenByA.items.some((e) => e.actor_username === 'audit_admin')).toBe(false);
    const objectB = await list(adminA, `?objectType=org_unit&objectId=${inB.id}`);
    expect(objectB.total).toBe(0);
    // The root admin of the other tree sees neither.
    const seenByRoot = await list(admin, '?pageSize=200');
    expect(seenByRoot.items.map((e) => e.object_id)).not.toContain(String(inA.id));
  });

  it('shows failed logins with unknown names to the top of the tree only', async () => {
    await call(t.app, 'POST', '/api/auth/login', { json: { username: 'nobody-here', password: 'whatever-123' } });
    const top = await list(admin, '?kind=auth.login_failed');
    expect(top.items.some((e) => e.actor_username === 'nobody-here')).toBe(true);
    const below = await list(adminA, '?kind=auth.login_failed');
    expect(below.items.some((e) => e.actor_username === 'nobody-here')).toBe(false);
  });

  it('detects a tampered row and a deleted row, naming exactly that row', async () => {
    // Runs last: it breaks this database's chain on purpose.
    for (let i = 0; i < 4; i++) await createOrgVia(admin, t.rootOrgId, 'village', `篡改前村${i}`);
    const verify = async () => (await (await call(t.app, 'GET', '/api/audit-events/verify', { cookie: auditor })).json()) as {
      ok: boolean;
      count: number;
      brokenAt?: { id: number; reason: string };
    };
    const total = await countEvents();
    expect(await verify()).toEqual({ ok: true, count: total });

    const ids = (await t.handle.db.selectFrom('audit_event').select('id').orderBy('id').execute()).map((r) => r.id);
    const middle = ids[Math.floor(ids.length / 2)]!;
    const original = await t.handle.db.selectFrom('audit_event').select('details').where('id', '=', middle).executeTakeFirstOrThrow();
    const tamper = async (change: () => Promise<unknown>) => {
      await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(t.handle.db);
      try {
        await change();
      } finally {
        await sql`ALTER TABLE audit_event ENABLE TRIGGER USER`.execute(t.handle.db);
      }
    };

    await tamper(() => t.handle.db.updateTable('audit_event').set({ details: { name: '被篡改' } }).where('id', '=', middle).execute());
    const broken = await verify();
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt).toEqual({ id: middle, reason: 'hash_mismatch' });
    expect(broken.count).toBe(ids.indexOf(middle));
    // The trigger is back on.
    await expect(t.handle.db.deleteFrom('audit_event').where('id', '=', middle).execute()).rejects.toThrow(/append-only/);

    // Put it back: the chain verifies again, so the check is about content, not about the edit.
    await tamper(() => t.handle.db.updateTable('audit_event').set({ details: original.details }).where('id', '=', middle).execute());
    expect(await verify()).toEqual({ ok: true, count: total });

    // Removing a row breaks the link of the row after it.
    const victim = ids[ids.length - 3]!;
    await tamper(() => t.handle.db.deleteFrom('audit_event').where('id', '=', victim).execute());
    expect((await verify()).brokenAt).toEqual({ id: ids[ids.length - 2]!, reason: 'prev_hash_mismatch' });
  });
});
