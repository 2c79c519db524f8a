// pnpm backup [file] — a full backup of the configured database: PGlite (QINGFENG_DATA_DIR, ./data; stop
// the server first) as PGlite's gzip tarball, or PostgreSQL (DATABASE_URL; the server may keep running)
// with pg_dump -Fc. Writes <file>.json beside it: row counts per table and the audit chain's head hash,
// which `pnpm restore` checks. Default file: qingfeng-<engine>-<time>.{tar.gz,dump} in the current directory.
import { resolve } from 'node:path';
import { backupPglite, backupPostgres, manifestPath } from '@qingfeng/db';
import { describeTarget } from './target.ts';

const url = process.env.DATABASE_URL;
const engine = url ? 'postgresql' : 'pglite';
const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
const arg = process.argv.slice(2).find((a) => a !== '--');
// pnpm runs scripts in the repository root; a relative name means the directory the user typed it in.
const base = process.env.INIT_CWD ?? process.cwd();
const file = resolve(base, arg ?? `qingfeng-${engine}-${stamp}.${engine === 'pglite' ? 'tar.gz' : 'dump'}`);

try {
  console.log(`[backup] ${describeTarget(engine)} → ${file}`);
  const started = Date.now();
  const m = url ? await backupPostgres(url, file) : await backupPglite(resolve(process.env.QINGFENG_DATA_DIR ?? './data'), file);
  const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
  console.log(`[backup] OK: ${Object.keys(m.tables).length} tables, ${rows} rows, ${m.audit.count} audit events, chain head ${m.audit.head ?? '-'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`[backup] manifest ${manifestPath(file)}`);
} catch (err) {
  console.error('[backup] 备份失败 (failed):', err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
