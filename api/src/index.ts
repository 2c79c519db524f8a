import { createDb, migrateToLatest, type CreateDbOptions, type DbHandle } from '@qingfeng/db';
import { createApp } from './app.ts';
import { ensureFirstStart } from './bootstrap.ts';
import { systemClock, type Clock } from './context.ts';

export { createApp, type App, type AppType } from './app.ts';
export { ensureFirstStart } from './bootstrap.ts';
export type { Clock, SessionUser } from './context.ts';

/** Opens the database (PGlite or PostgreSQL), migrates it, seeds the first admin, builds the app. */
export async function openApp(options: CreateDbOptions & { clock?: Clock } = {}): Promise<{ app: ReturnType<typeof createApp>; handle: DbHandle }> {
  const handle = await createDb(options);
  await migrateToLatest(handle.db);
  const clock = options.clock ?? systemClock;
  await ensureFirstStart(handle.db, clock);
  return { app: createApp({ db: handle.db, clock, engine: handle.engine }), handle };
}
