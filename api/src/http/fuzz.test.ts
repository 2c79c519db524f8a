// Property-based fuzz of every write route (issue 11, item 12). The routes come from the app's own route
// table, so a new POST/PUT/PATCH/DELETE is fuzzed without anyone listing it; only SKIPPED names routes
// left out, each with its reason. Each run picks a route, a role its guard admits (signed in), path and
// query parameters and a body that are almost what the route's own zod schemas accept and then broken
// one way (a field of the wrong type, missing, a prototype key, huge, control characters, odd numbers,
// impossible dates, nested junk, not JSON). Properties:
//   - never a 5xx; every 4xx has the { error: { code, message } } shape;
//   - a request the route's schemas refuse answers 4xx;
//   - a refused request (4xx) changes no row in any table (refusals that are recorded on purpose — failed
//     logins and link checks — are the only exception: login_throttle and their audit kinds).
// CI: a fixed seed and QF_FUZZ_RUNS runs (default 300). `pnpm fuzz` runs more with a random seed and prints it;
// QF_FUZZ_SEED=<seed> reproduces a run. Demo data gives the routes real objects to act on.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@qingfeng/db';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed.ts';
import { call, createTestContext, createUser, engineLabel, login, TEST_ORIGIN, TEST_PASSWORD, type TestContext } from '../testing/harness.ts';
import { badBody, badParam, badQuery } from '../testing/fuzz-arbitraries.ts';
import { guardOf } from './guard.ts';
import { controlCharacterPath, validatorSchemas } from './validate.ts';
import type { z } from 'zod';

const SEED = process.env.QF_FUZZ_SEED ? Number(process.env.QF_FUZZ_SEED) : 20_261_202;
const RUNS = Number(process.env.QF_FUZZ_RUNS ?? 300);
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Write routes the fuzz leaves out, with the reason. */
const SKIPPED: Record<string, string> = {
  'POST /api/auth/logout': 'takes no input; it would end the session the fuzz signs in with',
  // Multipart uploads: their file parsing is covered by the bounded-reader tests (excel/xlsx-reader*.test.ts,
  // http/hardening.test.ts) and the attachment tests; a JSON body is refused by the form validator anyway.
  'POST /api/roster/import/preview': 'multipart upload (xlsx reader tests)',
  'POST /api/roster/import/commit': 'multipart upload (xlsx reader tests)',
  'POST /api/talks/import/preview': 'multipart upload (xlsx reader tests)',
  'POST /api/talks/import/commit': 'multipart upload (xlsx reader tests)',
  'POST /api/sanctions/import/preview': 'multipart upload (xlsx reader tests)',
  'POST /api/sanctions/import/commit': 'multipart upload (xlsx reader tests)',
  'POST /api/decisions/register/import/preview': 'multipart upload (xlsx reader tests)',
  'POST /api/decisions/register/import/commit': 'multipart upload (xlsx reader tests)',
  'POST /api/attachments': 'multipart upload (attachments tests: type by magic bytes, size caps)',
  'POST /api/documents/verify': 'multipart upload of a file to compare (documents tests)',
  'POST /api/pledges/public/verify-document': 'multipart upload of a file to compare (pledge tests)',
};

/** Audit kinds that record a refusal on purpose (等保: failed logins are logged). */
const REFUSAL_AUDIT_KINDS = ['auth.login_failed', 'auth.lockout', 'pledge.link_failed', 'pledge.confirm_failed'];

interface WriteRoute {
  method: string;
  path: string;
  roles: string[];
  schemas: Partial<Record<'json' | 'param' | 'query' | 'form', z.ZodType>>;
}

let t: TestContext;
const cookies = new Map<Role, string>();
const ACCOUNTS: Record<Role, string> = { admin: 'fuzz_admin', org_office: 'dangjianban', inspector: 'jijian', auditor: 'shenji', secretary: 'cunshuji' };
let countQuery = '';
let accountRows: { id: number; username: string; role: Role; org_unit_id: number; password_hash: string }[] = [];

