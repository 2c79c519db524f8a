import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from './migrations/index.ts';
import { dataKeyOf, DataKeyError } from './data-key.ts';

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  await checkDataKey(db);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Every start (migrateToLatest runs at every start): the database's rows must be under one of the
 * configured keys, which then becomes the key this handle writes with. A wrong key stops the start
 * here, before any request could write a number under it or fail to read one.
 */
export async function checkDataKey(db: Kysely<any>): Promise<string> {
  const ring = dataKeyOf(db);
  const { rows } = await sql<{ key_id: string }>`SELECT key_id FROM data_key_state`.execute(db);
  const stored = rows[0]?.key_id;
  if (stored === undefined) {
    await sql`INSERT INTO data_key_state (key_id) VALUES (${ring.active.id}) ON CONFLICT DO NOTHING`.execute(db);
    return checkDataKey(db);
  }
  if (!ring.byId(stored))
    throw new DataKeyError(
      `数据密钥不对：数据库中的公民身份号码由密钥 ${stored} 加密，而配置的密钥（${ring.source}）是 ${ring.keys.map((k) => k.id).join('、')}。` +
        '请设置正确的 QINGFENG_DATA_KEY 或密钥文件（QINGFENG_DATA_KEY_FILE；PGlite 为数据目录旁的 .key 文件）',
    );
  ring.activate(stored);
  return stored;
}
