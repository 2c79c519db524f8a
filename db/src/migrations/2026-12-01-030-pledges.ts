import { sql, type Kysely } from 'kysely';

// Integrity pledges (廉洁自律承诺书, domain.md §7): templates with versions, campaigns asking persons to
// sign one version, one-time signing links for signers without accounts, and the signatures themselves.
// Published versions and signatures are immutable in the database itself (triggers below), so no code
// path — ours or a console session — can change what somebody signed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE pledge_template (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      audience text NOT NULL DEFAULT '',
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE pledge_template_version (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      template_id integer NOT NULL REFERENCES pledge_template(id),
      version_no integer NOT NULL CHECK (version_no > 0),
      title text NOT NULL CHECK (length(btrim(title)) > 0),
      paragraphs jsonb NOT NULL CHECK (jsonb_typeof(paragraphs) = 'array' AND jsonb_array_length(paragraphs) > 0),
      note text NOT NULL DEFAULT '',
      published_at timestamptz,
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (template_id, version_no)
    )`.execute(db);
  // A draft may be edited or deleted; once published, the text people sign never changes.
  await sql`
    CREATE FUNCTION pledge_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'pledge_template_version % is published and immutable (% refused)', OLD.id, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER pledge_version_no_change BEFORE UPDATE OR DELETE ON pledge_template_version
    FOR EACH ROW EXECUTE FUNCTION pledge_version_frozen()`.execute(db);

  await sql`
    CREATE TABLE pledge_campaign (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      template_version_id integer NOT NULL REFERENCES pledge_template_version(id),
      title text NOT NULL CHECK (length(btrim(title)) > 0),
      start_date date NOT NULL,
      due_date date NOT NULL CHECK (due_date >= start_date),
      closed_at timestamptz,
      created_by integer REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX pledge_campaign_org_idx ON pledge_campaign (org_unit_id)`.execute(db);

  await sql`
    CREATE TABLE pledge_signer (
      campaign_id integer NOT NULL REFERENCES pledge_campaign(id),
      person_id integer NOT NULL REFERENCES person(id),
      added_at timestamptz NOT NULL,
      added_by integer REFERENCES app_user(id),
      PRIMARY KEY (campaign_id, person_id)
    )`.execute(db);
  await sql`CREATE INDEX pledge_signer_person_idx ON pledge_signer (person_id)`.execute(db);

  await sql`
    CREATE TABLE pledge_link (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id integer NOT NULL REFERENCES pledge_campaign(id),
      person_id integer NOT NULL REFERENCES person(id),
      token_sha256 text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      voided_at timestamptz,
      used_at timestamptz,
      failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
      created_by integer REFERENCES app_user(id),
      FOREIGN KEY (campaign_id, person_id) REFERENCES pledge_signer(campaign_id, person_id)
    )`.execute(db);
  await sql`CREATE INDEX pledge_link_signer_idx ON pledge_link (campaign_id, person_id)`.execute(db);

  await sql`
    CREATE TABLE pledge_signature (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id integer NOT NULL REFERENCES pledge_campaign(id),
      person_id integer NOT NULL REFERENCES person(id),
      template_version_id integer NOT NULL REFERENCES pledge_template_version(id),
      org_unit_id integer NOT NULL REFERENCES org_unit(id),
      signer_name text NOT NULL,
      -- Names as printed on the signed PDF (campaign title, the signer's unit, the header's unit): kept,
      -- so that renaming later never changes the bytes a download draws.
      campaign_title text NOT NULL,
      org_name text NOT NULL,
      header_org_name text NOT NULL,
      signed_at timestamptz NOT NULL,
      ip text,
      user_agent text,
      auth_method text NOT NULL CHECK (auth_method IN ('password','link')),
      user_id integer REFERENCES app_user(id),
      link_id integer REFERENCES pledge_link(id),
      text_sha256 text NOT NULL CHECK (text_sha256 ~ '^[0-9a-f]{64}$'),
      image_png bytea NOT NULL,
      image_sha256 text NOT NULL CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
      verification_code text NOT NULL UNIQUE,
      verify_url text NOT NULL,
      document_id integer NOT NULL REFERENCES document(id),
      supersedes_id integer UNIQUE REFERENCES pledge_signature(id),
      CHECK ((auth_method = 'password') = (user_id IS NOT NULL)),
      CHECK ((auth_method = 'link') = (link_id IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX pledge_signature_campaign_idx ON pledge_signature (campaign_id, person_id)`.execute(db);
  // With UNIQUE(supersedes_id) this keeps each signer's signatures in a campaign one linear chain, even
  // when two signing requests race: one first signature, and one successor per signature.
  await sql`CREATE UNIQUE INDEX pledge_signature_first_idx ON pledge_signature (campaign_id, person_id) WHERE supersedes_id IS NULL`.execute(db);
  await sql`CREATE INDEX pledge_signature_signed_at_idx ON pledge_signature (signed_at)`.execute(db);
  await sql`
    CREATE FUNCTION pledge_signature_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'pledge_signature is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER pledge_signature_no_update_delete BEFORE UPDATE OR DELETE ON pledge_signature
    FOR EACH ROW EXECUTE FUNCTION pledge_signature_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER pledge_signature_no_truncate BEFORE TRUNCATE ON pledge_signature
    FOR EACH STATEMENT EXECUTE FUNCTION pledge_signature_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['pledge_signature', 'pledge_link', 'pledge_signer', 'pledge_campaign', 'pledge_template_version', 'pledge_template'])
    await sql`DROP TABLE ${sql.raw(t)}`.execute(db);
  await sql`DROP FUNCTION pledge_signature_append_only()`.execute(db);
  await sql`DROP FUNCTION pledge_version_frozen()`.execute(db);
}
