import { sql, type Kysely } from 'kysely';

// Login throttling (security review #11, finding 3). Failed guesses are counted per account name and
// source address ('pair', the 等保 lockout), per account name from any address ('account', an account
// attacked from many addresses) and per address over all names ('address', password spraying). Keyed by
// the lower-cased name, not the user id, so that unknown and known names behave alike. The counters on
// app_user are replaced by these rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE login_throttle (
      scope text NOT NULL CHECK (scope IN ('pair', 'account', 'address')),
      account text NOT NULL DEFAULT '',
      address text NOT NULL DEFAULT '',
      failures integer NOT NULL DEFAULT 0,
      window_start timestamptz NOT NULL,
      locked_until timestamptz,
      PRIMARY KEY (scope, account, address)
    )`.execute(db);
  await sql`CREATE INDEX login_throttle_account_idx ON login_throttle (account)`.execute(db);
  await sql`ALTER TABLE app_user DROP COLUMN failed_login_count, DROP COLUMN locked_until`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE app_user ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`.execute(db);
  await sql`DROP TABLE login_throttle`.execute(db);
}
