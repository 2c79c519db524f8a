import { sql, type Kysely } from 'kysely';

// 三重一大 decisions (domain.md §6): meetings, their 应到/列席 list with attendance, items (议题) with
// opinions in speaking order, recusals, disclosures, 四议两公开 steps and amendments; a per-org amount
// threshold; and generic attachments (owner kind + id) stored in the database.
//
// Closing an item freezes its attendance, opinions, recusals and votes. The triggers below refuse any
// change to them, whoever sends the SQL — the API checks first and says so in Chinese, the database is
// the backstop. Corrections after closing are decision_amendment rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE decision_meeting (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      kind text NOT NULL CHECK (kind IN ('subdistrict_committee','village_party','joint_committees','party_members','villager_representatives','villagers')),
      -- A local (Asia/Shanghai) date and time, as the minutes state them.
      held_on date NOT NULL,
      held_time time,
      place text NOT NULL DEFAULT '',
      chair text NOT NULL DEFAULT '',
      recorder text NOT NULL DEFAULT '',
      notes text NOT NULL DEFAULT '',
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX decision_meeting_org_idx ON decision_meeting (org_unit_id, held_on)`.execute(db);
  await sql`CREATE INDEX decision_meeting_held_idx ON decision_meeting (held_on)`.execute(db);

  await sql`
    CREATE TABLE decision_member (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES decision_meeting(id) ON DELETE CASCADE,
      person_id integer REFERENCES person(id),
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      title text NOT NULL DEFAULT '',
      -- 'member' is on the 应到 list and votes; 'observer' (列席) may speak but never votes.
      role text NOT NULL CHECK (role IN ('member','observer')),
      is_principal boolean NOT NULL DEFAULT false,
      attendance text CHECK (attendance IN ('present','absent')),
      absence_reason text NOT NULL DEFAULT '',
      sort_order integer NOT NULL,
      CHECK (role = 'member' OR NOT is_principal)
    )`.execute(db);
  await sql`CREATE INDEX decision_member_meeting_idx ON decision_member (meeting_id, sort_order)`.execute(db);
  await sql`CREATE INDEX decision_member_person_idx ON decision_member (person_id)`.execute(db);

  await sql`
    CREATE TABLE decision_item (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      meeting_id integer NOT NULL REFERENCES decision_meeting(id),
      -- Copied from the meeting: scope and statistics filter items without a join.
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      seq integer NOT NULL,
      category text NOT NULL CHECK (category IN ('major_decision','cadre_appointment','major_project','large_fund','ordinary')),
      title text NOT NULL CHECK (length(btrim(title)) > 0),
      summary text NOT NULL DEFAULT '',
      amount_fen bigint CHECK (amount_fen >= 0),
      proposer text NOT NULL DEFAULT '',
      motion_reason text NOT NULL DEFAULT '',
      voting_method text CHECK (voting_method IN ('show_of_hands','oral','secret_ballot','roll_call')),
      votes_for integer CHECK (votes_for >= 0),
      votes_against integer CHECK (votes_against >= 0),
      votes_abstain integer CHECK (votes_abstain >= 0),
      outcome text CHECK (outcome IN ('adopted','rejected','deferred')),
      implementation_result text NOT NULL DEFAULT '',
      implementation_date date,
      -- The earlier item that was deferred (缓议) and is decided here: only this one counts.
      deferred_from_item_id integer REFERENCES decision_item(id),
      -- Computed by rules.ts on every write (never by hand): [{ rule, message, source }].
      flags jsonb NOT NULL DEFAULT '[]'::jsonb,
      closed_at timestamptz,
      closed_by integer REFERENCES app_user(id),
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, seq),
      CHECK (closed_at IS NULL OR outcome IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX decision_item_org_idx ON decision_item (org_unit_id)`.execute(db);
  await sql`CREATE UNIQUE INDEX decision_item_deferred_from_idx ON decision_item (deferred_from_item_id)`.execute(db);

  await sql`
    CREATE TABLE decision_opinion (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id integer NOT NULL REFERENCES decision_item(id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES decision_member(id) ON DELETE CASCADE,
      -- Speaking order, 1 = first.
      position integer NOT NULL CHECK (position > 0),
      opinion text NOT NULL CHECK (opinion IN ('agree','disagree','defer')),
      remark text NOT NULL DEFAULT '',
      UNIQUE (item_id, member_id),
      UNIQUE (item_id, position)
    )`.execute(db);

  await sql`
    CREATE TABLE decision_recusal (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id integer NOT NULL REFERENCES decision_item(id) ON DELETE CASCADE,
      member_id integer NOT NULL REFERENCES decision_member(id) ON DELETE CASCADE,
      reason text NOT NULL CHECK (length(btrim(reason)) > 0),
      UNIQUE (item_id, member_id)
    )`.execute(db);

  await sql`
    CREATE TABLE decision_disclosure (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id integer NOT NULL REFERENCES decision_item(id) ON DELETE CASCADE,
      disclosed_on date NOT NULL,
      form text NOT NULL CHECK (length(btrim(form)) > 0),
      location text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX decision_disclosure_item_idx ON decision_disclosure (item_id)`.execute(db);

  await sql`
    CREATE TABLE decision_step (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id integer NOT NULL REFERENCES decision_item(id) ON DELETE CASCADE,
      step text NOT NULL CHECK (step IN ('proposal','deliberation','members_meeting','resolution','resolution_disclosure','result_disclosure')),
      held_on date NOT NULL,
      expected integer CHECK (expected >= 0),
      present integer CHECK (present >= 0),
      votes_for integer CHECK (votes_for >= 0),
      content text NOT NULL DEFAULT '',
      signed_by text NOT NULL DEFAULT '',
      -- 两委商议 held together with 党组织提议 (allowed only with 一肩挑, see rules.ts).
      merged boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (item_id, step),
      CHECK (present IS NULL OR expected IS NULL OR present <= expected)
    )`.execute(db);

  await sql`
    CREATE TABLE decision_amendment (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_id integer NOT NULL REFERENCES decision_item(id),
      subject text NOT NULL CHECK (length(btrim(subject)) > 0),
      correction text NOT NULL CHECK (length(btrim(correction)) > 0),
      reason text NOT NULL CHECK (length(btrim(reason)) > 0),
      created_by integer REFERENCES app_user(id),
      created_by_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX decision_amendment_item_idx ON decision_amendment (item_id)`.execute(db);

  await sql`
    CREATE TABLE decision_threshold (
      org_unit_id integer PRIMARY KEY REFERENCES org_unit(id),
      amount_fen bigint NOT NULL CHECK (amount_fen > 0),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Generic: any module's record may own files (owner_kind names the table, owner_id its row).
  await sql`
    CREATE TABLE attachment (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      owner_kind text NOT NULL,
      owner_id integer NOT NULL,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      file_name text NOT NULL,
      media_type text NOT NULL CHECK (media_type IN ('application/pdf','image/jpeg','image/png')),
      byte_size integer NOT NULL CHECK (byte_size > 0 AND byte_size <= 20971520),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea NOT NULL,
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (octet_length(content) = byte_size)
    )`.execute(db);
  await sql`CREATE INDEX attachment_owner_idx ON attachment (owner_kind, owner_id)`.execute(db);

  // ---- freezing closed items ----
  await sql`
    CREATE FUNCTION decision_item_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.closed_at IS NOT NULL THEN
          RAISE EXCEPTION 'decision_item % is closed and cannot be deleted', OLD.id USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        RETURN OLD;
      END IF;
      -- Once closed, only the implementation result and its date may still be filled in.
      IF OLD.closed_at IS NOT NULL AND (
           NEW.meeting_id, NEW.org_unit_id, NEW.seq, NEW.category, NEW.title, NEW.summary, NEW.amount_fen, NEW.proposer,
           NEW.motion_reason, NEW.voting_method, NEW.votes_for, NEW.votes_against, NEW.votes_abstain, NEW.outcome,
           NEW.deferred_from_item_id, NEW.closed_at, NEW.closed_by)
         IS DISTINCT FROM (
           OLD.meeting_id, OLD.org_unit_id, OLD.seq, OLD.category, OLD.title, OLD.summary, OLD.amount_fen, OLD.proposer,
           OLD.motion_reason, OLD.voting_method, OLD.votes_for, OLD.votes_against, OLD.votes_abstain, OLD.outcome,
           OLD.deferred_from_item_id, OLD.closed_at, OLD.closed_by) THEN
        RAISE EXCEPTION 'decision_item % is closed: its record is frozen (add an amendment)', OLD.id USING ERRCODE = 'object_not_in_prerequisite_state';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER decision_item_frozen BEFORE UPDATE OR DELETE ON decision_item
    FOR EACH ROW EXECUTE FUNCTION decision_item_frozen()`.execute(db);

  // Opinions and recusals belong to one item.
  await sql`
    CREATE FUNCTION decision_item_part_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      item integer;
    BEGIN
      FOR item IN SELECT unnest(CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.item_id] WHEN 'DELETE' THEN ARRAY[OLD.item_id] ELSE ARRAY[OLD.item_id, NEW.item_id] END) LOOP
        IF EXISTS (SELECT 1 FROM decision_item WHERE id = item AND closed_at IS NOT NULL) THEN
          RAISE EXCEPTION 'decision_item % is closed: % on % refused', item, TG_OP, TG_TABLE_NAME USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
      END LOOP;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`.execute(db);
  for (const table of ['decision_opinion', 'decision_recusal']) {
    await sql`
      CREATE TRIGGER ${sql.raw(`${table}_frozen`)} BEFORE INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION decision_item_part_frozen()`.execute(db);
  }

  // Attendance is the meeting's: it freezes as soon as any item of the meeting is closed.
  await sql`
    CREATE FUNCTION decision_member_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      meeting integer;
    BEGIN
      FOR meeting IN SELECT unnest(CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.meeting_id] WHEN 'DELETE' THEN ARRAY[OLD.meeting_id] ELSE ARRAY[OLD.meeting_id, NEW.meeting_id] END) LOOP
        IF EXISTS (SELECT 1 FROM decision_item WHERE meeting_id = meeting AND closed_at IS NOT NULL) THEN
          RAISE EXCEPTION 'meeting % has closed items: % on decision_member refused', meeting, TG_OP USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
      END LOOP;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER decision_member_frozen BEFORE INSERT OR UPDATE OR DELETE ON decision_member
    FOR EACH ROW EXECUTE FUNCTION decision_member_frozen()`.execute(db);

  // The meeting's date decides who should attend and who the principal is: frozen likewise.
  await sql`
    CREATE FUNCTION decision_meeting_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM decision_item WHERE meeting_id = OLD.id AND closed_at IS NOT NULL) THEN
        IF TG_OP = 'DELETE' OR (NEW.org_unit_id, NEW.kind, NEW.held_on, NEW.held_time, NEW.place, NEW.chair, NEW.recorder)
             IS DISTINCT FROM (OLD.org_unit_id, OLD.kind, OLD.held_on, OLD.held_time, OLD.place, OLD.chair, OLD.recorder) THEN
          RAISE EXCEPTION 'meeting % has closed items: its record is frozen', OLD.id USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER decision_meeting_frozen BEFORE UPDATE OR DELETE ON decision_meeting
    FOR EACH ROW EXECUTE FUNCTION decision_meeting_frozen()`.execute(db);

  // Amendments are the record of corrections: never changed or removed.
  await sql`
    CREATE FUNCTION decision_amendment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'decision_amendment is append-only (% refused)', TG_OP USING ERRCODE = 'object_not_in_prerequisite_state';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER decision_amendment_append_only BEFORE UPDATE OR DELETE ON decision_amendment
    FOR EACH ROW EXECUTE FUNCTION decision_amendment_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['attachment', 'decision_threshold', 'decision_amendment', 'decision_step', 'decision_disclosure', 'decision_recusal', 'decision_opinion', 'decision_item', 'decision_member', 'decision_meeting'])
    await sql`DROP TABLE ${sql.table(t)}`.execute(db);
  for (const f of ['decision_item_frozen', 'decision_item_part_frozen', 'decision_member_frozen', 'decision_meeting_frozen', 'decision_amendment_append_only'])
    await sql`DROP FUNCTION ${sql.raw(f)}()`.execute(db);
}
