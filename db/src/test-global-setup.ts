// Runs once per vitest run: PGlite's initdb (5–9 s on two cores) happens here once, and each test
// file starts from the saved empty cluster instead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from './client.ts';
import { TEST_DATA_KEY } from './testing-key.ts';

export default async function setup() {
  // The same key as vitest's test.env, for this process and the snapshot it makes (see data-key.ts).
  Object.assign(process.env, { QINGFENG_DATA_KEY: TEST_DATA_KEY, QINGFENG_DATA_KEY_PREVIOUS: '', QINGFENG_DATA_KEY_FILE: '' });
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'qf-pglite-empty-'));
  const file = join(dir, 'empty.tar');
  const h = await createDb({ url: undefined, dataDir: 'memory://' });
  writeFileSync(file, Buffer.from(await (await h.pglite!.dumpDataDir('none')).arrayBuffer()));
  await h.close();
  process.env.QF_PGLITE_EMPTY_SNAPSHOT = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
