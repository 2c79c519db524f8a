// pnpm rotate-key — re-encrypts every ID number under a new data key (ARCHITECTURE.md "ID numbers at
// rest"). Stop the server first: a running server keeps writing under the key it started with.
//
//   Key file (PGlite's `<data dir>.key`, or QINGFENG_DATA_KEY_FILE): generates a new key, adds it to
//   the file (the old key stays in it, for restoring older backups; `--drop-old` removes it once the
//   rows are moved), then moves the rows.
//   QINGFENG_DATA_KEY: set the new key there and the old one in QINGFENG_DATA_KEY_PREVIOUS, run this,
//   then drop QINGFENG_DATA_KEY_PREVIOUS. `pnpm rotate-key -- --generate-key` prints a new key.
import { createDb, dataKeyOf, generateDataKey, migrateToLatest, writeKeyFile, type DbHandle } from '@qingfeng/db';
import { rotateIdNumberKey } from '@qingfeng/api/rotate-key';
import { describeTarget } from './target.ts';

const args = process.argv.slice(2);
if (args.includes('--generate-key')) {
  console.log(generateDataKey().raw.toString('base64'));
  process.exit(0);
}

async function open(): Promise<DbHandle> {
  const handle = await createDb();
  // Applies pending migrations and checks the configured keys against the database (as every start does).
  await migrateToLatest(handle.db);
  return handle;
}

let handle = await open();
try {
  console.log(`[rotate-key] ${describeTarget(handle.engine)}`);
  let ring = dataKeyOf(handle.db);
  if (ring.newest.id === ring.active.id) {
    if (!ring.file) {
      throw new Error(
        '数据库已在使用 QINGFENG_DATA_KEY 的密钥。请把新密钥（pnpm rotate-key -- --generate-key）放入 QINGFENG_DATA_KEY、旧密钥放入 QINGFENG_DATA_KEY_PREVIOUS 后再运行',
      );
    }
    // Added first, so that an interrupted run can be repeated: the next run finds the new key in the file.
    writeKeyFile(ring.file, [generateDataKey(), ...ring.keys]);
    await handle.close();
    handle = await open();
    ring = dataKeyOf(handle.db);
  }
  const result = await rotateIdNumberKey(handle.db, ring.newest, new Date());
  console.log(`[rotate-key] 已将 ${result.people} 人的公民身份号码由密钥 ${result.from} 改为密钥 ${result.to} 加密`);
  if (ring.file && args.includes('--drop-old')) {
    writeKeyFile(ring.file, [ring.newest]);
    console.log(`[rotate-key] 已从 ${ring.file} 删除旧密钥`);
  } else if (ring.file) console.log(`[rotate-key] 旧密钥仍保存在 ${ring.file}（恢复旧备份时需要）；不再需要时用 --drop-old 删除`);
  else console.log('[rotate-key] 现在可以去掉 QINGFENG_DATA_KEY_PREVIOUS');
} catch (err) {
  console.error('[rotate-key] 失败 (failed):', err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await handle.close();
}
