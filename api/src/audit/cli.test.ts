// `pnpm db:migrate` and `pnpm audit:verify` (scripts/*.ts) against a real database of the engine under test.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, sql, type DbHandle } from '@qingfeng/db';
import { engineLabel, usingPostgres } from '../testing/harness.ts';
import { recordAuditEvent } from './queries.ts';

const root = resolve(import.meta.dirname, '../../..');
let env: Record<string, string>;
let cleanup: () => Promise<void>;

// Each run starts Node, tsx and the database engine (PGlite opens its data directory): slow on two cores.
const SLOW = 240_000;

function run(script: string): Promise<{ status: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', script)], { cwd: root, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, out }));
  });
}

/** Opens the same database the scripts use; PGlite allows one process at a time, so close it after. */
async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await createDb({ url: env.DATABASE_URL, dataDir: env.QINGFENG_DATA_DIR });
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

beforeAll(async () => {
  if (usingPostgres()) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'qf_cli');
    env = { DATABASE_URL: scratch.url };
    cleanup = () => scratch.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'qf-cli-'));
    env = { DATABASE_URL: '', QINGFENG_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  await cleanup?.();
});

describe(`command-line scripts (${engineLabel()})`, () => {
  it('db:migrate applies the migrations once, then nothing', { timeout: SLOW }, async () => {
    const first = await run('migrate.ts');
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/applied 2026-11-29-001-foundation/);
    const second = await run('migrate.ts');
    expect(second.status, second.out).toBe(0);
    expect(second.out).toMatch(/nothing to apply/);
    expect(second.out).not.toMatch(/applied/);
  });

  it('audit:verify prints OK with the count, or the first broken row and exits 1', { timeout: SLOW }, async () => {
    const actor = { userId: null, username: 'cli', displayName: 'cli', role: null, ip: null, userAgent: null };
    const ids = await withDb(async (h) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const e = await h.db.transaction().execute((trx) => recordAuditEvent(trx, actor, new Date(), { kind: 'setting.updated', details: { i } }));
        out.push(e.id);
      }
      return out;
    });
    const ok = await run('audit-verify.ts');
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toMatch(/^OK: 5 audit events/m);

    await withDb(async (h) => {
      await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(h.db);
      await h.db.updateTable('audit_event').set({ details: { i: 99 } }).where('id', '=', ids[2]!).execute();
      await sql`ALTER TABLE audit_event ENABLE TRIGGER USER`.execute(h.db);
    });
    const broken = await run('audit-verify.ts');
    expect(broken.status, broken.out).toBe(1);
    expect(broken.out).toContain(`BROKEN: audit_event id ${ids[2]}:`);
    expect(broken.out).toContain('2 events before it are intact');
  });
});
