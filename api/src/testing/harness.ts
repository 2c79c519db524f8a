// Test harness: a freshly migrated database per test file — PGlite by default (cloned from one
// migrated snapshot, made once per run by global-setup.ts), or a new database on TEST_DATABASE_URL's server.
import { existsSync, readFileSync } from 'node:fs';
import { createDb, createScratchDatabase, migrateToLatest, type CreateDbOptions, type DbHandle, type Role } from '@qingfeng/db';
import { createApp, type App } from '../app.ts';
import type { Clock } from '../context.ts';
import { hashPassword } from '../auth/tokens.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { insertUser } from '../modules/users/queries.ts';

export const TEST_ORIGIN = 'http://qingfeng.test';
export const TEST_PASSWORD = 'Test-Passw0rd!';

let snapshot: Promise<Blob> | null = null;

async function pgliteSnapshot(): Promise<Blob> {
  // Made once per run by global-setup.ts; without it (another runner), migrate here.
  const file = process.env.QF_PGLITE_SNAPSHOT;
  if (file && existsSync(file)) return new Blob([readFileSync(file)]);
  const h = await createDb({ url: undefined, dataDir: 'memory://' });
  await migrateToLatest(h.db);
  const blob = await h.pglite!.dumpDataDir('none');
  await h.close();
  return blob;
}

/** The migrated, empty PGlite database of this run as a snapshot (to unpack into a data directory). */
export function migratedPgliteSnapshot(): Promise<Blob> {
  snapshot ??= pgliteSnapshot();
  return snapshot;
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);
export const engineLabel = () => (usingPostgres() ? 'postgresql' : 'pglite');

/** A new, migrated, empty database. */
export async function createTestDb(options: { log?: CreateDbOptions['log'] } = {}): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    snapshot ??= pgliteSnapshot();
    return createDb({ url: undefined, loadDataDir: await snapshot, log: options.log });
  }
  const scratch = await createScratchDatabase(url, 'qf_test');
  const handle = await createDb({ url: scratch.url, max: 5, log: options.log });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

export class TestClock implements Clock {
  constructor(public current = new Date('2026-03-02T02:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestContext {
  handle: DbHandle;
  app: App;
  clock: TestClock;
  rootOrgId: number;
  rootPath: string;
  close(): Promise<void>;
}

/** Database + app + a root subdistrict. */
export async function createTestContext(): Promise<TestContext> {
  const handle = await createTestDb();
  const clock = new TestClock();
  const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '测试街道' });
  const app = createApp({ db: handle.db, clock, engine: handle.engine });
  return { handle, app, clock, rootOrgId: root.id, rootPath: root.path, close: () => handle.close() };
}

let passwordHash: Promise<string> | null = null;

export async function createUser(t: TestContext, u: { username: string; role: Role; orgUnitId?: number; mustChangePassword?: boolean; personId?: number }) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return insertUser(t.handle.db, {
    username: u.username,
    displayName: u.username,
    role: u.role,
    orgUnitId: u.orgUnitId ?? t.rootOrgId,
    personId: u.personId ?? null,
    passwordHash: await passwordHash,
    mustChangePassword: u.mustChangePassword ?? false,
    now: t.clock.now(),
  });
}

export async function createOrg(t: TestContext, parentId: number, kind: 'village' | 'community' | 'subdistrict' | 'grid', name: string) {
  const parent = await t.handle.db.selectFrom('org_unit').select('path').where('id', '=', parentId).executeTakeFirstOrThrow();
  return insertOrg(t.handle.db, { parentId, parentPath: parent.path, kind, name });
}

export interface RequestOptions {
  cookie?: string | undefined;
  json?: unknown;
  headers?: Record<string, string>;
}

/** A same-origin request, as the browser would send it. */
export async function call(app: App, method: string, path: string, o: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: TEST_ORIGIN, host: 'qingfeng.test', ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  return app.request(`${TEST_ORIGIN}${path}`, { method, headers, ...(o.json !== undefined && { body: JSON.stringify(o.json) }) });
}

/** Logs in and returns the `session=…` cookie to send with later requests. */
export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await call(app, 'POST', '/api/auth/login', { json: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const m = /session=([^;]+)/.exec(setCookie);
  if (!m) throw new Error('no session cookie');
  return `session=${m[1]}`;
}

export async function createUserAndLogin(t: TestContext, u: Parameters<typeof createUser>[1]) {
  const user = await createUser(t, u);
  return { user, cookie: await login(t.app, u.username) };
}
