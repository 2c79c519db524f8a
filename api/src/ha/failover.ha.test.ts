// Issue 12, must-haves 6a and 6c on real processes (two app instances over two pools are tested in
// auth/request-path.test.ts and audit/concurrency.test.ts): a pg_auto_failover formation (monitor + primary +
// secondary, Debian's postgresql-15-auto-failover) on free loopback ports, and two API processes
// (src/server.ts) whose DATABASE_URL names both nodes with target_session_attrs=read-write. Under a
// steady load of writes through both processes the primary is killed (its supervisor, postgres and
// every backend: SIGKILL to the process group, as a machine that dies). The monitor promotes the
// secondary; postgres.js's next connections skip the dead and the read-only nodes; no write that was
// acknowledged (201) is missing afterwards, and the audit chain still verifies.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, sql } from '@qingfeng/db';
import { createApp } from '../app.ts';
import { verifyAuditChain } from '../audit/queries.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { createUser, TEST_PASSWORD, TestClock, type TestContext } from '../testing/harness.ts';
import { freePort, haUnavailable, killGroup, makeWorkDir, PG_AUTOCTL, PG_BIN, pgSpawn, removeWorkDir, tail, waitFor, withDb } from './clusters.ts';

const unavailable = haUnavailable(true);
if (unavailable) throw new Error(`the failover test cannot run here: ${unavailable}`);

const API_DIR = resolve(import.meta.dirname, '../..');
const WORKERS = 6;

/** The monitor's view: "port:reported/goal" per node. */
type NodeState = { port: number; reported: string; goal: string };

