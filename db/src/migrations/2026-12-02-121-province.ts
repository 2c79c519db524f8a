import { sql, type Kysely } from 'kysely';

// Issue 12, must-have 5: 省 (province) above 县 (county), for deployments whose root is a province.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE org_unit DROP CONSTRAINT org_unit_kind_check`.execute(db);
  await sql`
    ALTER TABLE org_unit ADD CONSTRAINT org_unit_kind_check
      CHECK (kind IN ('province','county','subdistrict','village','community','grid'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE org_unit DROP CONSTRAINT org_unit_kind_check`.execute(db);
  await sql`ALTER TABLE org_unit ADD CONSTRAINT org_unit_kind_check CHECK (kind IN ('county','subdistrict','village','community','grid'))`.execute(db);
}