beforeAll(async () => {
  t = await createTestContext();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  await createUser(t, { username: 'fuzz_admin', role: 'admin' });
  accountRows = await t.handle.db.selectFrom('app_user').select(['id', 'username', 'role', 'org_unit_id', 'password_hash']).where('username', 'in', Object.values(ACCOUNTS)).execute();
  await signInAll();
  // One statement counting every table (a refused request must leave all of them as they were).
  const tables = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%' AND table_name <> 'login_throttle'
    ORDER BY table_name`.execute(t.handle.db);
  const kinds = REFUSAL_AUDIT_KINDS.map((k) => `'${k}'`).join(',');
  countQuery = tables.rows
    .map(({ name }) => `SELECT '${name}' AS t, count(*)::int AS n FROM "${name}"${name === 'audit_event' ? ` WHERE kind NOT IN (${kinds})` : ''}`)
    .join(' UNION ALL ');
}, 180_000);
afterAll(async () => {
  await t?.close();
});

async function signInAll() {
  for (const [role, username] of Object.entries(ACCOUNTS) as [Role, string][]) cookies.set(role, await login(t.app, username, role === 'admin' ? TEST_PASSWORD : DEMO_PASSWORD));
}

/**
 * Accepted admin writes may disable, lock, move or reset the passwords of the fuzz's own accounts (that is what the routes are
 * for); put them back and sign in again so later runs still reach their routes.
 */
async function repairAccounts() {
  const db = t.handle.db;
  for (const a of accountRows)
    await db
      .updateTable('app_user')
      .set({ username: a.username, disabled: false, must_change_password: false, role: a.role, org_unit_id: a.org_unit_id, password_hash: a.password_hash })
      .where('id', '=', a.id)
      .execute();
  await db.updateTable('org_unit').set({ active: true }).execute();
  await db.deleteFrom('login_throttle').execute();
  await signInAll();
}

async function counts(): Promise<Record<string, number>> {
  const r = await sql.raw<{ t: string; n: number }>(countQuery).execute(t.handle.db);
  return Object.fromEntries(r.rows.map((x) => [x.t, x.n]));
}

function writeRoutes(): WriteRoute[] {
  const byKey = new Map<string, WriteRoute>();
  for (const r of t.app.routes) {
    if (!WRITE_METHODS.has(r.method)) continue;
    const key = `${r.method} ${r.path}`;
    let route = byKey.get(key);
    if (!route) byKey.set(key, (route = { method: r.method, path: r.path, roles: guardOf(r.handler) ?? [], schemas: {} }));
    const vs = validatorSchemas.get(r.handler);
    if (vs) route.schemas[vs.target as keyof WriteRoute['schemas']] = vs.schema;
  }
  return [...byKey.values()];
}

const paramNames = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

function roleFor(route: WriteRoute, pick: number): Role | null {
  if (route.roles.includes('public')) return null;
  const roles = route.roles.includes('signed-in') ? ([...cookies.keys()] as Role[]) : (route.roles as Role[]);
  return roles[pick % roles.length]!;
}

interface Outcome {
  status: number;
  refusedBySchema: boolean;
}

describe(`write-route fuzz (${engineLabel()})`, () => {
  it('covers every write route of the app except the stated skips', () => {
    const routes = writeRoutes();
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const skipped of Object.keys(SKIPPED)) expect(keys, `skip list names a route that no longer exists: ${skipped}`).toContain(skipped);
    const fuzzed = routes.filter((r) => !SKIPPED[`${r.method} ${r.path}`]);
    expect(fuzzed.length).toBeGreaterThan(50);
    // Every fuzzed route validates what it takes: a body, a parameter or a query (or takes nothing).
    for (const r of fuzzed) expect(r.schemas.form, `${r.method} ${r.path} takes multipart: fuzz it or skip it with a reason`).toBeUndefined();
  });

  it(`answers generated bad requests with 4xx and writes nothing (seed ${SEED}, ${RUNS} runs)`, async () => {
    const routes = writeRoutes().filter((r) => !SKIPPED[`${r.method} ${r.path}`]);
    const tally = { requests: 0, refusedBySchema: 0, refusedOther: 0, accepted: 0, byStatus: new Map<number, number>() };
    let before = await counts();
    const started = Date.now();

    const request = fc
      .tuple(fc.constantFrom(...routes), fc.nat())
      .chain(([route, rolePick]) =>
        fc.record({
          route: fc.constant(route),
          role: fc.constant(roleFor(route, rolePick)),
          params: fc.tuple(...paramNames(route.path).map((n) => badParam(route.schemas.param, n))),
          query: badQuery(route.schemas.query),
          body: badBody(route.schemas.json),
        }),
      );

    const property = fc.asyncProperty(request, async ({ route, role, params, query, body }) => {
      const names = paramNames(route.path);
      let path = route.path;
      names.forEach((n, i) => (path = path.replace(new RegExp(`:${n}(\\{[^}]*\\})?\\??`), encodeURIComponent(params[i]!))));
      const qs = new URLSearchParams(query).toString();
      const cookie = role ? cookies.get(role) : undefined;
      const res = await t.app.request(`${TEST_ORIGIN}${path}${qs ? `?${qs}` : ''}`, {
        method: route.method,
        headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', 'content-type': 'application/json', ...(cookie && { cookie }) },
        body: body.text,
      });
      const text = Buffer.from(await res.arrayBuffer());
      const outcome: Outcome = { status: res.status, refusedBySchema: refusedBySchema(route, names, params, query, body.text) };
      tally.requests++;
      tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
      const where = `${route.method} ${route.path} as ${role ?? 'anonymous'} → ${res.status}; path ${path}; body ${body.mutation} ${body.text.slice(0, 200)}`;

      expect(res.status, `${where}\n${text.toString('utf8').slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) {
        const json = JSON.parse(text.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
        expect(typeof json.error?.code, where).toBe('string');
        expect(typeof json.error?.message, where).toBe('string');
        expect((json.error!.message as string).length, where).toBeGreaterThan(0);
        const after = await counts();
        expect(after, `${where}: a refused request changed rows`).toEqual(before);
        if (outcome.refusedBySchema) tally.refusedBySchema++;
        else tally.refusedOther++;
        if (res.status === 401 && role) {
          await repairAccounts();
          before = await counts(); // signing in again writes sessions and their audit events
        }
      } else {
        expect(outcome.refusedBySchema, `${where}: accepted what its own schema refuses`).toBe(false);
        tally.accepted++;
        if (/^\/api\/(users|orgs|settings)/.test(route.path)) await repairAccounts();
        before = await counts();
      }
    });

    await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[fuzz] ${engineLabel()} seed ${SEED}: ${tally.requests} requests over ${routes.length} routes in ${seconds.toFixed(1)} s — ` +
        `${tally.refusedBySchema} refused by validation, ${tally.refusedOther} refused later (4xx), ${tally.accepted} accepted; ` +
        `statuses ${[...tally.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`,
    );
    // The generator must reach past validation, or the fuzz only tests zod.
    expect(tally.refusedOther + tally.accepted).toBeGreaterThan(RUNS / 10);
  }, Math.max(600_000, RUNS * 1_000));

  it('still answers health after the fuzz (no request took the app down)', async () => {
    const res = await call(t.app, 'GET', '/api/health');
    expect(res.status).toBe(200);
  });
});

/** Whether the route's own validators refuse this request (then it must be a 4xx). */
function refusedBySchema(route: WriteRoute, names: string[], params: string[], query: Record<string, string>, bodyText: string): boolean {
  const { param, json, query: q } = route.schemas;
  const paramValues = Object.fromEntries(names.map((n, i) => [n, params[i]]));
  if (controlCharacterPath(paramValues) || controlCharacterPath(query)) return true;
  if (param && !param.safeParse(paramValues).success) return true;
  if (q && !q.safeParse(query).success) return true;
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      return true;
    }
    if (controlCharacterPath(parsed) || !json.safeParse(parsed).success) return true;
  }
  return false;
}
