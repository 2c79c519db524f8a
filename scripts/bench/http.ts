// Requests through the real Hono app (createApp + app.request), as a logged-in user.
import type { Kysely } from 'kysely';
import type { Database, Role } from '@qingfeng/db';
import { createApp, type App } from '../../api/src/app.ts';
import { hashPassword } from '../../api/src/auth/tokens.ts';
import { insertUser } from '../../api/src/modules/users/queries.ts';
import type { BenchDb } from './engines.ts';

export const ORIGIN = 'http://qingfeng.bench';
const PASSWORD = 'Bench-Passw0rd!';

export interface Client {
  app: App;
  cookie: string;
  get(path: string): Promise<Response>;
  post(path: string, body: FormData): Promise<Response>;
}

function request(app: App, method: string, path: string, cookie: string | null, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { origin: ORIGIN, host: new URL(ORIGIN).host, 'user-agent': 'qingfeng-bench', ...init.headers };
  if (cookie) headers.cookie = cookie;
  return app.request(`${ORIGIN}${path}`, { method, headers, ...(init.body !== undefined && { body: init.body }) });
}

/** Creates a user with `role` at `orgUnitId`, logs in through POST /api/auth/login and returns a client. */
export async function loggedInClient(bench: BenchDb, db: Kysely<Database>, u: { username: string; role: Role; orgUnitId: number }, app: App = createApp({ db, engine: bench.engine })): Promise<Client> {
  await insertUser(db, {
    username: u.username,
    displayName: `基准测试（${u.username}）`,
    role: u.role,
    orgUnitId: u.orgUnitId,
    personId: null,
    passwordHash: await hashPassword(PASSWORD),
    mustChangePassword: false,
    now: new Date(),
  });
  const res = await request(app, 'POST', '/api/auth/login', null, {
    body: JSON.stringify({ username: u.username, password: PASSWORD }),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const m = /session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('login gave no session cookie');
  const cookie = `session=${m[1]}`;
  return {
    app,
    cookie,
    get: async (path) => request(app, 'GET', path, cookie),
    post: async (path, body) => request(app, 'POST', path, cookie, { body }),
  };
}

/** Fails loudly on a non-2xx answer (a crash of the benchmark, not a missed target). */
export async function expectOk(res: Response, what: string): Promise<Response> {
  if (res.status >= 200 && res.status < 300) return res;
  throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 500)}`);
}
