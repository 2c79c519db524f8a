// pnpm db:migrate — applies pending migrations to the configured database (DATABASE_URL, or PGlite
// under QINGFENG_DATA_DIR / ./data) and lists what it applied. Every start does the same.
import { createDb, migrateToLatest } from '@qingfeng/db';
import { describeTarget } from './target.ts';

const handle = await createDb();
try {
  console.log(`[db:migrate] ${describeTarget(handle.engine)}`);
  const applied = await migrateToLatest(handle.db);
  if (applied.length === 0) console.log('[db:migrate] 数据库已是最新，无待执行的迁移 (nothing to apply)');
  for (const name of applied) console.log(`[db:migrate] applied ${name}`);
} catch (err) {
  console.error('[db:migrate] 迁移失败 (failed):', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await handle.close();
}
