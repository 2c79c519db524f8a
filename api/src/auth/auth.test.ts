import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, createUser, createUserAndLogin, engineLabel, login, TEST_PASSWORD, type TestContext } from '../testing/harness.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

describe(`sessions and login (${engineLabel()})`, () => {
  it('logs in, reads /me, and stores only a hash of the secret', async () => {
    await createUser(t, { username: 'alice', role: 'org_office' });
    const res = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'alice', password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/session=[a-z2-9]{24}\.[a-z2-9]{24}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const token = /session=([^;]+)/.exec(setCookie)![1]!;
    const [id, secret] = token.split('.');
    const row = await t.handle.db.selectFrom('session').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(Buffer.from(row.secret_hash).toString('hex')).not.toContain(Buffer.from(secret!).toString('hex'));
    expect(row.secret_hash.length).toBe(32);
    const me = await call(t.app, 'GET', '/api/auth/me', { cookie: `session=${token}` });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('alice');
    // A wrong secret with a real id is refused.
    const forged = await call(t.app, 'GET', '/api/auth/me', { cookie: `session=${id}.${'a'.repeat(24)}` });
    expect(forged.status).toBe(401);
  });

  it('expires after 2 h idle, is renewed by activity, and ends after 12 h regardless', async () => {
    await createUser(t, { username: 'bob', role: 'auditor' });
    const cookie = await login(t.app, 'bob');
    const me = () => call(t.app, 'GET', '/api/auth/me', { cookie }).then((r) => r.status);
    // Activity every 110 minutes keeps it alive past 2 h …
    for (let i = 0; i < 6; i++) {
      t.clock.advance(110 * 60_000);
      expect(await me()).toBe(200);
    }
    // … but 11 h in, another 110 minutes crosses the 12 h absolute lifetime.
    t.clock.advance(110 * 60_000);
    expect(await me()).toBe(401);

    const cookie2 = await login(t.app, 'bob');
    t.clock.advance(121 * 60_000);
    expect(await call(t.app, 'GET', '/api/auth/me', { cookie: cookie2 }).then((r) => r.status)).toBe(401);
    // The expired session is gone from the table.
    const id = /session=([^.]+)/.exec(cookie2)![1]!;
    expect(await t.handle.db.selectFrom('session').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('locks the account for 15 minutes after 5 failures and audits it', async () => {
    await createUser(t, { username: 'carol', role: 'inspector' });
    for (let i = 0; i < 4; i++) {
      const r = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'carol', password: 'wrong-password' } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe('用户名或密码错误');
    }
    const fifth = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'carol', password: 'wrong-password' } });
    expect(fifth.status).toBe(423);
    // Even the right password is refused while locked.
    const locked = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'carol', password: TEST_PASSWORD } });
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('locked');
    t.clock.advance(15 * 60_000 + 1000);
    expect((await call(t.app, 'POST', '/api/auth/login', { json: { username: 'carol', password: TEST_PASSWORD } })).status).toBe(200);
    const kinds = await t.handle.db.selectFrom('audit_event').select('kind').where('actor_username', '=', 'carol').orderBy('id').execute();
    expect(kinds.map((k) => k.kind)).toEqual([...Array(5).fill('auth.login_failed'), 'auth.lockout', 'auth.login_failed', 'auth.login']);
  });

  it('refuses state-changing requests from another origin (CSRF)', async () => {
    const { cookie } = await createUserAndLogin(t, { username: 'dave', role: 'admin' });
    const evil = await call(t.app, 'POST', '/api/orgs', {
      cookie,
      json: { parentId: t.rootOrgId, kind: 'village', name: '跨站村' },
      headers: { origin: 'http://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const site = await call(t.app, 'POST', '/api/auth/logout', { cookie, headers: { origin: '', 'sec-fetch-site': 'cross-site' } });
    expect(site.status).toBe(403);
    const count = await t.handle.db.selectFrom('org_unit').select('id').where('name', '=', '跨站村').execute();
    expect(count).toHaveLength(0);
    // The same request from our origin works.
    const ok = await call(t.app, 'POST', '/api/orgs', { cookie, json: { parentId: t.rootOrgId, kind: 'village', name: '同源村' } });
    expect(ok.status).toBe(201);
  });

  it('forces a password change when an admin set the password, then lets the user in', async () => {
    await createUser(t, { username: 'erin', role: 'org_office', mustChangePassword: true });
    const cookie = await login(t.app, 'erin');
    expect((await call(t.app, 'GET', '/api/orgs', { cookie })).status).toBe(403);
    const weak = await call(t.app, 'POST', '/api/auth/password', { cookie, json: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(weak.status).toBe(400);
    const onlyTwoClasses = await call(t.app, 'POST', '/api/auth/password', { cookie, json: { currentPassword: TEST_PASSWORD, newPassword: 'abcdefghij12' } });
    expect(((await onlyTwoClasses.json()) as { error: { code: string } }).error.code).toBe('weak_password');
    const ok = await call(t.app, 'POST', '/api/auth/password', { cookie, json: { currentPassword: TEST_PASSWORD, newPassword: 'Qingfeng-2026' } });
    expect(ok.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/orgs', { cookie })).status).toBe(200);
    expect((await call(t.app, 'POST', '/api/auth/login', { json: { username: 'erin', password: TEST_PASSWORD } })).status).toBe(401);
  });

  it('lists and revokes own sessions, not other users’', async () => {
    await createUser(t, { username: 'frank', role: 'auditor' });
    const a = await login(t.app, 'frank');
    const b = await login(t.app, 'frank');
    const list = (await (await call(t.app, 'GET', '/api/auth/sessions', { cookie: a })).json()) as { items: { id: string; current: boolean }[] };
    expect(list.items).toHaveLength(2);
    const other = list.items.find((s) => !s.current)!;
    expect((await call(t.app, 'DELETE', `/api/auth/sessions/${other.id}`, { cookie: a })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: b })).status).toBe(401);
    const { cookie: g } = await createUserAndLogin(t, { username: 'grace', role: 'auditor' });
    const mine = (await (await call(t.app, 'GET', '/api/auth/sessions', { cookie: a })).json()) as { items: { id: string }[] };
    expect((await call(t.app, 'DELETE', `/api/auth/sessions/${mine.items[0]!.id}`, { cookie: g })).status).toBe(404);
    // logout ends the session
    expect((await call(t.app, 'POST', '/api/auth/logout', { cookie: a })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: a })).status).toBe(401);
  });

  it('answers errors as { error: { code, message } }', async () => {
    const r = await call(t.app, 'POST', '/api/auth/login', { json: { username: '' } });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toMatch(/输入有误/);
    const missing = await call(t.app, 'GET', '/api/no-such-thing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
