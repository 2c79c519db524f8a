import { sql, type Kysely } from 'kysely';

// Version counters for rows every request needs but that rarely change (issue 12): each API process
// caches them and re-reads only when the counter it sees with the session differs from its own. A
// statement trigger bumps the counter, so every writer (the API, psql, a restore) invalidates alike.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE cache_version (
      name text PRIMARY KEY,
      version bigint NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`INSERT INTO cache_version (name, version) VALUES ('setting', 0)`.execute(db);
  await sql`
    CREATE FUNCTION bump_setting_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE cache_version SET version = version + 1 WHERE name = 'setting';
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER setting_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON setting
      FOR EACH STATEMENT EXECUTE FUNCTION bump_setting_version()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER setting_bump_version ON setting`.execute(db);
  await sql`DROP FUNCTION bump_setting_version()`.execute(db);
  await sql`DROP TABLE cache_version`.execute(db);
}
