import { createDb, migrateToLatest, type CreateDbOptions, type DbHandle } from '@qingfeng/db';
import { createApp } from './app.ts';
import { ensureFirstStart } from './bootstrap.ts';
import { systemClock, type Clock } from './context.ts';
import { demoAccountLines, seedDemo } from './demo/seed.ts';

export { createApp, type App, type AppType } from './app.ts';
export { ensureFirstStart } from './bootstrap.ts';
export type { Clock, SessionUser } from './context.ts';
// The NDJSON lines of POST /api/roster/import/commit (a stream, so the typed client cannot infer them).
export type { ImportStreamLine } from './modules/roster/routes.ts';

/** Opens the database (PGlite or PostgreSQL), migrates it, seeds the first admin, builds the app. */
export async function openApp(options: CreateDbOptions & { clock?: Clock } = {}): Promise<{ app: ReturnType<typeof createApp>; handle: DbHandle }> {
  const handle = await createDb(options);
  await migrateToLatest(handle.db);
  const clock = options.clock ?? systemClock;
  await ensureFirstStart(handle.db, clock);
  // `pnpm demo` (scripts/start.mjs --demo) sets QINGFENG_DEMO=1: load the demo subdistrict once.
  if (process.env.QINGFENG_DEMO === '1') {
    const demo = await seedDemo(handle.db, clock);
    if (demo.seeded || demo.reason === 'already_seeded') for (const line of demoAccountLines()) console.log(line);
    else console.log('[qingfeng] 数据库中已有村(社区)数据，未载入演示数据。');
  }
  return { app: createApp({ db: handle.db, read: handle.read, clock, engine: handle.engine }), handle };
}
