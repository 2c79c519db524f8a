// Security review #11, finding 10: control characters, forwarded headers, deactivated orgs, the
// secretary's document look-up, implausible dates and oversized bodies.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { Hono } from 'hono';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, login, TEST_ORIGIN, TEST_PASSWORD, type TestContext } from '../testing/harness.ts';
import { personBody } from '../modules/roster/test-helpers.ts';
import { handleError } from './errors.ts';
import { controlCharacterPath } from './validate.ts';

let t: TestContext;
let village: { id: number };
let other: { id: number };
let admin = '';
let office = '';

interface ApiError {
  error: { code: string; message: string };
}

beforeAll(async () => {
  t = await createTestContext();
  village = await createOrg(t, t.rootOrgId, 'village', '柳河村');
  other = await createOrg(t, t.rootOrgId, 'village', '杨庄村');
  admin = (await createUserAndLogin(t, { username: 'admin1', role: 'admin' })).cookie;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  delete process.env.QINGFENG_TRUST_PROXY;
});

async function status(res: Response) {
  return { status: res.status, body: (await res.json()) as ApiError };
}

describe(`input hardening (${engineLabel()})`, () => {
  it('refuses NUL and other control characters with a 400 in every body, query and parameter', async () => {
    const nul = 'a\u0000b';
    const cases: [string, string, unknown?][] = [
      ['POST', '/api/auth/login', { username: nul, password: 'x' }],
      ['POST', '/api/auth/login', { username: 'admin1', password: `p${'\u0000'}` }],
      ['POST', '/api/people', { ...personBody(village.id), name: nul }],
      ['POST', '/api/people', { ...personBody(village.id), phone: '138\u0007000000' }],
      ['POST', '/api/orgs', { parentId: t.rootOrgId, kind: 'village', name: nul }],
      ['PATCH', `/api/orgs/${village.id}`, { name: '柳河\u001b村' }],
      ['GET', `/api/people?search=${encodeURIComponent(nul)}`],
      ['GET', `/api/users?search=${encodeURIComponent('x\u0000')}`],
      ['POST', '/api/people', { ...personBody(village.id), name: 'x\ud800' }],
    ];
    for (const [method, path, json] of cases) {
      const r = await status(await call(t.app, method, path, { cookie: path.startsWith('/api/orgs') || path.startsWith('/api/users') ? admin : office, ...(json !== undefined && { json }) }));
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.error.code).toBe('validation');
      expect(r.body.error.message).toMatch(/控制字符/);
    }
    // Tabs and line breaks are text.
    expect(controlCharacterPath({ a: ['x\ty\r\nz'] })).toBeNull();
    expect(controlCharacterPath({ a: ['ok', { b: 'x\u0000' }] })).toEqual(['a', 1, 'b']);
  });

  it('treats a session cookie with a NUL byte as no session (401, not 500)', async () => {
    // Percent-encoded, as a header cannot carry the byte itself; the cookie parser decodes it.
    for (const cookie of ['session=abc%00def.ghi', 'session=%00', `session=${'a'.repeat(5000)}.b`]) {
      const res = await call(t.app, 'GET', '/api/auth/me', { cookie });
      expect(res.status, cookie.slice(0, 30)).toBe(401);
    }
  });

  it('answers 400 for characters the database refuses (22021, 22P05), never a 500', async () => {
    const app = new Hono();
    for (const code of ['22021', '22P05']) {
      app.get(`/${code}`, () => {
        throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      });
    }
    app.onError(handleError);
    for (const code of ['22021', '22P05']) expect((await app.request(`/${code}`)).status).toBe(400);
  });

  it('refuses implausible dates per field', async () => {
    for (const [birthDate, ok] of [
      ['1899-12-31', false],
      ['1900-01-01', true],
    ] as const) {
      const body = personBody(village.id, { birthDate, n: ok ? 401 : 402 });
      const r = await call(t.app, 'POST', '/api/people', { cookie: office, json: body });
      expect(r.status, birthDate).toBe(ok ? 201 : 400);
    }
    // A birth date in the future is refused by the roster rules (today is 2026-03-02 in the test clock).
    expect((await call(t.app, 'POST', '/api/people', { cookie: office, json: personBody(village.id, { birthDate: '2026-03-03', n: 403 }) })).status).toBe(400);
    const term = await call(t.app, 'POST', '/api/terms', { cookie: office, json: { orgUnitId: village.id, ordinal: 1, electionDate: '2021-01-10', startDate: '2021-01-10', endDate: '9999-12-31' } });
    expect(term.status).toBe(400);
    expect(((await term.json()) as ApiError).error.message).toMatch(/1900-01-01 至 2100-12-31/);
    expect((await call(t.app, 'GET', '/api/reports/committee-structure?asOf=0001-01-01', { cookie: office })).status).toBe(400);
  });

  it('answers 413 with the limit for bodies over it (JSON 1 MB; the import its own 20 MB)', async () => {
    const big = await status(await call(t.app, 'POST', '/api/orgs', { cookie: admin, json: { parentId: t.rootOrgId, kind: 'village', name: 'x'.repeat(1_100_000) } }));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/上限为 1 MB/);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(21 * 1024 * 1024)]), 'roster.xlsx');
    const res = await t.app.request(`${TEST_ORIGIN}/api/roster/import/preview`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: office }, body: form });
    const upload = await status(res);
    expect(upload.status).toBe(413);
    expect(upload.body.error.message).toMatch(/20 MB/);
  });
});

