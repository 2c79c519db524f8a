// The databases the benchmark runs on: PGlite in memory, and PostgreSQL in a scratch database that
// is dropped at the end (also after a crash or Ctrl-C).
import { connect } from 'node:net';
import { createDb, createScratchDatabase, migrateToLatest, type DbHandle, type Engine } from '@qingfeng/db';

export interface BenchDb {
  engine: Engine;
  handle: DbHandle;
  /** PostgreSQL: the scratch database's connection string (other processes may open it). */
  url?: string;
  /** Closes the connection and, for PostgreSQL, drops the scratch database. */
  dispose(): Promise<void>;
}

/** A PostgreSQL server to use: TEST_DATABASE_URL, DATABASE_URL, or 127.0.0.1:5432 if it answers. */
export async function findPostgresServer(env: { TEST_DATABASE_URL?: string | undefined; DATABASE_URL?: string | undefined }): Promise<string | null> {
  const url = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (url) return url;
  const answers = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 5432 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  return answers ? 'postgres://postgres@127.0.0.1:5432/postgres' : null;
}

const pending = new Set<() => Promise<void>>();

/** Drops whatever scratch databases are still open (on SIGINT/SIGTERM). */
export async function disposeAll(): Promise<void> {
  for (const d of [...pending]) await d().catch(() => {});
}

export async function openPglite(): Promise<BenchDb> {
  // url: '' would fall back to DATABASE_URL inside createDb; bench.ts removes it from the environment first.
  const handle = await createDb({ url: undefined, dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  return { engine: 'pglite', handle, dispose: () => handle.close() };
}

export async function openPostgres(serverUrl: string): Promise<BenchDb> {
  const scratch = await createScratchDatabase(serverUrl, 'qf_bench');
  let closed = false;
  const handle = await createDb({ url: scratch.url, max: 10 });
  const dispose = async () => {
    if (closed) return;
    closed = true;
    pending.delete(dispose);
    await handle.close().catch(() => {});
    await scratch.drop();
  };
  pending.add(dispose);
  try {
    await migrateToLatest(handle.db);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { engine: 'postgresql', handle, url: scratch.url, dispose };
}
