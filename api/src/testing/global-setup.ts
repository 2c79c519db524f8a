// Runs once per vitest run: migrates one PGlite database and saves its snapshot, so that each test
// file starts from it (~2 s) instead of running initdb and the migrations itself (~8 s on 2 cores).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateToLatest } from '@qingfeng/db';
import { TEST_DATA_KEY } from '@qingfeng/db/testing-key';

export default async function setup() {
  // The same key as vitest's test.env, for this process and the snapshot it makes (see data-key.ts).
  Object.assign(process.env, { QINGFENG_DATA_KEY: TEST_DATA_KEY, QINGFENG_DATA_KEY_PREVIOUS: '', QINGFENG_DATA_KEY_FILE: '' });
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'qf-pglite-'));
  const file = join(dir, 'migrated.tar');
  const h = await createDb({ url: undefined, dataDir: 'memory://' });
  await migrateToLatest(h.db);
  writeFileSync(file, Buffer.from(await (await h.pglite!.dumpDataDir('none')).arrayBuffer()));
  await h.close();
  process.env.QF_PGLITE_SNAPSHOT = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
