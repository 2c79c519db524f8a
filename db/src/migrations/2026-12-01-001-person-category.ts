import { sql, type Kysely } from 'kysely';

// 身份类别 (domain.md §4): decides which sanction types a person may receive and who may be a pledge
// signer. Existing people came from 两委 rosters, hence the default.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE person ADD COLUMN category text NOT NULL DEFAULT 'village_cadre'
      CHECK (category IN ('village_cadre','civil_servant','public_employee','party_member','other'))`.execute(db);
  await sql`CREATE INDEX person_category_idx ON person (category)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE person DROP COLUMN category`.execute(db);
}
