// Runs once per vitest run: PGlite's initdb (5–9 s on two cores) happens here once, and each test
// file starts from the saved empty cluster instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from './client.ts';

export default async function setup() {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'qf-pglite-empty-'));
  const file = join(dir, 'empty.tar');
  const h = await createDb({ url: undefined, dataDir: 'memory://' });
  writeFileSync(file, Buffer.from(await (await h.pglite!.dumpDataDir('none')).arrayBuffer()));
  await h.close();
  process.env.QF_PGLITE_EMPTY_SNAPSHOT = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
