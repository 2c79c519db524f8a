// The one description of the database for Kysely. It must match the migrations:
// `schema.test.ts` compares these column lists with information_schema.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A `date` column: always 'YYYY-MM-DD' on both engines (see client.ts). */
type DateString = string;
type Json<T = unknown> = ColumnType<T, T, T>;

export const ORG_KINDS = ['province', 'county', 'subdistrict', 'village', 'community', 'grid'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ROLES = ['admin', 'org_office', 'inspector', 'secretary', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface OrgUnitTable {
  id: Generated<number>;
  parent_id: number | null;
  kind: OrgKind;
  name: string;
  /** Materialised path of ids, '/1/5/12/': a subtree is `path LIKE '/1/5/%'`. */
  path: string;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  org_unit_id: number;
  person_id: number | null;
  password_hash: string;
  must_change_password: Generated<boolean>;
  disabled: Generated<boolean>;
  password_changed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface SessionTable {
  id: string;
  user_id: number;
  secret_hash: Uint8Array;
  created_at: Timestamp;
  last_verified_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Timestamp;
  kind: string;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_display_name: string | null;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  object_type: string | null;
  object_id: string | null;
  org_unit_id: number | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface SettingTable {
  key: string;
  value: Json;
  updated_at: Timestamp;
}

// ---- roster (两委) ----

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

/** Fine-level education, highest first. */
export const EDUCATION_LEVELS = [
  'doctorate',
  'master',
  'bachelor',
  'associate',
  'secondary_vocational',
  'high_school',
  'junior_high',
  'primary_or_below',
] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export const POLITICAL_STATUSES = [
  'cpc_member',
  'cpc_probationary',
  'cyl_member',
  'rcck',
  'cdl',
  'cndca',
  'cnapd',
  'cpwdp',
  'zgd',
  'jsps',
  'tdsgl',
  'non_party',
  'masses',
] as const;
export type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];

export const COMMITTEES = ['party', 'residents'] as const;
export type Committee = (typeof COMMITTEES)[number];

export const POSITIONS = {
  party: ['secretary', 'deputy_secretary', 'member'],
  residents: ['director', 'deputy_director', 'member'],
} as const satisfies Record<Committee, readonly string[]>;
export type Position = (typeof POSITIONS)[Committee][number];

export const POST_HOW = ['elected', 'by_election', 'appointed'] as const;
export type PostHow = (typeof POST_HOW)[number];

/** 身份类别 (domain.md §4). */
export const PERSON_CATEGORIES = ['village_cadre', 'civil_servant', 'public_employee', 'party_member', 'other'] as const;
export type PersonCategory = (typeof PERSON_CATEGORIES)[number];

export interface PersonTable {
  id: Generated<number>;
  /** The org unit the person belongs to (所属单位); scope follows it. */
  org_unit_id: number;
  name: string;
  gender: Gender;
  /** 公民身份号码, AES-256-GCM (data-key.ts); never the plain number. Read it with openIdNumber. */
  id_number_enc: Uint8Array;
  /** HMAC blind index of the whole number (unique; exact search and the duplicate check). */
  id_number_bidx: Uint8Array;
  /** HMAC blind index of its last six characters (search by 后六位). */
  id_number_tail_bidx: Uint8Array;
  birth_date: DateString;
  /** GB/T 3304 two-digit code, '01' = 汉族. */
  ethnicity: string;
  political_status: PoliticalStatus;
  party_join_date: DateString | null;
  education_full_time: EducationLevel | null;
  education_highest: EducationLevel;
  phone: string | null;
  is_veteran: Generated<boolean>;
  under_investigation: Generated<boolean>;
  category: Generated<PersonCategory>;
  /** 立案审查: set with the flag by inspectors (discipline migration). */
  investigation_date: DateString | null;
  investigation_case_number: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
  /** Pinyin initials of the name ("thh"), computed on write (`nameKeys`), for search. */
  name_initials: Generated<string>;
  /** 姓氏笔画 sort key of the name, computed on write (`nameKeys`). */
  name_stroke_key: Generated<string>;
}

export interface TermTable {
  id: Generated<number>;
  org_unit_id: number;
  ordinal: number;
  election_date: DateString;
  start_date: DateString;
  end_date: DateString | null;
  created_at: CreatedAt;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface PostTable {
  id: Generated<number>;
  person_id: number;
  org_unit_id: number;
  term_id: number;
  committee: Committee;
  position: Position;
  start_date: DateString;
  end_date: DateString | null;
  end_reason: string | null;
  how: PostHow;
  /** Added although the person was not eligible (domain.md §3): the override's written reason. */
  eligibility_override: Generated<string | null>;
  created_at: CreatedAt;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface DocumentTable {
  id: Generated<number>;
  /** Printed in the footer, e.g. QF-2026-000123. */
  number: string;
  kind: string;
  title: string;
  org_unit_id: number | null;
  /** SHA-256 of the canonical data the document was drawn from; printed in its footer. */
  content_sha256: string;
  /** SHA-256 of the file bytes as delivered; filled in once the stream has ended. */
  file_sha256: string | null;
  byte_size: number | null;
  created_by: number | null;
  created_at: CreatedAt;
}

/** Issue 12: a counter per cached table (a trigger bumps it); processes re-read when it moves. */
export interface CacheVersionTable {
  name: string;
  version: number;
}

/** The data key the ID numbers are under (one row; data-key.ts, checked at every start). */
export interface DataKeyStateTable {
  only_row: Generated<boolean>;
  key_id: string;
  changed_at: Generated<Timestamp>;
}

/** Failed-login counters and locks (auth/throttle.ts). */
export interface LoginThrottleTable {
  scope: 'pair' | 'account' | 'address';
  /** Lower-cased user name ('' for scope 'address'). */
  account: string;
  /** Client address ('' for scope 'account', or when unknown). */
  address: string;
  failures: number;
  window_start: Timestamp;
  locked_until: Timestamp | null;
}

// ---- 三重一大 decisions (domain.md §6) ----

export const MEETING_KINDS = ['subdistrict_committee', 'village_party', 'joint_committees', 'party_members', 'villager_representatives', 'villagers'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const DECISION_CATEGORIES = ['major_decision', 'cadre_appointment', 'major_project', 'large_fund', 'ordinary'] as const;
export type DecisionCategory = (typeof DECISION_CATEGORIES)[number];
export const MEMBER_ROLES = ['member', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const ATTENDANCE = ['present', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const OPINIONS = ['agree', 'disagree', 'defer'] as const;
export type Opinion = (typeof OPINIONS)[number];
export const VOTING_METHODS = ['show_of_hands', 'oral', 'secret_ballot', 'roll_call'] as const;
export type VotingMethod = (typeof VOTING_METHODS)[number];
export const OUTCOMES = ['adopted', 'rejected', 'deferred'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** 四议两公开, in order. */
export const DECISION_STEPS = ['proposal', 'deliberation', 'members_meeting', 'resolution', 'resolution_disclosure', 'result_disclosure'] as const;
export type DecisionStep = (typeof DECISION_STEPS)[number];
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** A flag raised by a check in modules/decisions/rules.ts. */
export interface DecisionFlag {
  rule: string;
  /** Chinese explanation of what is wrong on this item. */
  message: string;
  /** The rule it comes from (regulation or domain.md section). */
  source: string;
}

export interface DecisionMeetingTable {
  id: Generated<number>;
  org_unit_id: number;
  kind: MeetingKind;
  held_on: DateString;
  /** Local time 'HH:MM:SS' or null. */
  held_time: string | null;
  place: Generated<string>;
  chair: Generated<string>;
  recorder: Generated<string>;
  notes: Generated<string>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface DecisionMemberTable {
  id: Generated<number>;
  meeting_id: number;
  person_id: number | null;
  name: string;
  title: Generated<string>;
  role: MemberRole;
  is_principal: Generated<boolean>;
  attendance: Attendance | null;
  absence_reason: Generated<string>;
  sort_order: number;
}

export interface DecisionItemTable {
  id: Generated<number>;
  meeting_id: number;
  org_unit_id: number;
  seq: number;
  category: DecisionCategory;
  title: string;
  summary: Generated<string>;
  amount_fen: number | null;
  proposer: Generated<string>;
  motion_reason: Generated<string>;
  voting_method: VotingMethod | null;
  votes_for: number | null;
  votes_against: number | null;
  votes_abstain: number | null;
  outcome: Outcome | null;
  implementation_result: Generated<string>;
  implementation_date: DateString | null;
  deferred_from_item_id: number | null;
  flags: Json<DecisionFlag[]>;
  closed_at: Timestamp | null;
  closed_by: number | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface DecisionOpinionTable {
  id: Generated<number>;
  item_id: number;
  member_id: number;
  position: number;
  opinion: Opinion;
  remark: Generated<string>;
}

export interface DecisionRecusalTable {
  id: Generated<number>;
  item_id: number;
  member_id: number;
  reason: string;
}

export interface DecisionDisclosureTable {
  id: Generated<number>;
  item_id: number;
  disclosed_on: DateString;
  form: string;
  location: Generated<string>;
  created_at: CreatedAt;
}

export interface DecisionStepTable {
  id: Generated<number>;
  item_id: number;
  step: DecisionStep;
  held_on: DateString;
  expected: number | null;
  present: number | null;
  votes_for: number | null;
  content: Generated<string>;
  signed_by: Generated<string>;
  merged: Generated<boolean>;
  updated_at: Timestamp;
}

export interface DecisionAmendmentTable {
  id: Generated<number>;
  item_id: number;
  subject: string;
  correction: string;
  reason: string;
  created_by: number | null;
  created_by_name: string;
  created_at: CreatedAt;
}

export interface DecisionThresholdTable {
  org_unit_id: number;
  amount_fen: number;
  updated_at: Timestamp;
}

export interface AttachmentTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: number;
  org_unit_id: number;
  file_name: string;
  media_type: AttachmentType;
  byte_size: number;
  sha256: string;
  content: Uint8Array;
  created_by: number | null;
  created_at: CreatedAt;
}

// ---- discipline inspection (纪检, domain.md §4–§5) ----

export const TALK_KINDS = ['collective', 'reminder', 'admonishment', 'warning_talk', 'inquiry_letter', 'integrity', 'pre_appointment'] as const;
export type TalkKind = (typeof TALK_KINDS)[number];

export const SANCTION_SYSTEMS = ['party', 'government', 'organizational'] as const;
export type SanctionSystem = (typeof SANCTION_SYSTEMS)[number];
export const SANCTION_TYPES = {
  party: ['warning', 'serious_warning', 'removal_from_post', 'probation', 'expulsion'],
  government: ['warning', 'demerit', 'major_demerit', 'demotion', 'dismissal', 'expulsion'],
  organizational: ['suspension', 'position_adjustment', 'ordered_resignation', 'removal', 'demotion'],
} as const satisfies Record<SanctionSystem, readonly string[]>;
export type SanctionType = (typeof SANCTION_TYPES)[SanctionSystem][number];
/** Stored statuses; 影响期已满 (influence ended) is derived from the date, never stored. */
export const SANCTION_STATUSES = ['in_force', 'revoked', 'changed_on_appeal'] as const;
export type SanctionStatus = (typeof SANCTION_STATUSES)[number];
/** 六项纪律. */
export const VIOLATIONS = ['political', 'organizational', 'integrity', 'mass', 'work', 'life'] as const;
export type Violation = (typeof VIOLATIONS)[number];

export interface TalkTable {
  id: Generated<number>;
  org_unit_id: number;
  kind: TalkKind;
  /** The Asia/Shanghai day the talk took place: it decides the year the talk counts in. */
  talk_date: DateString;
  /** 'HH:MM' Beijing time, optional. */
  talk_time: string | null;
  /** Individual talks: the one subject; collective talks: null. */
  subject_person_id: number | null;
  participant_count: number;
  leader_name: string;
  leader_title: Generated<string>;
  topic: string;
  outcome: Generated<string>;
  follow_up: Generated<string>;
  reply_due_date: DateString | null;
  reply_date: DateString | null;
  reply: string | null;
  /** 诫勉: first day out of influence. */
  influence_end: DateString | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface TalkParticipantTable {
  talk_id: number;
  person_id: number;
}

export interface SanctionTable {
  id: Generated<number>;
  person_id: number;
  org_unit_id: number;
  system: SanctionSystem;
  type: SanctionType;
  /** 留党察看: 12 or 24 months of 察看. */
  probation_months: number | null;
  violation: Violation;
  authority: string;
  case_number: Generated<string>;
  decision_date: DateString;
  effective_date: DateString;
  /** First day out of influence; null = permanent. */
  influence_end: DateString | null;
  status: Generated<SanctionStatus>;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  /** Changed on appeal: the sanction that replaces this one. */
  replaced_by_id: number | null;
  criminal_referral: Generated<boolean>;
  notes: Generated<string>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

// ---- integrity pledges (廉洁自律承诺书, domain.md §7) ----

export interface PledgeTemplateTable {
  id: Generated<number>;
  /** The org unit that owns the template; it is visible in that subtree. */
  org_unit_id: number;
  name: string;
  /** For whom (适用对象), e.g. 村(社区)"两委"成员、机关干部. */
  audience: Generated<string>;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface PledgeTemplateVersionTable {
  id: Generated<number>;
  template_id: number;
  version_no: number;
  title: string;
  /** The body, one string per paragraph. */
  paragraphs: Json<string[]>;
  note: Generated<string>;
  /** Set once; a published version can no longer change (database trigger). */
  published_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface PledgeCampaignTable {
  id: Generated<number>;
  org_unit_id: number;
  template_version_id: number;
  title: string;
  start_date: DateString;
  /** Last day to sign; from the day after, unsigned signers are overdue. */
  due_date: DateString;
  closed_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Bumped by every edit; a write names the version it read (finding 6, migration 2026-12-03-301). */
  version: Generated<number>;
}

export interface PledgeSignerTable {
  campaign_id: number;
  person_id: number;
  added_at: Timestamp;
  added_by: number | null;
}

export interface PledgeLinkTable {
  id: Generated<number>;
  campaign_id: number;
  person_id: number;
  /** SHA-256 (hex) of the link's token: the token itself is never stored. */
  token_sha256: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  /** Set after too many wrong ID-number suffixes. */
  voided_at: Timestamp | null;
  used_at: Timestamp | null;
  failed_attempts: Generated<number>;
  created_by: number | null;
}

export const PLEDGE_AUTH_METHODS = ['password', 'link'] as const;
export type PledgeAuthMethod = (typeof PLEDGE_AUTH_METHODS)[number];

/** Append-only (database trigger): a signature is never updated or deleted, only superseded. */
export interface PledgeSignatureTable {
  id: Generated<number>;
  campaign_id: number;
  person_id: number;
  template_version_id: number;
  /** The signer's org unit when signing (for figures by village). */
  org_unit_id: number;
  signer_name: string;
  /** As printed on the signed PDF (renaming later never changes a download's bytes). */
  campaign_title: string;
  org_name: string;
  header_org_name: string;
  signed_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  auth_method: PledgeAuthMethod;
  user_id: number | null;
  link_id: number | null;
  text_sha256: string;
  image_png: Uint8Array;
  image_sha256: string;
  verification_code: string;
  /** The verify address printed as a QR code (kept, so that every download draws the same bytes). */
  verify_url: string;
  document_id: number;
  supersedes_id: number | null;
}

export interface Database {
  org_unit: OrgUnitTable;
  app_user: AppUserTable;
  session: SessionTable;
  audit_event: AuditEventTable;
  setting: SettingTable;
  person: PersonTable;
  term: TermTable;
  post: PostTable;
  document: DocumentTable;
  cache_version: CacheVersionTable;
  pledge_template: PledgeTemplateTable;
  pledge_template_version: PledgeTemplateVersionTable;
  pledge_campaign: PledgeCampaignTable;
  pledge_signer: PledgeSignerTable;
  pledge_link: PledgeLinkTable;
  pledge_signature: PledgeSignatureTable;
  talk: TalkTable;
  talk_participant: TalkParticipantTable;
  sanction: SanctionTable;
  login_throttle: LoginThrottleTable;
  decision_meeting: DecisionMeetingTable;
  decision_member: DecisionMemberTable;
  decision_item: DecisionItemTable;
  decision_opinion: DecisionOpinionTable;
  decision_recusal: DecisionRecusalTable;
  decision_disclosure: DecisionDisclosureTable;
  decision_step: DecisionStepTable;
  decision_amendment: DecisionAmendmentTable;
  decision_threshold: DecisionThresholdTable;
  attachment: AttachmentTable;
  data_key_state: DataKeyStateTable;
}

export type Talk = Selectable<TalkTable>;
export type Sanction = Selectable<SanctionTable>;
export type OrgUnit = Selectable<OrgUnitTable>;
export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type Session = Selectable<SessionTable>;
export type AuditEvent = Selectable<AuditEventTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type Term = Selectable<TermTable>;
export type Post = Selectable<PostTable>;
export type DocumentRecord = Selectable<DocumentTable>;
export type DecisionMeeting = Selectable<DecisionMeetingTable>;
export type DecisionMember = Selectable<DecisionMemberTable>;
export type DecisionItem = Selectable<DecisionItemTable>;
export type DecisionStepRow = Selectable<DecisionStepTable>;
export type DecisionAmendment = Selectable<DecisionAmendmentTable>;
