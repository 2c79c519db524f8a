import { sql, type Kysely } from 'kysely';
import { nameKeys } from '../name-keys.ts';

// Issue 10 item 14: search by pinyin initials ("thh") and sort by 姓氏笔画 in SQL. The keys are computed
// on write by the application (pinyin and stroke tables are not in PostgreSQL) and backfilled here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE person ADD COLUMN name_initials text NOT NULL DEFAULT ''`.execute(db);
  // "C" collation: the key is ASCII digits compared byte by byte, whatever the database's collation.
  await sql`ALTER TABLE person ADD COLUMN name_stroke_key text COLLATE "C" NOT NULL DEFAULT ''`.execute(db);
  await sql`CREATE INDEX person_name_initials_idx ON person (name_initials text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX person_name_stroke_key_idx ON person (name_stroke_key, id)`.execute(db);

  // Backfill in batches of 1,000 rows (3 parameters each: well under PGlite's bind-parameter cap).
  let after = 0;
  for (;;) {
    const rows = (await sql<{ id: number; name: string }>`SELECT id, name FROM person WHERE id > ${after} ORDER BY id LIMIT 1000`.execute(db)).rows;
    if (rows.length === 0) break;
    const values = sql.join(rows.map((r) => {
      const k = nameKeys(r.name);
      return sql`(${r.id}::int, ${k.name_initials}::text, ${k.name_stroke_key}::text)`;
    }));
    await sql`UPDATE person p SET name_initials = v.i, name_stroke_key = v.s FROM (VALUES ${values}) AS v(id, i, s) WHERE p.id = v.id`.execute(db);
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE person DROP COLUMN name_stroke_key`.execute(db);
  await sql`ALTER TABLE person DROP COLUMN name_initials`.execute(db);
}
