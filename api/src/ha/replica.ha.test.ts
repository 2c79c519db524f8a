// Issue 12, must-have 6b: DATABASE_READ_URL. A private primary (initdb) and a hot standby made from
// it with pg_basebackup, on free loopback ports. Reports and exports read from the standby; sessions,
// writes and the pages a user reads right after writing stay on the primary. To prove which server
// answered, replay on the standby is paused: a village created afterwards exists on the primary only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, sql, type DbHandle } from '@qingfeng/db';
import { createApp, type App } from '../app.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { call, createUser, login, TestClock, type TestContext } from '../testing/harness.ts';
import { freePort, haUnavailable, makeWorkDir, removeWorkDir, startPrimary, startStandby, tail, waitFor, withDb, type Cluster } from './clusters.ts';

const unavailable = haUnavailable();
if (unavailable) throw new Error(`the replica test cannot run here: ${unavailable}`);

describe('reports and exports read from a streaming replica (DATABASE_READ_URL)', () => {
  let work: string;
  let primary: Cluster;
  let standby: Cluster;
  let handle: DbHandle;
  let app: App;
  let rootId: number;

  const caughtUp = async () => {
    const target = await withDb(primary.url, async (db) => (await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(db)).rows[0]!.lsn);
    await waitFor('the standby to replay the primary', () =>
      withDb(standby.url, async (db) => (await sql<{ ok: boolean }>`SELECT pg_last_wal_replay_lsn() >= ${target}::pg_lsn AS ok`.execute(db)).rows[0]!.ok),
    );
  };

  beforeAll(async () => {
    work = makeWorkDir('qf-replica-');
    try {
      primary = startPrimary(work, 'primary', await freePort());
      standby = startStandby(work, 'standby', primary, await freePort());
    } catch (err) {
      throw new Error(`${String(err)}\n${tail(`${work}/primary.log`)}\n${tail(`${work}/standby.log`)}`);
    }
    handle = await createDb({ url: primary.url, readUrl: standby.url, max: 4 });
    await migrateToLatest(handle.db);
    const clock = new TestClock();
    const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '副本街道' });
    rootId = root.id;
    await insertOrg(handle.db, { parentId: root.id, parentPath: root.path, kind: 'village', name: '老村' });
    app = createApp({ db: handle.db, read: handle.read, clock, engine: handle.engine });
    const t = { handle, app, clock, rootOrgId: root.id, rootPath: root.path, close: async () => {} } satisfies TestContext;
    await createUser(t, { username: 'replica_admin', role: 'admin' });
    await caughtUp();
  }, 180_000);

  afterAll(async () => {
    await handle?.close();
    standby?.stop();
    primary?.stop();
    if (work) removeWorkDir(work);
  });

  it('the two pools reach the servers they name: the primary, and the standby (in recovery) for reads', async () => {
    expect(handle.hasReplica).toBe(true);
    const where = async (db: DbHandle['db']) =>
      (await sql<{ recovery: boolean; port: number }>`SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port`.execute(db)).rows[0]!;
    expect(await where(handle.db)).toEqual({ recovery: false, port: primary.port });
    expect(await where(handle.read)).toEqual({ recovery: true, port: standby.port });
    // The standby sees the read pool under its own name.
    const names = await withDb(standby.url, async (db) =>
      (await sql<{ name: string }>`SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'qingfeng%' AND pid <> pg_backend_pid()`.execute(db)).rows.map((r) => r.name),
    );
    expect(names).toEqual(['qingfeng-read']);
  });

  it('without a read URL the read handle is the primary handle', async () => {
    const solo = await createDb({ url: primary.url, max: 1 });
    try {
      expect(solo.hasReplica).toBe(false);
      expect(solo.read).toBe(solo.db);
    } finally {
      await solo.close();
    }
  });

  it('reports come from the standby; writes, sessions and read-after-write pages from the primary', async () => {
    await withDb(standby.url, (db) => sql`SELECT pg_wal_replay_pause()`.execute(db));
    try {
      // Signed in after the pause: the session row exists on the primary only, yet it is valid.
      const cookie = await login(app, 'replica_admin');
      expect((await call(app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);

      const created = await call(app, 'POST', '/api/orgs', { cookie, json: { parentId: rootId, kind: 'village', name: '新村' } });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { org: { id: number } }).org.id;
      // Read-after-write: the org page and the org list show the new village at once.
      expect((await call(app, 'GET', `/api/orgs/${id}`, { cookie })).status).toBe(200);
      expect(JSON.stringify(await (await call(app, 'GET', '/api/orgs', { cookie })).json())).toContain('新村');

      // The report: the standby has not replayed the new village.
      const report = await call(app, 'GET', `/api/reports/committee-structure?org=${rootId}`, { cookie });
      expect(report.status).toBe(200);
      const text = JSON.stringify(await report.json());
      expect(text).toContain('老村');
      expect(text).not.toContain('新村');

      // An export: data from the standby, its registration and audit event written on the primary.
      const pdf = await call(app, 'GET', `/api/reports/committee-structure.pdf?org=${rootId}`, { cookie });
      expect(pdf.status).toBe(200);
      await pdf.arrayBuffer();
      const docs = async (url: string) =>
        withDb(url, async (db) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM document WHERE kind = 'committee_structure'`.execute(db)).rows[0]!.n);
      expect(await docs(primary.url)).toBe(1);
      expect(await docs(standby.url)).toBe(0);
    } finally {
      await withDb(standby.url, (db) => sql`SELECT pg_wal_replay_resume()`.execute(db));
    }

    // Replay resumed: the report catches up.
    await caughtUp();
    const cookie = await login(app, 'replica_admin');
    const after = JSON.stringify(await (await call(app, 'GET', `/api/reports/committee-structure?org=${rootId}`, { cookie })).json());
    expect(after).toContain('新村');
  });
});
