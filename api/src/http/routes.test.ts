import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, type TestContext } from '../testing/harness.ts';
import type { AppEnv } from '../context.ts';
import { allow, guardOf, publicRoute, unguardedRoutes } from './guard.ts';
import { v, idParam } from './validate.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

/** Every METHOD+path the app serves (Hono lists a route once per handler; ALL = use()). */
function routeKeys(routes: readonly { method: string; path: string }[]) {
  return [...new Set(routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}

describe(`routes (${engineLabel()})`, () => {
  it('every route starts with a guard (deny by default)', () => {
    const keys = routeKeys(t.app.routes);
    expect(keys.length).toBeGreaterThan(15);
    expect(unguardedRoutes(t.app.routes)).toEqual([]);
    // The same, spelled out: the first handler of each route is a guard with stated roles.
    for (const key of keys) {
      const first = t.app.routes.find((r) => `${r.method} ${r.path}` === key)!;
      expect(guardOf(first.handler), key).toBeDefined();
      expect(guardOf(first.handler)!.length, key).toBeGreaterThan(0);
    }
  });

  it('detects a route without a guard, or with its guard after other handlers', () => {
    const leaky = new Hono<AppEnv>()
      .use('*', async (_c, next) => next())
      .get('/guarded', allow('admin'), (c) => c.json({}))
      .get('/open', (c) => c.json({ secret: true }))
      .get('/late/:id', v('param', idParam), allow('admin'), (c) => c.json({}))
      .post('/public', publicRoute(), (c) => c.json({}));
    expect(unguardedRoutes(leaky.routes).sort()).toEqual(['GET /late/:id', 'GET /open']);
    // Mounted beside the real app, the leak is found too.
    const combined = new Hono<AppEnv>().route('/', t.app).get('/api/leak', (c) => c.json({}));
    expect(unguardedRoutes(combined.routes)).toEqual(['GET /api/leak']);
  });

  it('GET /api/openapi.json lists every route with its method and roles', async () => {
    const res = await call(t.app, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-roles'?: string[]; requestBody?: unknown }>> };
    expect(doc.openapi).toMatch(/^3\./);
    const keys = routeKeys(t.app.routes);
    for (const key of keys) {
      const [method, path] = key.split(' ') as [string, string];
      const openApiPath = path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}');
      const op = doc.paths[openApiPath]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      expect(op!['x-roles'], key).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented).toHaveLength(keys.length);
    // Spot checks: the contract of issue 2.
    expect(doc.paths['/api/health']?.get?.['x-roles']).toEqual(['public']);
    expect(doc.paths['/api/auth/login']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/api/orgs']?.post?.['x-roles']).toEqual(['admin']);
    expect(doc.paths['/api/audit-events/verify']?.get).toBeDefined();
  });

  it('GET /api/health answers ok with the engine in use', async () => {
    const res = await call(t.app, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: engineLabel() });
    expect(t.handle.engine).toBe(engineLabel());
  });

  it('answers malformed JSON and out-of-range ids with a Chinese 400, not a 500', async () => {
    const bad = await t.app.request('http://qingfeng.test/api/auth/login', {
      method: 'POST',
      headers: { origin: 'http://qingfeng.test', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(body.error.message).not.toMatch(/Malformed/);
  });
});
