import { describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, migrateToLatest, sql } from '@qingfeng/db';
import { createApp } from '../app.ts';
import { call, createUser, login, TestClock, usingPostgres, type TestContext } from '../testing/harness.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { verifyAuditChain } from './queries.ts';
import { GENESIS_HASH } from './chain.ts';

const PER_WRITER = 50;

// PGlite has a single connection: two writers cannot overlap there, so this case needs PostgreSQL.
describe.skipIf(!usingPostgres())('audit chain under concurrent writers (PostgreSQL only; skipped on PGlite: one connection, no concurrency)', () => {
  it(`two API processes creating ${PER_WRITER} org units each keep one unforked chain`, async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'qf_concurrency');
    // Two handles = two connection pools, as two API processes would have.
    const one = await createDb({ url: scratch.url, max: 8 });
    const two = await createDb({ url: scratch.url, max: 8 });
    try {
      await migrateToLatest(one.db);
      const clock = new TestClock();
      const root = await insertOrg(one.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '并发街道' });
      const appOne = createApp({ db: one.db, clock, engine: one.engine });
      const appTwo = createApp({ db: two.db, clock, engine: two.engine });
      const t = { handle: one, app: appOne, clock, rootOrgId: root.id, rootPath: root.path, close: async () => {} } satisfies TestContext;
      await createUser(t, { username: 'racer', role: 'admin' });
      const cookie = await login(appOne, 'racer'); // sessions live in the database: valid on both
      const before = (await verifyAuditChain(one.db)) as { ok: true; count: number };
      expect(before.ok).toBe(true);

      const burst = (app: typeof appOne, prefix: string) =>
        Array.from({ length: PER_WRITER }, (_, i) =>
          call(app, 'POST', '/api/orgs', { cookie, json: { parentId: root.id, kind: 'village', name: `${prefix}${i}` } }).then((r) => r.status),
        );
      const statuses = await Promise.all([...burst(appOne, '甲'), ...burst(appTwo, '乙')]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(2 * PER_WRITER);

      const result = await verifyAuditChain(two.db);
      expect(result).toEqual({ ok: true, count: before.count + 2 * PER_WRITER });
      const rows = await one.db.selectFrom('audit_event').select(['id', 'prev_hash', 'hash']).orderBy('id').execute();
      // No fork: every prev_hash is used once, and each row links to the one before it.
      expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(rows.length);
      rows.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.hash));
      const created = await one.db
        .selectFrom('audit_event')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('kind', '=', 'org.created')
        .executeTakeFirstOrThrow();
      expect(created.n).toBe(2 * PER_WRITER);
    } finally {
      await one.close();
      await two.close();
      await scratch.drop();
    }
  });
});
