import { sql, type Kysely } from 'kysely';

// Optimistic concurrency (security review #11, finding 6): every record with an edit route carries a
// version, bumped by the conditional UPDATE … WHERE id = $1 AND version = $2 that writes it. A client
// sends back the version it read; a stale write matches no row and answers 409 instead of silently
// overwriting a concurrent change. A counter, not updated_at: two writes within one clock tick (or a
// test clock) would carry the same timestamp.
const TABLES = [
  'org_unit',
  'app_user',
  'person',
  'term',
  'post',
  'talk',
  'sanction',
  'decision_meeting',
  'decision_item',
  'pledge_campaign',
  'pledge_template_version',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) await sql`ALTER TABLE ${sql.table(t)} ADD COLUMN version integer NOT NULL DEFAULT 1`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of TABLES) await sql`ALTER TABLE ${sql.table(t)} DROP COLUMN version`.execute(db);
}