describe('failover with pg_auto_failover under load, two API processes', () => {
  let work: string;
  const keepers: Record<string, ChildProcess> = {};
  const apis: ChildProcess[] = [];
  let monitorUrl: string;
  let ports: { monitor: number; node1: number; node2: number; api1: number; api2: number };
  let dbUrl: string;
  let rootId: number;

  const autoctlEnv = () => ({
    PATH: `${PG_BIN}:/usr/bin:/bin`,
    // pg_autoctl keeps its state under XDG dirs and talks to its postgres over this socket directory.
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_DATA_HOME: join(work, 'data'),
    XDG_RUNTIME_DIR: join(work, 'run'),
    PG_REGRESS_SOCK_DIR: work,
    PGHOST: work,
  });

  const startKeeper = (name: string, args: string[]) => {
    keepers[name] = pgSpawn(PG_AUTOCTL, args, autoctlEnv(), join(work, `${name}.log`));
  };

  const states = () =>
    withDb(`postgres://postgres@127.0.0.1:${ports.monitor}/pg_auto_failover`, async (db) =>
      (await sql<NodeState>`SELECT nodeport AS port, reportedstate::text AS reported, goalstate::text AS goal FROM pgautofailover.node ORDER BY nodeid`.execute(db)).rows,
    );
  const waitStates = (what: string, ok: (s: NodeState[]) => boolean, ms = 120_000) =>
    waitFor(what, async () => ok(await states()), ms, 500).catch(async (err) => {
      throw new Error(`${String(err)}\nstates: ${JSON.stringify(await states().catch(() => null))}\n${['monitor', 'node1', 'node2'].map((n) => `--- ${n}\n${tail(join(work, `${n}.log`), 15)}`).join('\n')}`);
    });
  const is = (s: NodeState[], port: number, state: string) => s.some((n) => n.port === port && n.reported === state && n.goal === state);

  const api = (i: 0 | 1) => `http://127.0.0.1:${i === 0 ? ports.api1 : ports.api2}`;
  const request = (i: 0 | 1, method: string, path: string, o: { cookie?: string; json?: unknown } = {}) =>
    fetch(`${api(i)}${path}`, {
      method,
      headers: { origin: api(i), ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
      signal: AbortSignal.timeout(20_000),
    });

  beforeAll(async () => {
    work = makeWorkDir('qf-failover-');
    ports = { monitor: await freePort(), node1: await freePort(), node2: await freePort(), api1: await freePort(), api2: await freePort() };
    const common = ['--hostname', '127.0.0.1', '--listen', '127.0.0.1', '--auth', 'trust', '--no-ssl'];

    startKeeper('monitor', ['create', 'monitor', '--pgdata', join(work, 'monitor'), '--pgport', String(ports.monitor), ...common, '--run']);
    monitorUrl = `postgres://autoctl_node@127.0.0.1:${ports.monitor}/pg_auto_failover?sslmode=disable`;
    await waitFor('the monitor', async () => (await states(), true), 90_000, 500);
    // Defaults wait 20 s before calling a node unhealthy and 30 s for a lost primary to demote itself;
    // a test on loopback can decide in a few seconds.
    await withDb(`postgres://postgres@127.0.0.1:${ports.monitor}/pg_auto_failover`, async (db) => {
      for (const [k, v] of Object.entries({
        health_check_period: 1000,
        health_check_timeout: 1000,
        health_check_max_retries: 1,
        health_check_retry_delay: 500,
        node_considered_unhealthy_timeout: 3000,
        primary_demote_timeout: 3000,
      }))
        await sql.raw(`ALTER SYSTEM SET pgautofailover.${k} = ${v}`).execute(db);
      await sql`SELECT pg_reload_conf()`.execute(db);
    });

    const node = (name: string, port: number) => ['create', 'postgres', '--pgdata', join(work, name), '--pgport', String(port), ...common, '--monitor', monitorUrl, '--run'];
    startKeeper('node1', node('node1', ports.node1));
    await waitStates('node1 to run alone', (s) => is(s, ports.node1, 'single'));
    startKeeper('node2', node('node2', ports.node2));
    await waitStates('node1 primary, node2 secondary', (s) => is(s, ports.node1, 'primary') && is(s, ports.node2, 'secondary'));

    dbUrl = `postgres://postgres@127.0.0.1:${ports.node1},127.0.0.1:${ports.node2}/postgres?target_session_attrs=read-write`;
    const handle = await createDb({ url: dbUrl, max: 2 });
    try {
      await migrateToLatest(handle.db);
      const clock = new TestClock();
      const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '切换街道' });
      rootId = root.id;
      const t = { handle, app: createApp({ db: handle.db, clock, engine: handle.engine }), clock, rootOrgId: root.id, rootPath: root.path, close: async () => {} } satisfies TestContext;
      await createUser(t, { username: 'failover_admin', role: 'admin' });
    } finally {
      await handle.close();
    }

    for (const [i, port] of [ports.api1, ports.api2].entries()) {
      const log = openSync(join(work, `api${i + 1}.log`), 'a');
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1' };
      delete env.TEST_DATABASE_URL;
      delete env.DATABASE_READ_URL;
      delete env.QINGFENG_DEMO;
      apis.push(spawn(join(API_DIR, 'node_modules/.bin/tsx'), ['src/server.ts'], { cwd: API_DIR, env, detached: true, stdio: ['ignore', log, log] }));
    }
    for (const i of [0, 1] as const)
      await waitFor(`API process ${i + 1}`, async () => (await request(i, 'GET', '/api/health')).ok, 90_000, 500).catch((err) => {
        throw new Error(`${String(err)}\n${tail(join(work, `api${i + 1}.log`))}`);
      });
  }, 240_000);

  afterAll(async () => {
    for (const p of apis) killGroup(p);
    for (const k of Object.values(keepers)) killGroup(k);
    if (work && process.env.QINGFENG_HA_KEEP !== '1') {
      await new Promise((r) => setTimeout(r, 500));
      removeWorkDir(work);
    } else if (work) console.log(`[failover] kept ${work}`);
  });

  const signIn = async (i: 0 | 1) => {
    const res = await request(i, 'POST', '/api/auth/login', { json: { username: 'failover_admin', password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    return /session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  };

  it('two API processes share sessions and see each other\'s setting changes at once', async () => {
    const cookie = await signIn(0);
    // The session made by process 1 is valid on process 2.
    expect((await request(1, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    // A second session, made two hours old (as an operator could in SQL): valid under the default
    // 12-hour lifetime, which process 2 now has cached.
    const old = await signIn(0);
    const oldId = old.slice('session='.length).split('.')[0]!;
    await withDb(dbUrl, (db) => sql`UPDATE session SET created_at = now() - interval '2 hours' WHERE id = ${oldId}`.execute(db));
    expect((await request(1, 'GET', '/api/auth/me', { cookie: old })).status).toBe(200);
    // Process 1 shortens the lifetime to one hour; process 2 ends the old session on its next request.
    expect((await request(0, 'PUT', '/api/settings/session.absoluteHours', { cookie, json: { value: 1 } })).status).toBe(200);
    expect((await request(1, 'GET', '/api/auth/me', { cookie: old })).status).toBe(401);
    expect((await request(1, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
  });

  it('a primary killed under load: the API reconnects to the promoted node and loses no acknowledged write', async () => {
    const cookie = await signIn(0);

    const acked: string[] = [];
    let failed = 0;
    let killedAt = 0;
    let lastFailureAt = 0;
    let okAfterKill = 0;
    let stop = false;
    let seq = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const name = `负载${w}-${seq++}`;
        try {
          const r = await request((w % 2) as 0 | 1, 'POST', '/api/orgs', { cookie, json: { parentId: rootId, kind: 'village', name } });
          await r.arrayBuffer();
          if (r.status === 201) {
            acked.push(name);
            if (killedAt && Date.now() > killedAt) okAfterKill++;
          } else {
            failed++;
            lastFailureAt = Date.now();
          }
        } catch {
          failed++;
          lastFailureAt = Date.now();
        }
        // A failing request returns at once; do not spin while the formation fails over.
        if (lastFailureAt && Date.now() - lastFailureAt < 50) await new Promise((r) => setTimeout(r, 100));
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    await waitFor('writes before the kill', async () => acked.length >= 30, 60_000, 100);
    const beforeKill = acked.length;
    killedAt = Date.now();
    killGroup(keepers.node1!);
    await waitStates('node2 promoted', (s) => s.some((n) => n.port === ports.node2 && ['wait_primary', 'primary'].includes(n.reported)), 90_000);
    const promotedAt = Date.now();
    // Keep writing until both processes have written through the new primary for a while.
    await waitFor('writes after the failover', async () => okAfterKill >= 40 && Date.now() - promotedAt > 2000, 90_000, 100);
    stop = true;
    await load;
    console.log(
      `[failover] acknowledged ${acked.length} writes (${beforeKill} before the kill), ${failed} failed during the failover; ` +
        `promotion ${((promotedAt - killedAt) / 1000).toFixed(1)} s after the kill, last failure ${lastFailureAt ? ((lastFailureAt - killedAt) / 1000).toFixed(1) : '-'} s after it`,
    );

    const check = await createDb({ url: dbUrl, max: 1 });
    try {
      // The pool now reaches node2, the only node that accepts writes.
      const where = (await sql<{ port: number; recovery: boolean }>`SELECT inet_server_port() AS port, pg_is_in_recovery() AS recovery`.execute(check.db)).rows[0]!;
      expect(where).toEqual({ port: ports.node2, recovery: false });
      const names = new Set((await check.db.selectFrom('org_unit').select('name').where('parent_id', '=', rootId).execute()).map((r) => r.name));
      const lost = acked.filter((n) => !names.has(n));
      expect(lost).toEqual([]);
      // Every org row has its audit event, and the chain written by two processes across two servers is one.
      const chain = await verifyAuditChain(check.db);
      expect(chain.ok).toBe(true);
      const events = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event WHERE kind = 'org.created'`.execute(check.db)).rows[0]!.n;
      expect(events).toBe(names.size);
    } finally {
      await check.close();
    }
  });

  it('after the failover a document made by one process is verified by the other', async () => {
    const cookie = await signIn(1);
    const pdf = await request(0, 'GET', `/api/reports/committee-structure.pdf?org=${rootId}`, { cookie });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    const form = new FormData();
    form.set('file', new File([bytes], 'doc.pdf', { type: 'application/pdf' }));
    // The file hash is recorded when the stream ends; give that write a moment on process 1.
    const verified = await waitFor(
      'the document to verify on process 2',
      async () => {
        const r = await fetch(`${api(1)}/api/documents/verify`, { method: 'POST', headers: { origin: api(1), cookie }, body: form });
        const v = (await r.json()) as { match: boolean };
        return r.status === 200 && v.match ? v : null;
      },
      10_000,
      250,
    );
    expect(verified.match).toBe(true);
  });
});
