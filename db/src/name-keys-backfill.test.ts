import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import type { DbHandle } from './client.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { openTestDatabase, testEngine } from './testing.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDatabase({ migrate: false });
});
afterAll(async () => {
  await h?.close();
});

describe(`person name keys migration (${testEngine()})`, () => {
  it('backfills pinyin initials and the 姓氏笔画 key of people entered before it', async () => {
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026-12-03-201-person-name-keys'));
    const { error } = await new Migrator({ db: h.db, provider: { getMigrations: async () => before } }).migrateToLatest();
    expect(error).toBeUndefined();
    const org = await sql<{ id: number }>`INSERT INTO org_unit (parent_id, kind, name, path) VALUES (NULL, 'subdistrict', '测试街道', '/x/') RETURNING id`.execute(h.db);
    const orgId = org.rows[0]!.id;
    await sql`INSERT INTO person (org_unit_id, name, gender, id_number, birth_date, ethnicity, political_status, education_highest, updated_at)
      VALUES (${orgId}, '唐浩瀚', 'male', '990101198001010011', '1980-01-01', '01', 'masses', 'bachelor', now()),
             (${orgId}, '王五', 'male', '990101198001010038', '1980-01-01', '01', 'masses', 'bachelor', now())`.execute(h.db);
    expect(await migrateToLatest(h.db)).toContain('2026-12-03-201-person-name-keys');
    const rows = (await sql<{ name: string; name_initials: string; name_stroke_key: string }>`SELECT name, name_initials, name_stroke_key FROM person ORDER BY name_stroke_key`.execute(h.db)).rows;
    expect(rows.map((r) => [r.name, r.name_initials])).toEqual([
      ['王五', 'ww'],
      ['唐浩瀚', 'thh'],
    ]);
    expect(rows[0]!.name_stroke_key.startsWith('041121')).toBe(true);
  });
});
