import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { resolveSettings, type Settings, type SettingKey } from './rules.ts';

export async function loadSettings(db: Kysely<Database>): Promise<Settings> {
  const rows = await db.selectFrom('setting').select(['key', 'value']).execute();
  return resolveSettings(rows);
}

export async function saveSetting(db: Kysely<Database>, key: SettingKey, value: unknown, at: Date) {
  await db
    .insertInto('setting')
    .values({ key, value: value as never, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: value as never, updated_at: at }))
    .execute();
}

/** The settings' cache counter (bumped by a trigger on every write to setting). */
export async function settingsVersion(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('cache_version').select('version').where('name', '=', 'setting').executeTakeFirst();
  return r?.version ?? 0;
}
