// The documented procedure, as an operator runs it: a key file created on the first start, `pnpm
// rotate-key` (and `--drop-old`), and a start with the wrong key stopping with a clear message.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, DataKeyRing, generateDataKey, keyIdOf, migrateToLatest, openIdNumber, readKeyFile, type DbHandle } from '@qingfeng/db';
import { engineLabel, usingPostgres } from '../../testing/harness.ts';
import { insertOrg } from '../orgs/queries.ts';
import { insertPerson } from './queries.ts';
import { testIdNumber } from './test-helpers.ts';

const root = resolve(import.meta.dirname, '../../../..');
const SLOW = 240_000;
let dir: string;
let keyFile: string;
let env: Record<string, string>;
let cleanup: () => Promise<void>;

function run(script: string, args: string[] = [], extra: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', script), ...args], { cwd: root, env: { ...process.env, ...env, ...extra } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, out }));
  });
}

/** The database the scripts use, with the keys now in the key file (PGlite: one process at a time). */
async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await createDb({ url: env.DATABASE_URL, dataDir: env.QINGFENG_DATA_DIR, dataKey: new DataKeyRing(readKeyFile(keyFile), 'file') });
  try {
    await migrateToLatest(h.db);
    return await fn(h);
  } finally {
    await h.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qf-rotate-'));
  // No QINGFENG_DATA_KEY (vitest sets one for the tests): the scripts take the key file.
  if (usingPostgres()) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'qf_rotate');
    keyFile = join(dir, 'qingfeng.key');
    env = { DATABASE_URL: scratch.url, QINGFENG_DATA_KEY: '', QINGFENG_DATA_KEY_FILE: keyFile };
    cleanup = async () => {
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    keyFile = join(dir, 'data.key'); // beside the data directory
    env = { DATABASE_URL: '', QINGFENG_DATA_DIR: join(dir, 'data'), QINGFENG_DATA_KEY: '', QINGFENG_DATA_KEY_FILE: '' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  await cleanup?.();
});

describe(`pnpm rotate-key and the key file (${engineLabel()})`, () => {
  const number = testIdNumber('1975-05-05', 'female', 7);

  it('creates the key file (0600) on the first start and encrypts under it', { timeout: SLOW }, async () => {
    const first = await run('migrate.ts');
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain(`已生成数据密钥文件 ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const [key] = readKeyFile(keyFile);
    await withDb(async (h) => {
      const org = await insertOrg(h.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '轮换街道' });
      await insertPerson(h.db, { org_unit_id: org.id, name: '轮换', gender: 'female', id_number: number, birth_date: '1975-05-05', ethnicity: '01', political_status: 'masses', party_join_date: null, education_full_time: null, education_highest: 'associate', phone: null, is_veteran: false }, new Date());
      const row = await h.db.selectFrom('person').select('id_number_enc').executeTakeFirstOrThrow();
      expect(keyIdOf(row.id_number_enc)).toBe(key!.id);
    });
  });

  it('rotates to a new key added to the file, keeps the old one, and drops it with --drop-old', { timeout: SLOW }, async () => {
    const [old] = readKeyFile(keyFile);
    const r = await run('rotate-key.ts');
    expect(r.status, r.out).toBe(0);
    const keys = readKeyFile(keyFile);
    expect(keys.map((k) => k.id)).toEqual([keys[0]!.id, old!.id]);
    expect(r.out).toContain(`由密钥 ${old!.id} 改为密钥 ${keys[0]!.id} 加密`);
    await withDb(async (h) => {
      const row = await h.db.selectFrom('person').select('id_number_enc').executeTakeFirstOrThrow();
      expect(keyIdOf(row.id_number_enc)).toBe(keys[0]!.id);
      expect(openIdNumber(h.db, row.id_number_enc)).toBe(number);
    });

    const dropped = await run('rotate-key.ts', ['--drop-old']);
    expect(dropped.status, dropped.out).toBe(0);
    const now = readKeyFile(keyFile);
    expect(now).toHaveLength(1);
    expect([old!.id, keys[0]!.id]).not.toContain(now[0]!.id);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).not.toContain(old!.raw.toString('base64'));
    await withDb(async (h) => {
      const row = await h.db.selectFrom('person').select('id_number_enc').executeTakeFirstOrThrow();
      expect(openIdNumber(h.db, row.id_number_enc)).toBe(number);
    });
  });

  it('stops a start with the wrong key, naming the key ids', { timeout: SLOW }, async () => {
    const [current] = readKeyFile(keyFile);
    const wrong = generateDataKey();
    const r = await run('migrate.ts', [], { QINGFENG_DATA_KEY: wrong.raw.toString('base64') });
    expect(r.status).toBe(1);
    expect(r.out).toContain(`数据密钥不对：数据库中的公民身份号码由密钥 ${current!.id} 加密`);
    expect(r.out).toContain(wrong.id);
  });
});
