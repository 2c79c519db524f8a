// For this package's tests: an empty database on the engine under test — PGlite in memory, or a
// scratch database on TEST_DATABASE_URL's server (dropped on close).
import { existsSync, readFileSync } from 'node:fs';
import { createDb, type DbHandle } from './client.ts';
import { migrateToLatest } from './migrate.ts';
import { createScratchDatabase } from './scratch.ts';

export const testEngine = () => (process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite');

export async function openTestDatabase(options: { migrate: boolean }): Promise<DbHandle> {
  const server = process.env.TEST_DATABASE_URL;
  let handle: DbHandle;
  if (server) {
    const scratch = await createScratchDatabase(server, 'qf_dbtest');
    const h = await createDb({ url: scratch.url, max: 3 });
    handle = {
      ...h,
      async close() {
        await h.close();
        await scratch.drop();
      },
    };
  } else {
    const snapshot = process.env.QF_PGLITE_EMPTY_SNAPSHOT; // see test-global-setup.ts
    handle =
      snapshot && existsSync(snapshot)
        ? await createDb({ url: undefined, loadDataDir: new Blob([readFileSync(snapshot)]) })
        : await createDb({ url: undefined, dataDir: 'memory://' });
  }
  if (options.migrate) await migrateToLatest(handle.db);
  return handle;
}
