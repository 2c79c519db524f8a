// pnpm backup / pnpm restore (issue 11, item 14), run as a user runs them: back up a database with audited
// records, restore into a fresh data directory (PGlite) or a new empty database (PostgreSQL, when
// TEST_DATABASE_URL is set), and compare the row count of every table and the audit chain's head hash.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, databaseFacts, migrateToLatest, type DatabaseFacts, type DbHandle } from '@qingfeng/db';
import { createApp } from '../app.ts';
import { verifyAuditChain } from '../audit/queries.ts';
import { hashPassword } from '../auth/tokens.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { insertUser } from '../modules/users/queries.ts';
import { call, engineLabel, login, migratedPgliteSnapshot, TEST_PASSWORD, TestClock, usingPostgres } from '../testing/harness.ts';
import { runScript } from '../testing/processes.ts';

const work = mkdtempSync(join(tmpdir(), 'qf-backup-'));
const drops: (() => Promise<void>)[] = [];
let source: { env: Record<string, string>; facts: DatabaseFacts };
let target: { env: Record<string, string>; open: () => Promise<DbHandle> };

/** Some audited records, written through the API. */
async function fill(handle: DbHandle) {
  const clock = new TestClock();
  const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '备份街道' });
  await insertUser(handle.db, { username: 'bk_admin', displayName: '管理员', role: 'admin', orgUnitId: root.id, personId: null, passwordHash: await hashPassword(TEST_PASSWORD), mustChangePassword: false, now: clock.now() });
  const app = createApp({ db: handle.db, clock, engine: handle.engine });
  const cookie = await login(app, 'bk_admin');
  for (const name of ['东村', '西村', '南村', '北村']) {
    const res = await call(app, 'POST', '/api/orgs', { cookie, json: { parentId: root.id, kind: 'village', name } });
    expect(res.status).toBe(201);
  }
  const facts = await databaseFacts(handle.db);
  expect(facts.audit.count).toBeGreaterThan(4);
  return facts;
}

beforeAll(async () => {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const src = await createScratchDatabase(server, 'qf_bksrc');
    const dst = await createScratchDatabase(server, 'qf_bkdst');
    drops.push(src.drop, dst.drop);
    const h = await createDb({ url: src.url, max: 2 });
    await migrateToLatest(h.db);
    const facts = await fill(h);
    await h.close();
    source = { env: { DATABASE_URL: src.url }, facts };
    target = { env: { DATABASE_URL: dst.url }, open: () => createDb({ url: dst.url, max: 2 }) };
  } else {
    const dir = join(work, 'data');
    const h = await createDb({ url: undefined, dataDir: dir, loadDataDir: await migratedPgliteSnapshot() });
    const facts = await fill(h);
    await h.close();
    source = { env: { QINGFENG_DATA_DIR: dir }, facts };
    const restored = join(work, 'restored');
    target = { env: { QINGFENG_DATA_DIR: restored }, open: () => createDb({ url: undefined, dataDir: restored }) };
  }
}, 180_000);
afterAll(async () => {
  for (const drop of drops) await drop();
  rmSync(work, { recursive: true, force: true });
});

describe(`backup and restore (${engineLabel()})`, () => {
  const file = join(work, usingPostgres() ? 'qf.dump' : 'qf.tar.gz');

  it('backs up with a manifest of every table’s rows and the audit chain head', async () => {
    const r = await runScript('backup.ts', [file], source.env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\[backup\] OK: \d+ tables/);
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    expect(manifest.engine).toBe(engineLabel());
    expect(manifest.tables).toEqual(source.facts.tables);
    expect(manifest.audit).toEqual(source.facts.audit);
  }, 120_000);

  it('restores into a fresh database: same rows in every table, the same audit chain head, chain intact', async () => {
    const r = await runScript('restore.ts', [file], target.env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('(as in the backup); audit chain intact');
    const h = await target.open();
    try {
      const facts = await databaseFacts(h.db);
      expect(facts.tables).toEqual(source.facts.tables);
      expect(facts.audit.head).toBe(source.facts.audit.head);
      expect(await verifyAuditChain(h.db)).toEqual({ ok: true, count: source.facts.audit.count });
      // The restored database works: the villages are there.
      expect((await h.db.selectFrom('org_unit').select('name').where('kind', '=', 'village').orderBy('id').execute()).map((o) => o.name)).toEqual(['东村', '西村', '南村', '北村']);
    } finally {
      await h.close();
    }
  }, 120_000);

  it('refuses a target that is not empty, and overwrites it only with --force', async () => {
    const refused = await runScript('restore.ts', [file], target.env);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toMatch(/not empty/);
    const forced = await runScript('restore.ts', [file, '--force'], target.env);
    expect(forced.code, forced.out).toBe(0);
    if (!usingPostgres()) {
      // The old directory is kept aside, never deleted.
      expect(forced.out).toContain('previous data kept at');
      expect(readdirSync(work).some((n) => n.startsWith('restored.before-restore-'))).toBe(true);
    }
  }, 120_000);

  it('reports a restore that does not match its backup (the check can fail)', async () => {
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    manifest.audit.head = '0'.repeat(64);
    manifest.tables.org_unit += 1;
    writeFileSync(`${file}.json`, JSON.stringify(manifest));
    const r = await runScript('restore.ts', [file, '--force'], target.env);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('differs from the backup: org_unit');
    expect(r.out).toContain('differs from the backup: audit chain head');
    expect(existsSync(file)).toBe(true);
  }, 120_000);

  it('refuses a backup of the other engine', async () => {
    const other = join(work, 'other');
    writeFileSync(other, usingPostgres() ? Buffer.from([0x1f, 0x8b, 8, 0, 0]) : Buffer.from('PGDMP\u0001'));
    const r = await runScript('restore.ts', [other], target.env);
    expect(r.code, r.out).toBe(2);
  }, 60_000);
});
