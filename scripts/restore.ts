// pnpm restore <file> [--force] — restores a `pnpm backup` file into the configured database and checks it.
// PGlite: into QINGFENG_DATA_DIR (./data), which must be empty or absent; --force keeps the old directory
// renamed to <dir>.before-restore-<time>. PostgreSQL: into DATABASE_URL, which must have no tables (a new
// `createdb`); --force drops the existing objects first. Stop the server before restoring. Afterwards the
// row count of every table and the audit chain (walked in full; its head hash) are compared with the
// backup's manifest <file>.json.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupFileEngine, compareFacts, createDb, databaseFacts, readManifest, restorePglite, restorePostgres, RestoreRefused } from '@qingfeng/db';
import { verifyAuditChain } from '@qingfeng/api/audit';
import { describeTarget } from './target.ts';

const args = process.argv.slice(2).filter((a) => a !== '--');
const force = args.includes('--force');
const arg = args.find((a) => !a.startsWith('--'));
const url = process.env.DATABASE_URL;
const engine = url ? 'postgresql' : 'pglite';

async function main(): Promise<number> {
  if (!arg) {
    console.error('usage: pnpm restore <file> [--force]');
    return 2;
  }
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  if (!existsSync(file)) {
    console.error(`[restore] 找不到文件 (no such file): ${file}`);
    return 2;
  }
  const kind = backupFileEngine(file);
  if (kind !== engine) {
    console.error(`[restore] ${file} 是 ${kind ?? '未知格式'} 的备份，目标是 ${engine} (the backup is for ${kind ?? 'an unknown format'}, the target is ${engine})`);
    return 2;
  }
  const manifest = readManifest(file);
  const dataDir = resolve(process.env.QINGFENG_DATA_DIR ?? './data');
  console.log(`[restore] ${file} → ${describeTarget(engine)}${force ? ' (--force)' : ''}`);
  const started = Date.now();
  if (url) await restorePostgres(url, file, { force });
  else {
    const { movedAside } = await restorePglite(file, dataDir, { force });
    if (movedAside) console.log(`[restore] 原数据目录已保留为 (previous data kept at) ${movedAside}`);
  }
  console.log(`[restore] restored in ${((Date.now() - started) / 1000).toFixed(1)} s; verifying`);

  const handle = await createDb(url ? { url } : { url: undefined, dataDir });
  try {
    const facts = await databaseFacts(handle.db);
    const chain = await verifyAuditChain(handle.db);
    const rows = Object.values(facts.tables).reduce((a, b) => a + b, 0);
    let failed = false;
    if (!chain.ok) {
      console.error(`[restore] BROKEN: audit chain breaks at event ${chain.brokenAt.id} (${chain.brokenAt.reason})`);
      failed = true;
    }
    if (manifest) {
      const diff = compareFacts(manifest, facts);
      for (const d of diff) console.error(`[restore] differs from the backup: ${d}`);
      failed ||= diff.length > 0;
    } else console.log(`[restore] no manifest ${file}.json: only the audit chain could be checked`);
    if (failed) return 1;
    console.log(`[restore] OK: ${Object.keys(facts.tables).length} tables, ${rows} rows${manifest ? ' (as in the backup)' : ''}; audit chain intact, ${facts.audit.count} events, head ${facts.audit.head ?? '-'}`);
    return 0;
  } finally {
    await handle.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`[restore] ${err instanceof RestoreRefused ? '拒绝恢复 (refused)' : '恢复失败 (failed)'}:`, err instanceof Error ? err.message : err);
  process.exitCode = err instanceof RestoreRefused ? 3 : 1;
}
