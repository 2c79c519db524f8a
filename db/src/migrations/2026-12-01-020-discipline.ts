import { sql, type Kysely } from 'kysely';

// Discipline inspection (domain.md §3–§5, §8): supervision talks, sanctions, the investigation flag's
// date and case number, and the eligibility override marked on a post.
export async function up(db: Kysely<unknown>): Promise<void> {
  // 立案审查: the flag exists since the roster migration; inspectors set it with a date and case number.
  await sql`ALTER TABLE person ADD COLUMN investigation_date date`.execute(db);
  await sql`ALTER TABLE person ADD COLUMN investigation_case_number text`.execute(db);
  // A post added although the person was not eligible: the written reason of the override (domain.md §3).
  await sql`ALTER TABLE post ADD COLUMN eligibility_override text`.execute(db);

  await sql`
    CREATE TABLE talk (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      kind text NOT NULL CHECK (kind IN ('collective','reminder','admonishment','warning_talk','inquiry_letter','integrity','pre_appointment')),
      talk_date date NOT NULL,
      talk_time text CHECK (talk_time IS NULL OR talk_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      subject_person_id integer REFERENCES person(id),
      participant_count integer NOT NULL CHECK (participant_count BETWEEN 1 AND 100000),
      leader_name text NOT NULL CHECK (length(btrim(leader_name)) > 0),
      leader_title text NOT NULL DEFAULT '',
      topic text NOT NULL CHECK (length(btrim(topic)) > 0),
      outcome text NOT NULL DEFAULT '',
      follow_up text NOT NULL DEFAULT '',
      reply_due_date date,
      reply_date date,
      reply text,
      influence_end date,
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'collective') = (subject_person_id IS NULL)),
      CHECK (kind = 'collective' OR participant_count = 1),
      CHECK ((kind = 'inquiry_letter') = (reply_due_date IS NOT NULL)),
      CHECK ((kind = 'admonishment') = (influence_end IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX talk_org_date_idx ON talk (org_unit_id, talk_date)`.execute(db);
  await sql`CREATE INDEX talk_date_idx ON talk (talk_date)`.execute(db);
  await sql`CREATE INDEX talk_subject_idx ON talk (subject_person_id) WHERE subject_person_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE talk_participant (
      talk_id integer NOT NULL REFERENCES talk(id) ON DELETE CASCADE,
      person_id integer NOT NULL REFERENCES person(id),
      PRIMARY KEY (talk_id, person_id)
    )`.execute(db);
  await sql`CREATE INDEX talk_participant_person_idx ON talk_participant (person_id)`.execute(db);

  await sql`
    CREATE TABLE sanction (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      person_id integer NOT NULL REFERENCES person(id),
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      system text NOT NULL CHECK (system IN ('party','government','organizational')),
      type text NOT NULL CHECK (
        (system = 'party' AND type IN ('warning','serious_warning','removal_from_post','probation','expulsion')) OR
        (system = 'government' AND type IN ('warning','demerit','major_demerit','demotion','dismissal','expulsion')) OR
        (system = 'organizational' AND type IN ('suspension','position_adjustment','ordered_resignation','removal','demotion'))),
      probation_months integer CHECK (probation_months IN (12, 24)),
      violation text NOT NULL CHECK (violation IN ('political','organizational','integrity','mass','work','life')),
      authority text NOT NULL CHECK (length(btrim(authority)) > 0),
      case_number text NOT NULL DEFAULT '',
      decision_date date NOT NULL,
      effective_date date NOT NULL,
      influence_end date,
      status text NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force','revoked','changed_on_appeal')),
      status_reason text,
      status_changed_at timestamptz,
      replaced_by_id integer REFERENCES sanction(id),
      criminal_referral boolean NOT NULL DEFAULT false,
      notes text NOT NULL DEFAULT '',
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((system = 'party' AND type = 'probation') = (probation_months IS NOT NULL)),
      CHECK (effective_date >= decision_date),
      CHECK ((status = 'changed_on_appeal') = (replaced_by_id IS NOT NULL)),
      CHECK ((status = 'in_force') = (status_reason IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX sanction_org_effective_idx ON sanction (org_unit_id, effective_date)`.execute(db);
  await sql`CREATE INDEX sanction_effective_idx ON sanction (effective_date)`.execute(db);
  await sql`CREATE INDEX sanction_person_idx ON sanction (person_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sanction`.execute(db);
  await sql`DROP TABLE talk_participant`.execute(db);
  await sql`DROP TABLE talk`.execute(db);
  await sql`ALTER TABLE post DROP COLUMN eligibility_override`.execute(db);
  await sql`ALTER TABLE person DROP COLUMN investigation_case_number`.execute(db);
  await sql`ALTER TABLE person DROP COLUMN investigation_date`.execute(db);
}
