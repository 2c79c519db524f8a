// Issue 12, must-have 1: the signed-in request path. Validating a session is one indexed query (session
// + user + org + the settings' cache counter) on PostgreSQL and none on PGlite (in-memory, dropped on
// notification); settings are cached per process and re-read when the counter moves — also when
// another process (another db handle) made the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, migrateToLatest, sql, type DbHandle } from '@qingfeng/db';
import { createApp, type App } from '../app.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { call, createTestDb, createUser, login, TestClock, usingPostgres, type TestContext } from '../testing/harness.ts';
import { ACTIVITY_WRITE_INTERVAL_MS } from './rules.ts';

const MINUTE = 60_000;

describe('signed-in request path', () => {
  let queries: string[] = [];
  let counting = false;
  let t: TestContext;
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({
      log: (e) => {
        if (counting && e.level === 'query') queries.push(e.query.sql);
      },
    });
    const clock = new TestClock();
    const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '缓存街道' });
    t = { handle, app: createApp({ db: handle.db, clock, engine: handle.engine }), clock, rootOrgId: root.id, rootPath: root.path, close: () => handle.close() };
    await createUser(t, { username: 'cacheadmin', role: 'admin' });
  }, 60_000);
  afterAll(() => t.close());

  async function counted(path: string, cookie: string) {
    queries = [];
    counting = true;
    try {
      const res = await call(t.app, 'GET', path, { cookie });
      return { status: res.status, queries: [...queries] };
    } finally {
      counting = false;
    }
  }

  // PostgreSQL: one query (session + user + org + settings counter). PGlite (one process): none — the
  // validated row is kept in memory until a trigger notification says a source row changed.
  const SESSION_QUERIES = usingPostgres() ? 1 : 0;

  it(`GET /api/auth/me costs ${usingPostgres() ? 'one query' : 'no query'}; one more when the activity write is due or the settings changed`, async () => {
    const cookie = await login(t.app, 'cacheadmin');
    await counted('/api/auth/me', cookie); // fills this handle's caches
    const warm = await counted('/api/auth/me', cookie);
    expect(warm.status).toBe(200);
    expect(warm.queries).toHaveLength(SESSION_QUERIES);
    if (usingPostgres()) {
      expect(warm.queries[0]).toMatch(/from "session"/);
      expect(warm.queries[0]).toMatch(/"cache_version"/);
    }

    // The activity write stays throttled: once per interval, not per request.
    t.clock.advance(ACTIVITY_WRITE_INTERVAL_MS);
    const touch = await counted('/api/auth/me', cookie);
    expect(touch.queries).toHaveLength(SESSION_QUERIES + 1);
    expect(touch.queries.at(-1)).toMatch(/update "session"/);
    // PGlite: the touch itself changed the session row, so the next request reads it once.
    expect((await counted('/api/auth/me', cookie)).queries).toHaveLength(1);
    expect((await counted('/api/auth/me', cookie)).queries).toHaveLength(SESSION_QUERIES);

    // A write to setting (here straight in SQL, as an operator would) is seen at once: one re-read.
    await sql`INSERT INTO setting (key, value) VALUES ('password.minLength', '12'::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`.execute(handle.db);
    const reread = await counted('/api/auth/me', cookie);
    expect(reread.queries).toHaveLength(2);
    expect(reread.queries[0]).toMatch(/from "session"/);
    expect(reread.queries[1]).toMatch(/from "setting"/);
    expect((await counted('/api/auth/me', cookie)).queries).toHaveLength(SESSION_QUERIES);
  });

  it('a disabled user is signed out on the next request, cached session or not', async () => {
    await createUser(t, { username: 'cacheclerk', role: 'org_office' });
    const admin = await login(t.app, 'cacheadmin');
    const clerk = await login(t.app, 'cacheclerk');
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: clerk })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: clerk })).status).toBe(200);
    const id = (await handle.db.selectFrom('app_user').select('id').where('username', '=', 'cacheclerk').executeTakeFirstOrThrow()).id;
    expect((await call(t.app, 'POST', `/api/users/${id}/disable`, { cookie: admin })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie: clerk })).status).toBe(401);
  });

  it('a setting changed through the API takes effect on the next request', async () => {
    const cookie = await login(t.app, 'cacheadmin');
    t.clock.advance(6 * MINUTE);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(200); // default: 120 minutes idle
    const put = await call(t.app, 'PUT', '/api/settings/session.inactivityMinutes', { cookie, json: { value: 5 } });
    expect(put.status).toBe(200);
    t.clock.advance(6 * MINUTE);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    await sql`DELETE FROM setting WHERE key = 'session.inactivityMinutes'`.execute(handle.db);
  });
});

