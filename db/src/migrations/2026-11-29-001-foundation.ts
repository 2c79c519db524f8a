import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE org_unit (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      parent_id integer REFERENCES org_unit(id),
      kind text NOT NULL CHECK (kind IN ('county','subdistrict','village','community','grid')),
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      path text NOT NULL UNIQUE,
      sort_order integer NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX org_unit_path_idx ON org_unit (path text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX org_unit_parent_idx ON org_unit (parent_id)`.execute(db);
  await sql`CREATE UNIQUE INDEX org_unit_sibling_name_idx ON org_unit (coalesce(parent_id, 0), name)`.execute(db);

  await sql`
    CREATE TABLE app_user (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin','org_office','inspector','secretary','auditor')),
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      person_id integer,
      password_hash text NOT NULL,
      must_change_password boolean NOT NULL DEFAULT false,
      disabled boolean NOT NULL DEFAULT false,
      failed_login_count integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      password_changed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username))`.execute(db);

  await sql`
    CREATE TABLE session (
      id text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      secret_hash bytea NOT NULL,
      created_at timestamptz NOT NULL,
      last_verified_at timestamptz NOT NULL,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`CREATE INDEX session_user_idx ON session (user_id)`.execute(db);

  await sql`
    CREATE TABLE audit_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      kind text NOT NULL,
      actor_user_id integer,
      actor_username text,
      actor_display_name text,
      actor_role text,
      ip text,
      user_agent text,
      object_type text,
      object_id text,
      org_unit_id integer,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      prev_hash text NOT NULL,
      hash text NOT NULL UNIQUE,
      -- one successor per row: two writers cannot both extend the same tail
      CONSTRAINT audit_event_prev_hash_unique UNIQUE (prev_hash)
    )`.execute(db);
  await sql`CREATE INDEX audit_event_kind_idx ON audit_event (kind, occurred_at)`.execute(db);
  await sql`CREATE INDEX audit_event_object_idx ON audit_event (object_type, object_id)`.execute(db);
  await sql`CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, occurred_at)`.execute(db);
  await sql`
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`.execute(db);

  await sql`
    CREATE TABLE setting (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}
