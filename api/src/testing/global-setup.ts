// Runs once per vitest run: migrates one PGlite database and saves its snapshot, so that each test
// file starts from it (~2 s) instead of running initdb and the migrations itself (~8 s on 2 cores).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateToLatest } from '@qingfeng/db';

export default async function setup() {
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
