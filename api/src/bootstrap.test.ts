import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@qingfeng/db';
import { createApp } from './app.ts';
import { ensureFirstStart } from './bootstrap.ts';
import { call, createTestDb, engineLabel, TestClock, usingPostgres } from './testing/harness.ts';
import { verifyAuditChain } from './audit/queries.ts';

const handles: DbHandle[] = [];
afterEach(async () => {
  while (handles.length) await handles.pop()!.close();
});

async function freshDb() {
  const h = await createTestDb();
  handles.push(h);
  return h;
}
const counts = async (h: DbHandle) => ({
  orgs: (await h.db.selectFrom('org_unit').select('id').execute()).length,
  users: (await h.db.selectFrom('app_user').select('id').execute()).length,
});

describe(`first start (${engineLabel()})`, () => {
  it('creates the root org and admin with QINGFENG_ADMIN_PASSWORD, once', async () => {
    const h = await freshDb();
    const clock = new TestClock();
    const lines: string[] = [];
    const env = { QINGFENG_ADMIN_PASSWORD: 'Env-Qingfeng-2026', QINGFENG_ORG_NAME: '清风街道党工委' };
    const first = await ensureFirstStart(h.db, clock, (l) => lines.push(l), env);
    expect(first.created).toBe(true);
    expect(lines.join('\n')).not.toContain('Env-Qingfeng-2026');
    const root = await h.db.selectFrom('org_unit').selectAll().executeTakeFirstOrThrow();
    expect(root).toMatchObject({ name: '清风街道党工委', kind: 'subdistrict', parent_id: null, path: `/${root.id}/` });
    const admin = await h.db.selectFrom('app_user').selectAll().executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ username: 'admin', role: 'admin', org_unit_id: root.id, must_change_password: false });

    const app = createApp({ db: h.db, clock, engine: h.engine });
    const res = await call(app, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'Env-Qingfeng-2026' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(false);

    const again = await ensureFirstStart(h.db, clock, (l) => lines.push(l), env);
    expect(again.created).toBe(false);
    expect(await counts(h)).toEqual({ orgs: 1, users: 1 });
    // Both creations are in the audit chain.
    const kinds = (await h.db.selectFrom('audit_event').select('kind').orderBy('id').execute()).map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['org.created', 'user.created']);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('QINGFENG_ORG_KIND=province: a province root; the admin creates a county, then a subdistrict under it, through the API', async () => {
    const h = await freshDb();
    const clock = new TestClock();
    await ensureFirstStart(h.db, clock, () => {}, { QINGFENG_ADMIN_PASSWORD: 'Env-Qingfeng-2026', QINGFENG_ORG_KIND: 'province' });
    const root = await h.db.selectFrom('org_unit').selectAll().executeTakeFirstOrThrow();
    expect(root).toMatchObject({ kind: 'province', name: '省委', parent_id: null });
    const app = createApp({ db: h.db, clock, engine: h.engine });
    const login = await call(app, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'Env-Qingfeng-2026' } });
    const cookie = /session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    // A province holds counties only.
    const wrong = await call(app, 'POST', '/api/orgs', { cookie, json: { parentId: root.id, kind: 'subdistrict', name: '某街道' } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('省（区、市）下不能建立街道/镇');
    const county = await call(app, 'POST', '/api/orgs', { cookie, json: { parentId: root.id, kind: 'county', name: '清风县' } });
    expect(county.status).toBe(201);
    const countyId = ((await county.json()) as { org: { id: number } }).org.id;
    const sd = await call(app, 'POST', '/api/orgs', { cookie, json: { parentId: countyId, kind: 'subdistrict', name: '清风街道' } });
    expect(sd.status).toBe(201);
    const list = (await (await call(app, 'GET', '/api/orgs', { cookie })).json()) as { items: { name: string; kindLabel: string; depth: number }[] };
    expect(list.items.map((o) => [o.name, o.kindLabel, o.depth])).toEqual([
      ['省委', '省（区、市）', 0],
      ['清风县', '县（区）', 1],
      ['清风街道', '街道/镇', 2],
    ]);
  });

  it('refuses an unknown QINGFENG_ORG_KIND before writing anything', async () => {
    const h = await freshDb();
    await expect(ensureFirstStart(h.db, new TestClock(), () => {}, { QINGFENG_ORG_KIND: 'village' })).rejects.toThrow(/QINGFENG_ORG_KIND/);
    expect(await counts(h)).toEqual({ orgs: 0, users: 0 });
  });

  it('without QINGFENG_ADMIN_PASSWORD generates one, prints it once, and forces a change', async () => {
    const h = await freshDb();
    const clock = new TestClock();
    const lines: string[] = [];
    expect((await ensureFirstStart(h.db, clock, (l) => lines.push(l), {})).created).toBe(true);
    const printed = lines.map((l) => /初始密码：(\S+)/.exec(l)?.[1]).filter(Boolean);
    expect(printed).toHaveLength(1);
    const password = printed[0]!;
    expect(lines.filter((l) => l.includes(password))).toHaveLength(1);

    const app = createApp({ db: h.db, clock, engine: h.engine });
    const res = await call(app, 'POST', '/api/auth/login', { json: { username: 'admin', password } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const cookie = `session=${/session=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]}`;
    expect((await call(app, 'GET', '/api/users', { cookie })).status).toBe(403);
    expect((await call(app, 'POST', '/api/auth/password', { cookie, json: { currentPassword: password, newPassword: 'Brand-New-2026' } })).status).toBe(200);
    expect((await call(app, 'GET', '/api/users', { cookie })).status).toBe(200);

    const before = lines.length;
    expect((await ensureFirstStart(h.db, clock, (l) => lines.push(l), {})).created).toBe(false);
    expect(lines.length).toBe(before); // nothing printed the second time
    expect(await counts(h)).toEqual({ orgs: 1, users: 1 });
    // The password is not in the database in clear, nor in the audit log.
    const stored = await h.db.selectFrom('app_user').select('password_hash').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(await h.db.selectFrom('audit_event').selectAll().execute())).not.toContain(password);
  });

  it('accepts a weak QINGFENG_ADMIN_PASSWORD for the first login only', async () => {
    const h = await freshDb();
    const lines: string[] = [];
    await ensureFirstStart(h.db, new TestClock(), (l) => lines.push(l), { QINGFENG_ADMIN_PASSWORD: 'admin' });
    expect((await h.db.selectFrom('app_user').select('must_change_password').executeTakeFirstOrThrow()).must_change_password).toBe(true);
    expect(lines.join('\n')).toMatch(/不符合密码规则/);
  });

  it.skipIf(!usingPostgres())('two processes starting at once create one admin (PostgreSQL only)', async () => {
    const h = await freshDb();
    const url = new URL(process.env.TEST_DATABASE_URL!);
    // createTestDb made a scratch database; a second pool on it plays the second process.
    const dbName = (await h.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('n')).executeTakeFirstOrThrow()).n;
    url.pathname = `/${dbName}`;
    const other = await createDb({ url: url.toString(), max: 2 });
    try {
      const results = await Promise.all([
        ensureFirstStart(h.db, new TestClock(), () => {}, { QINGFENG_ADMIN_PASSWORD: 'Race-Qingfeng-2026' }),
        ensureFirstStart(other.db, new TestClock(), () => {}, { QINGFENG_ADMIN_PASSWORD: 'Race-Qingfeng-2026' }),
      ]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await counts(h)).toEqual({ orgs: 1, users: 1 });
    } finally {
      await other.close();
    }
  });
});