describe(`forwarded headers, deactivated orgs, documents (${engineLabel()})`, () => {
  it('believes X-Forwarded-* only with QINGFENG_TRUST_PROXY=1', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    // Without it: a page on evil.example cannot pass the CSRF check by naming itself as the host…
    const csrf = await call(t.app, 'POST', '/api/orgs', { cookie: admin, json: { parentId: t.rootOrgId, kind: 'village', name: '新村' }, headers: { ...forwarded, origin: 'https://evil.example' } });
    expect(csrf.status).toBe(403);
    // …the login cookie is not marked Secure, and the address is not recorded from the header.
    const res = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'office', password: TEST_PASSWORD }, headers: forwarded });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/i);
    const last = () => t.handle.db.selectFrom('audit_event').select('ip').where('kind', '=', 'auth.login').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect((await last()).ip).not.toBe('203.0.113.9');

    process.env.QINGFENG_TRUST_PROXY = '1';
    const trusted = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'office', password: TEST_PASSWORD }, headers: { ...forwarded, 'x-forwarded-host': 'qingfeng.test' } });
    expect(trusted.status).toBe(200);
    expect(trusted.headers.get('set-cookie')).toMatch(/Secure/i);
    expect((await last()).ip).toBe('203.0.113.9');
    // A client-chosen entry before the one our proxy appended is not believed.
    const spoofed = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'office', password: TEST_PASSWORD }, headers: { ...forwarded, 'x-forwarded-for': '198.51.100.1, 203.0.113.10', 'x-forwarded-host': 'qingfeng.test' } });
    expect(spoofed.status).toBe(200);
    expect((await last()).ip).toBe('203.0.113.10');
  });

  it('deactivating an org ends its users’ sessions and refuses their logins', async () => {
    const grid = await createOrg(t, village.id, 'grid', '一网格');
    const { cookie } = await createUserAndLogin(t, { username: 'gridsec', role: 'secretary', orgUnitId: grid.id });
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(200);
    expect((await call(t.app, 'POST', `/api/orgs/${grid.id}/deactivate`, { cookie: admin })).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/auth/me', { cookie })).status).toBe(401);
    const again = await call(t.app, 'POST', '/api/auth/login', { json: { username: 'gridsec', password: TEST_PASSWORD } });
    expect(again.status).toBe(403);
    expect(((await again.json()) as ApiError).error.message).toMatch(/所属组织已停用/);
    expect((await call(t.app, 'POST', `/api/orgs/${grid.id}/activate`, { cookie: admin })).status).toBe(200);
    await login(t.app, 'gridsec');
  });

  it('lets a secretary look up their own village’s documents, not others’', async () => {
    const secretary = (await createUserAndLogin(t, { username: 'sec', role: 'secretary', orgUnitId: village.id })).cookie;
    const own = await call(t.app, 'GET', `/api/orgs/${village.id}/roster.pdf`, { cookie: secretary });
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    const number = own.headers.get('x-document-number')!;
    expect((await call(t.app, 'GET', `/api/documents/${number}`, { cookie: secretary })).status).toBe(200);
    const foreign = await call(t.app, 'GET', `/api/orgs/${other.id}/roster.pdf`, { cookie: office });
    await foreign.arrayBuffer();
    expect((await call(t.app, 'GET', `/api/documents/${foreign.headers.get('x-document-number')}`, { cookie: secretary })).status).toBe(404);
  });
});

describe(`security headers (${engineLabel()})`, () => {
  it('sends no-store, nosniff, frame denial and a closed CSP on every API response, errors included', async () => {
    const responses = [
      await call(t.app, 'GET', '/api/auth/me', { cookie: office }),
      await call(t.app, 'GET', '/api/people', { cookie: office }),
      await call(t.app, 'GET', '/api/people/999999', { cookie: office }),
      await call(t.app, 'GET', '/api/no-such-route'),
      await call(t.app, 'POST', '/api/auth/login', { json: { username: 'x' } }),
      await call(t.app, 'GET', `/api/orgs/${village.id}/roster.pdf`, { cookie: office }),
    ];
    for (const res of responses) {
      await res.arrayBuffer();
      expect(res.headers.get('cache-control'), res.url).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toContain('camera=()');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    const https = await t.app.request('https://qingfeng.test/api/auth/me', { headers: { cookie: office } });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });
});

describe(`fault logs (${engineLabel()})`, () => {
  it('logs a 500 as error class and reference only: no SQL, no parameters, no ID numbers', async () => {
    const idNumber = personBody(village.id, { n: 450 }).idNumber;
    const app = new Hono();
    // A database error carrying an ID number as a parameter (division by zero: not mapped to a 4xx).
    app.get('/boom', async () => {
      await sql`SELECT 1 / 0 WHERE ${idNumber}::text = ${idNumber}::text`.execute(t.handle.db);
      return new Response('unreachable');
    });
    app.onError(handleError);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await app.request('/boom');
      expect(res.status).toBe(500);
      const body = (await res.json()) as ApiError;
      const ref = /参考编号 ([0-9a-f]{8})/.exec(body.error.message)?.[1];
      expect(ref).toBeDefined();
      const logged = errors.mock.calls.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')).join('\n');
      expect(logged).toContain(`ref ${ref}`);
      expect(logged).toMatch(/\[22012\]/);
      expect(logged).not.toContain(idNumber);
      expect(logged).not.toMatch(/SELECT|division/i);
    } finally {
      errors.mockRestore();
    }
  });
});
