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
  // PGlite is one process: there the API keeps validated sessions in memory and drops them when any
  // of the rows they were built from changes. The notification reaches the same process before the
  // writing statement returns. Only a connection that asked for it (SET qingfeng.cache_notify = 'on',
  // done by the PGlite client) notifies: on PostgreSQL a NOTIFY takes a global lock at commit, and
  // the processes there read the version row with the session instead.
  await sql`
    CREATE FUNCTION notify_cache_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('qingfeng.cache_notify', true) = 'on' THEN
        PERFORM pg_notify('qingfeng_cache', TG_TABLE_NAME);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  for (const table of ['app_user', 'org_unit', 'session', 'setting'])
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_notify_cache`)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['app_user', 'org_unit', 'session', 'setting']) await sql`DROP TRIGGER ${sql.raw(`${table}_notify_cache`)} ON ${sql.table(table)}`.execute(db);
  await sql`DROP FUNCTION notify_cache_change()`.execute(db);
  await sql`DROP TRIGGER setting_bump_version ON setting`.execute(db);
  await sql`DROP FUNCTION bump_setting_version()`.execute(db);
  await sql`DROP TABLE cache_version`.execute(db);
}
