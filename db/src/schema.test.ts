import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DbHandle } from './client.ts';
import type { Database } from './schema.ts';
import { openTestDatabase, testEngine } from './testing.ts';

/**
 * Every column of every table, as schema.ts declares them. The type makes this list exact: a table or
 * column added to or removed from the Database interface without updating this list fails
 * `pnpm typecheck` (missing or excess property), and the test below fails when the migrations
 * create something else.
 */
type ColumnList = { [T in keyof Database]-?: { [C in keyof Database[T]]-?: true } };

const EXPECTED: ColumnList = {
  org_unit: { id: true, parent_id: true, kind: true, name: true, path: true, sort_order: true, active: true, created_at: true, version: true },
  app_user: {
    id: true,
    username: true,
    display_name: true,
    role: true,
    org_unit_id: true,
    person_id: true,
    password_hash: true,
    must_change_password: true,
    disabled: true,
    password_changed_at: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  session: { id: true, user_id: true, secret_hash: true, created_at: true, last_verified_at: true, ip: true, user_agent: true },
  audit_event: {
    id: true,
    occurred_at: true,
    kind: true,
    actor_user_id: true,
    actor_username: true,
    actor_display_name: true,
    actor_role: true,
    ip: true,
    user_agent: true,
    object_type: true,
    object_id: true,
    org_unit_id: true,
    details: true,
    prev_hash: true,
    hash: true,
  },
  setting: { key: true, value: true, updated_at: true },
  cache_version: { name: true, version: true },
  login_throttle: { scope: true, account: true, address: true, failures: true, window_start: true, locked_until: true },
  data_key_state: { only_row: true, key_id: true, changed_at: true },
  person: {
    id: true,
    org_unit_id: true,
    name: true,
    gender: true,
    id_number_enc: true,
    id_number_bidx: true,
    id_number_tail_bidx: true,
    birth_date: true,
    ethnicity: true,
    political_status: true,
    party_join_date: true,
    education_full_time: true,
    education_highest: true,
    phone: true,
    is_veteran: true,
    under_investigation: true,
    category: true,
    investigation_date: true,
    investigation_case_number: true,
    created_at: true,
    updated_at: true,
    version: true,
    name_initials: true,
    name_stroke_key: true,
  },
  term: { id: true, org_unit_id: true, ordinal: true, election_date: true, start_date: true, end_date: true, created_at: true, version: true },
  post: {
    id: true,
    person_id: true,
    org_unit_id: true,
    term_id: true,
    committee: true,
    position: true,
    start_date: true,
    end_date: true,
    end_reason: true,
    how: true,
    eligibility_override: true,
    created_at: true,
    version: true,
  },
  document: {
    id: true,
    number: true,
    kind: true,
    title: true,
    org_unit_id: true,
    content_sha256: true,
    file_sha256: true,
    byte_size: true,
    created_by: true,
    created_at: true,
  },
  talk: {
    id: true,
    org_unit_id: true,
    kind: true,
    talk_date: true,
    talk_time: true,
    subject_person_id: true,
    participant_count: true,
    leader_name: true,
    leader_title: true,
    topic: true,
    outcome: true,
    follow_up: true,
    reply_due_date: true,
    reply_date: true,
    reply: true,
    influence_end: true,
    created_by: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  talk_participant: { talk_id: true, person_id: true },
  sanction: {
    id: true,
    person_id: true,
    org_unit_id: true,
    system: true,
    type: true,
    probation_months: true,
    violation: true,
    authority: true,
    case_number: true,
    decision_date: true,
    effective_date: true,
    influence_end: true,
    status: true,
    status_reason: true,
    status_changed_at: true,
    replaced_by_id: true,
    criminal_referral: true,
    notes: true,
    created_by: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  decision_meeting: { id: true, org_unit_id: true, kind: true, held_on: true, held_time: true, place: true, chair: true, recorder: true, notes: true, created_by: true, created_at: true, updated_at: true, version: true },
  decision_member: { id: true, meeting_id: true, person_id: true, name: true, title: true, role: true, is_principal: true, attendance: true, absence_reason: true, sort_order: true },
  decision_item: {
    id: true,
    meeting_id: true,
    org_unit_id: true,
    seq: true,
    category: true,
    title: true,
    summary: true,
    amount_fen: true,
    proposer: true,
    motion_reason: true,
    voting_method: true,
    votes_for: true,
    votes_against: true,
    votes_abstain: true,
    outcome: true,
    implementation_result: true,
    implementation_date: true,
    deferred_from_item_id: true,
    flags: true,
    closed_at: true,
    closed_by: true,
    created_by: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  decision_opinion: { id: true, item_id: true, member_id: true, position: true, opinion: true, remark: true },
  decision_recusal: { id: true, item_id: true, member_id: true, reason: true },
  decision_disclosure: { id: true, item_id: true, disclosed_on: true, form: true, location: true, created_at: true },
  decision_step: { id: true, item_id: true, step: true, held_on: true, expected: true, present: true, votes_for: true, content: true, signed_by: true, merged: true, updated_at: true },
  decision_amendment: { id: true, item_id: true, subject: true, correction: true, reason: true, created_by: true, created_by_name: true, created_at: true },
  decision_threshold: { org_unit_id: true, amount_fen: true, updated_at: true },
  attachment: { id: true, owner_kind: true, owner_id: true, org_unit_id: true, file_name: true, media_type: true, byte_size: true, sha256: true, content: true, created_by: true, created_at: true },
  pledge_template: { id: true, org_unit_id: true, name: true, audience: true, created_by: true, created_at: true },
  pledge_template_version: {
    id: true,
    template_id: true,
    version_no: true,
    title: true,
    paragraphs: true,
    note: true,
    published_at: true,
    created_by: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  pledge_campaign: {
    id: true,
    org_unit_id: true,
    template_version_id: true,
    title: true,
    start_date: true,
    due_date: true,
    closed_at: true,
    created_by: true,
    created_at: true,
    updated_at: true,
    version: true,
  },
  pledge_signer: { campaign_id: true, person_id: true, added_at: true, added_by: true },
  pledge_link: {
    id: true,
    campaign_id: true,
    person_id: true,
    token_sha256: true,
    created_at: true,
    expires_at: true,
    revoked_at: true,
    voided_at: true,
    used_at: true,
    failed_attempts: true,
    created_by: true,
  },
  pledge_signature: {
    id: true,
    campaign_id: true,
    person_id: true,
    template_version_id: true,
    org_unit_id: true,
    signer_name: true,
    campaign_title: true,
    org_name: true,
    header_org_name: true,
    signed_at: true,
    ip: true,
    user_agent: true,
    auth_method: true,
    user_id: true,
    link_id: true,
    text_sha256: true,
    image_png: true,
    image_sha256: true,
    verification_code: true,
    verify_url: true,
    document_id: true,
    supersedes_id: true,
  },
};

// Kysely's own bookkeeping tables.
const INTERNAL_TABLES = ['kysely_migration', 'kysely_migration_lock'];

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDatabase({ migrate: true });
});
afterAll(async () => {
  await h?.close();
});

describe(`schema.ts matches the migrated database (${testEngine()})`, () => {
  it('has exactly the tables of the Database interface', async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(h.db);
    const tables = rows.map((r) => r.table_name).filter((t) => !INTERNAL_TABLES.includes(t)).sort();
    expect(tables).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED) as (keyof Database)[])('table %s has exactly the declared columns', async (table) => {
    const { rows } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table}`.execute(h.db);
    expect(rows.map((r) => r.column_name).sort()).toEqual(Object.keys(EXPECTED[table]).sort());
  });
});
