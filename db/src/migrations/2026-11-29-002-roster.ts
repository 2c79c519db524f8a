import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE person (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      gender text NOT NULL CHECK (gender IN ('male','female')),
      id_number text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
      birth_date date NOT NULL,
      ethnicity text NOT NULL,
      political_status text NOT NULL,
      party_join_date date,
      education_full_time text,
      education_highest text NOT NULL,
      phone text,
      is_veteran boolean NOT NULL DEFAULT false,
      under_investigation boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX person_id_number_idx ON person (id_number)`.execute(db);
  await sql`CREATE INDEX person_org_idx ON person (org_unit_id)`.execute(db);

  await sql`
    CREATE TABLE term (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      ordinal integer NOT NULL CHECK (ordinal > 0),
      election_date date NOT NULL,
      start_date date NOT NULL,
      end_date date,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (org_unit_id, ordinal),
      CHECK (end_date IS NULL OR end_date >= start_date)
    )`.execute(db);
  await sql`CREATE INDEX term_org_election_idx ON term (org_unit_id, election_date)`.execute(db);

  await sql`
    CREATE TABLE post (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      person_id integer NOT NULL REFERENCES person(id),
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      term_id integer NOT NULL REFERENCES term(id),
      committee text NOT NULL CHECK (committee IN ('party','residents')),
      position text NOT NULL CHECK (
        (committee = 'party' AND position IN ('secretary','deputy_secretary','member')) OR
        (committee = 'residents' AND position IN ('director','deputy_director','member'))),
      start_date date NOT NULL,
      end_date date,
      end_reason text,
      how text NOT NULL CHECK (how IN ('elected','by_election','appointed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (end_date IS NULL OR end_date >= start_date)
    )`.execute(db);
  await sql`CREATE INDEX post_term_idx ON post (term_id)`.execute(db);
  await sql`CREATE INDEX post_person_idx ON post (person_id)`.execute(db);
  await sql`CREATE INDEX post_org_idx ON post (org_unit_id)`.execute(db);

  await sql`
    CREATE TABLE document (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      number text NOT NULL UNIQUE,
      kind text NOT NULL,
      title text NOT NULL,
      org_unit_id integer REFERENCES org_unit(id),
      content_sha256 text NOT NULL,
      file_sha256 text,
      byte_size integer,
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`ALTER TABLE app_user ADD CONSTRAINT app_user_person_fk FOREIGN KEY (person_id) REFERENCES person(id)`.execute(db);
}
