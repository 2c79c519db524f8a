// Login throttling (security review #11, finding 3): counted atomically, per name and address, per name
// from any address, per address over all names; unknown names answer like known ones; an admin unlocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, createUser, createUserAndLogin, engineLabel, TEST_ORIGIN, TEST_PASSWORD, usingPostgres, type TestContext } from '../testing/harness.ts';

let t: TestContext;
let admin: string;
beforeAll(async () => {
  t = await createTestContext();
  admin = (await createUserAndLogin(t, { username: 'admin1', role: 'admin' })).cookie;
});
afterAll(async () => {
  await t.close();
});

/** A login from this client address (as the in-process web server passes it). */
async function attempt(username: string, password: string, ip: string) {
  const res = await t.app.request(
    `${TEST_ORIGIN}/api/auth/login`,
    { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) },
    { clientIp: ip },
  );
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

async function checkedGuesses(username: string) {
  const rows = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'auth.login_failed').where('actor_username', '=', username).execute();
  return rows.filter((r) => ['bad_password', 'unknown_user'].includes((r.details as { reason?: string }).reason ?? '')).length;
}

const later = () => t.clock.advance(16 * 60_000);

describe(`login throttling (${engineLabel()})`, () => {
  it('locks a name at one address after 5 failures; the owner elsewhere still gets in', async () => {
    await createUser(t, { username: 'dora', role: 'inspector' });
    for (let i = 0; i < 4; i++) expect((await attempt('dora', 'wrong', '10.0.0.66')).status).toBe(401);
    const fifth = await attempt('dora', 'wrong', '10.0.0.66');
    expect(fifth.status).toBe(423);
    expect(fifth.body.error!.message).toMatch(/15 分钟后再试/);
    expect((await attempt('DORA', TEST_PASSWORD, '10.0.0.66')).status).toBe(423);
    expect((await attempt('dora', TEST_PASSWORD, '10.0.0.7')).status).toBe(200);
    expect(await checkedGuesses('dora')).toBe(5);
    later();
  });

  it('answers an unknown name exactly like a known one, lock included', async () => {
    await createUser(t, { username: 'emil', role: 'inspector' });
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await attempt('emil', 'wrong', '10.0.1.1'));
      unknown.push(await attempt('nobody-here', 'wrong', '10.0.1.1'));
    }
    expect(unknown).toEqual(known);
    expect(known.map((r) => (r as { status: number }).status)).toEqual([401, 401, 401, 401, 423, 423]);
    later();
  });

  it('throttles a name attacked from many addresses, and an address spraying many names', async () => {
    await createUser(t, { username: 'fritz', role: 'inspector' });
    for (let i = 0; i < 19; i++) expect((await attempt('fritz', 'wrong', `10.1.0.${i}`)).status).toBe(401);
    expect((await attempt('fritz', 'wrong', '10.1.0.99')).status).toBe(423);
    // Now refused from a fresh address too, without checking the password.
    expect((await attempt('fritz', TEST_PASSWORD, '10.1.0.100')).status).toBe(423);
    expect(await checkedGuesses('fritz')).toBe(20);
    later();

    for (let i = 0; i < 49; i++) expect((await attempt(`spray${i}`, 'wrong', '10.2.0.1')).status).toBe(401);
    expect((await attempt('spray49', 'wrong', '10.2.0.1')).status).toBe(423);
    expect((await attempt('fritz', TEST_PASSWORD, '10.2.0.1')).status).toBe(423);
    expect((await attempt('fritz', TEST_PASSWORD, '10.2.0.2')).status).toBe(200);
    later();
  });

  it('a successful login gives the address its reservation back (an office behind one address)', async () => {
    await createUser(t, { username: 'gina', role: 'inspector' });
    for (let i = 0; i < 60; i++) expect((await attempt('gina', TEST_PASSWORD, '10.3.0.1')).status).toBe(200);
  });

  it('lets an admin unlock a name (audited), shown as locked on the user until then', async () => {
    const hans = await createUser(t, { username: 'hans', role: 'inspector' });
    for (let i = 0; i < 5; i++) await attempt('hans', 'wrong', '10.4.0.1');
    const shown = (await (await call(t.app, 'GET', `/api/users/${hans.id}`, { cookie: admin })).json()) as { user: { locked_until: string | null } };
    expect(shown.user.locked_until).not.toBeNull();
    const office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
    expect((await call(t.app, 'POST', `/api/users/${hans.id}/unlock`, { cookie: office })).status).toBe(403);
    const res = await call(t.app, 'POST', `/api/users/${hans.id}/unlock`, { cookie: admin });
    expect(res.status).toBe(200);
    expect((await attempt('hans', TEST_PASSWORD, '10.4.0.1')).status).toBe(200);
    const after = (await (await call(t.app, 'GET', `/api/users/${hans.id}`, { cookie: admin })).json()) as { user: { locked_until: string | null } };
    expect(after.user.locked_until).toBeNull();
    const events = await t.handle.db.selectFrom('audit_event').select(['kind', 'actor_username']).where('kind', '=', 'user.unlocked').execute();
    expect(events).toEqual([{ kind: 'user.unlocked', actor_username: 'admin1' }]);
  });

  it('checks at most 5 of 50 wrong passwords sent at once', async () => {
    await createUser(t, { username: 'ivan', role: 'inspector' });
    // PGlite has one connection (requests queue anyway); PostgreSQL runs them really in parallel.
    const results = await Promise.all(Array.from({ length: 50 }, () => attempt('ivan', 'wrong', '10.5.0.1')));
    expect(await checkedGuesses('ivan')).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(4);
    expect(results.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    expect((await attempt('ivan', TEST_PASSWORD, '10.5.0.1')).status).toBe(423);
    if (usingPostgres()) expect(results.filter((r) => r.status === 423).length).toBeGreaterThanOrEqual(45);
  }, 60_000);
});