// Two handles = two connection pools and two caches, as two API processes have. PGlite is one
// process's database, so this case needs PostgreSQL.
describe.skipIf(!usingPostgres())('two API processes over one PostgreSQL (skipped on PGlite: one process)', () => {
  let one: DbHandle;
  let two: DbHandle;
  let drop: () => Promise<void>;
  let appOne: App;
  let appTwo: App;
  let clock: TestClock;
  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'qf_two_apps');
    drop = scratch.drop;
    one = await createDb({ url: scratch.url, max: 4 });
    two = await createDb({ url: scratch.url, max: 4 });
    await migrateToLatest(one.db);
    clock = new TestClock();
    const root = await insertOrg(one.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '双进程街道' });
    appOne = createApp({ db: one.db, clock, engine: one.engine });
    appTwo = createApp({ db: two.db, clock, engine: two.engine });
    const t = { handle: one, app: appOne, clock, rootOrgId: root.id, rootPath: root.path, close: async () => {} } satisfies TestContext;
    await createUser(t, { username: 'twoadmin', role: 'admin' });
  }, 60_000);
  afterAll(async () => {
    await one.close();
    await two.close();
    await drop();
  });

  it('a session made on one is valid on the other, and a setting changed on one is seen by the other', async () => {
    const cookie = await login(appOne, 'twoadmin');
    // Both processes have the defaults cached.
    expect((await call(appOne, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    expect((await call(appTwo, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    clock.advance(6 * MINUTE);
    expect((await call(appTwo, 'GET', '/api/auth/me', { cookie })).status).toBe(200);

    expect((await call(appOne, 'PUT', '/api/settings/session.inactivityMinutes', { cookie, json: { value: 5 } })).status).toBe(200);
    clock.advance(6 * MINUTE);
    // Process two never saw the change go by, yet ends the idle session on its next request.
    expect((await call(appTwo, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await call(appOne, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('a document downloaded from one is registered and verified on the other', async () => {
    // Sessions lasted 5 idle minutes after the case above: a fresh login.
    const cookie = await login(appTwo, 'twoadmin');
    const sd = await one.db.selectFrom('org_unit').select('id').where('kind', '=', 'subdistrict').executeTakeFirstOrThrow();
    const pdf = await call(appOne, 'GET', `/api/reports/committee-structure.pdf?org=${sd.id}`, { cookie });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(new TextDecoder('latin1').decode(bytes.slice(0, 5))).toBe('%PDF-');
    // The file hash is written when the stream ends; the other process sees the registered document.
    const form = new FormData();
    form.set('file', new File([bytes], 'doc.pdf', { type: 'application/pdf' }));
    const verified = await appTwo.request('http://qingfeng.test/api/documents/verify', {
      method: 'POST',
      headers: { origin: 'http://qingfeng.test', host: 'qingfeng.test', cookie },
      body: form,
    });
    expect(verified.status).toBe(200);
    const v = (await verified.json()) as { match: boolean; document: { number: string } | null };
    expect(v.match).toBe(true);
    expect((await call(appTwo, 'GET', `/api/documents/${v.document!.number}`, { cookie })).status).toBe(200);
  });
});
