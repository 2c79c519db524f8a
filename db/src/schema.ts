// The one description of the database for Kysely. It must match the migrations:
// `schema.test.ts` compares these column lists with information_schema.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** A `date` column: always 'YYYY-MM-DD' on both engines (see client.ts). */
type DateString = string;
type Json<T = unknown> = ColumnType<T, T, T>;

export const ORG_KINDS = ['county', 'subdistrict', 'village', 'community', 'grid'] as const;
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
  failed_login_count: Generated<number>;
  locked_until: Timestamp | null;
  password_changed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
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
  id_number: string;
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
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TermTable {
  id: Generated<number>;
  org_unit_id: number;
  ordinal: number;
  election_date: DateString;
  start_date: DateString;
  end_date: DateString | null;
  created_at: CreatedAt;
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
  created_at: CreatedAt;
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
  pledge_template: PledgeTemplateTable;
  pledge_template_version: PledgeTemplateVersionTable;
  pledge_campaign: PledgeCampaignTable;
  pledge_signer: PledgeSignerTable;
  pledge_link: PledgeLinkTable;
  pledge_signature: PledgeSignatureTable;
}

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
