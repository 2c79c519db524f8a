// Talks and sanctions: reads limited to the caller's org subtree (`org_unit.path LIKE scope || '%'`),
// writes inside the caller's transaction. Figures and drill-downs are in figures.ts.
import { sql, type Kysely } from 'kysely';
import type { Committee, Database, DecisionCategory, MeetingKind, MemberRole, Opinion, OrgKind, Outcome, PersonCategory, PoliticalStatus, Position, SanctionStatus, SanctionSystem, SanctionType, TalkKind, Violation } from '@qingfeng/db';
import { maskBirthDate, maskIdNumber } from '../roster/identity.ts';
import { personVisible } from '../roster/queries.ts';
import { withIdNumber } from '../roster/id-crypt.ts';
import { loadSettings } from '../settings/queries.ts';
import type { Settings } from '../settings/rules.ts';
import type { PeriodSettings, WorkCalendar } from './rules.ts';

const like = (path: string) => `${path}%`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

// ---- settings the rules need ----

export interface DisciplineSettings extends PeriodSettings {
  calendar: WorkCalendar;
  replyWorkingDays: number;
  admonishmentMonths: number;
}

export function disciplineSettings(s: Settings): DisciplineSettings {
  return {
    calendar: { holidays: s['discipline.holidays'], workdays: s['discipline.makeUpWorkdays'] },
    replyWorkingDays: s['discipline.inquiryReplyWorkingDays'],
    admonishmentMonths: s['discipline.admonishmentMonths'],
    organizationalMonths: {
      suspension: s['discipline.org.suspensionMonths'],
      position_adjustment: s['discipline.org.positionAdjustmentMonths'],
      ordered_resignation: s['discipline.org.orderedResignationMonths'],
      removal: s['discipline.org.removalMonths'],
      demotion: s['discipline.org.demotionMonths'],
    },
  };
}

export async function loadDisciplineSettings(db: Kysely<Database>): Promise<DisciplineSettings> {
  return disciplineSettings(await loadSettings(db));
}

// ---- orgs and people in scope ----

export async function orgInScope(db: Kysely<Database>, scopePath: string, id: number) {
  return db.selectFrom('org_unit').select(['id', 'name', 'kind', 'path']).where('id', '=', id).where('path', 'like', like(scopePath)).executeTakeFirst();
}

export interface DisciplinePerson {
  id: number;
  name: string;
  org_unit_id: number;
  org_name: string;
  org_path: string;
  category: PersonCategory;
  political_status: PoliticalStatus;
  under_investigation: boolean;
  investigation_date: string | null;
  investigation_case_number: string | null;
}

export async function findPerson(db: Kysely<Database>, scopePath: string, id: number): Promise<DisciplinePerson | undefined> {
  return db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select([
      'pe.id',
      'pe.name',
      'pe.org_unit_id',
      'o.name as org_name',
      'o.path as org_path',
      'pe.category',
      'pe.political_status',
      'pe.under_investigation',
      'pe.investigation_date',
      'pe.investigation_case_number',
    ])
    .where('pe.id', '=', id)
    .where(personVisible(scopePath))
    .executeTakeFirst();
}

/** Which of these ids are people visible in scope (for named participants). */
export async function visiblePeople(db: Kysely<Database>, scopePath: string, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: number }>`
    SELECT pe.id FROM person pe JOIN org_unit o ON o.id = pe.org_unit_id
    WHERE pe.id = ANY(${[...ids]}::int[]) AND ${personVisible(scopePath)}`.execute(db);
  return r.rows.map((x) => x.id);
}

/** People by name (pick lists of the talk and sanction forms); ID numbers masked. */
export async function searchPeople(db: Kysely<Database>, scopePath: string, search: string, limit = 20) {
  const rows = await db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select(['pe.id', 'pe.name', 'pe.id_number_enc', 'o.name as org_name', 'pe.category', 'pe.political_status'])
    .where(personVisible(scopePath))
    .where('pe.name', 'ilike', `%${escapeLike(search)}%`)
    .orderBy('pe.name')
    .orderBy('pe.id')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const { id_number, ...rest } = withIdNumber(db, r);
    return { ...rest, id_number: maskIdNumber(id_number) };
  });
}

export async function setInvestigation(
  db: Kysely<Database>,
  id: number,
  v: { under: boolean; date: string | null; caseNumber: string | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('person')
    .set({ under_investigation: v.under, investigation_date: v.date, investigation_case_number: v.caseNumber, updated_at: now })
    .where('id', '=', id)
    .execute();
}

// ---- talks ----

export interface TalkValues {
  org_unit_id: number;
  kind: TalkKind;
  talk_date: string;
  talk_time: string | null;
  subject_person_id: number | null;
  participant_count: number;
  leader_name: string;
  leader_title: string;
  topic: string;
  outcome: string;
  follow_up: string;
  reply_due_date: string | null;
  reply_date: string | null;
  reply: string | null;
  influence_end: string | null;
}

export async function insertTalk(db: Kysely<Database>, v: TalkValues, participants: readonly number[], by: number | null, now: Date): Promise<number> {
  const r = await db.insertInto('talk').values({ ...v, created_by: by, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  await setParticipants(db, r.id, participants);
  return r.id;
}

export async function updateTalk(db: Kysely<Database>, id: number, v: TalkValues, participants: readonly number[] | undefined, now: Date): Promise<void> {
  await db.updateTable('talk').set({ ...v, updated_at: now }).where('id', '=', id).execute();
  if (participants !== undefined) {
    await db.deleteFrom('talk_participant').where('talk_id', '=', id).execute();
    await setParticipants(db, id, participants);
  }
}

async function setParticipants(db: Kysely<Database>, talkId: number, participants: readonly number[]) {
  if (participants.length === 0) return;
  await sql`INSERT INTO talk_participant (talk_id, person_id) SELECT ${talkId}, unnest(${[...participants]}::int[])`.execute(db);
}

export async function setTalkReply(db: Kysely<Database>, id: number, replyDate: string, reply: string, now: Date): Promise<void> {
  await db.updateTable('talk').set({ reply_date: replyDate, reply, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteTalk(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('talk').where('id', '=', id).execute();
}

const talkColumns = [
  't.id',
  't.org_unit_id',
  'o.name as org_name',
  't.kind',
  't.talk_date',
  't.talk_time',
  't.subject_person_id',
  'sp.name as subject_name',
  't.participant_count',
  't.leader_name',
  't.leader_title',
  't.topic',
  't.outcome',
  't.follow_up',
  't.reply_due_date',
  't.reply_date',
  't.reply',
  't.influence_end',
  't.created_at',
  't.updated_at',
  't.version',
] as const;

function talkBase(db: Kysely<Database>, scopePath: string) {
  return db
    .selectFrom('talk as t')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .leftJoin('person as sp', 'sp.id', 't.subject_person_id')
    .where('o.path', 'like', like(scopePath));
}

export async function findTalk(db: Kysely<Database>, scopePath: string, id: number) {
  const talk = await talkBase(db, scopePath).select(talkColumns).select('o.path as org_path').where('t.id', '=', id).executeTakeFirst();
  if (!talk) return undefined;
  const participants = await db
    .selectFrom('talk_participant as tp')
    .innerJoin('person as pe', 'pe.id', 'tp.person_id')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select(['pe.id', 'pe.name', 'o.name as org_name'])
    .where('tp.talk_id', '=', id)
    .orderBy('pe.name')
    .execute();
  return { ...talk, participants };
}

export interface TalkFilter {
  orgPath: string;
  from?: string | undefined;
  to?: string | undefined;
  kind?: TalkKind | undefined;
  personId?: number | undefined;
  search?: string | undefined;
  page: number;
  pageSize: number;
}

export async function listTalks(db: Kysely<Database>, scopePath: string, f: TalkFilter) {
  let q = talkBase(db, scopePath).where('o.path', 'like', like(f.orgPath));
  if (f.from) q = q.where('t.talk_date', '>=', f.from);
  if (f.to) q = q.where('t.talk_date', '<', f.to);
  if (f.kind) q = q.where('t.kind', '=', f.kind);
  if (f.personId !== undefined) {
    const pid = f.personId;
    q = q.where((eb) =>
      eb.or([eb('t.subject_person_id', '=', pid), eb.exists(eb.selectFrom('talk_participant as tp').select('tp.talk_id').whereRef('tp.talk_id', '=', 't.id').where('tp.person_id', '=', pid))]),
    );
  }
  if (f.search) {
    const s = `%${escapeLike(f.search)}%`;
    q = q.where((eb) => eb.or([eb('t.topic', 'ilike', s), eb('sp.name', 'ilike', s), eb('t.leader_name', 'ilike', s)]));
  }
  const [items, total] = await Promise.all([
    q.select(talkColumns).orderBy('t.talk_date', 'desc').orderBy('t.id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n, page: f.page, pageSize: f.pageSize };
}

// ---- sanctions ----

export interface SanctionValues {
  person_id: number;
  org_unit_id: number;
  system: SanctionSystem;
  type: SanctionType;
  probation_months: number | null;
  violation: Violation;
  authority: string;
  case_number: string;
  decision_date: string;
  effective_date: string;
  influence_end: string | null;
  criminal_referral: boolean;
  notes: string;
}

export async function insertSanction(db: Kysely<Database>, v: SanctionValues, by: number | null, now: Date): Promise<number> {
  const r = await db.insertInto('sanction').values({ ...v, created_by: by, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateSanction(db: Kysely<Database>, id: number, v: Partial<SanctionValues>, now: Date): Promise<void> {
  await db.updateTable('sanction').set({ ...v, updated_at: now }).where('id', '=', id).execute();
}

export async function setSanctionStatus(
  db: Kysely<Database>,
  id: number,
  v: { status: Exclude<SanctionStatus, 'in_force'>; reason: string; replacedBy: number | null },
  now: Date,
): Promise<void> {
  await db
    .updateTable('sanction')
    .set({ status: v.status, status_reason: v.reason, status_changed_at: now, replaced_by_id: v.replacedBy, updated_at: now })
    .where('id', '=', id)
    .execute();
}

const sanctionColumns = [
  's.id',
  's.version',
  's.person_id',
  'pe.name as person_name',
  'pe.category as person_category',
  's.org_unit_id',
  'o.name as org_name',
  's.system',
  's.type',
  's.probation_months',
  's.violation',
  's.authority',
  's.case_number',
  's.decision_date',
  's.effective_date',
  's.influence_end',
  's.status',
  's.status_reason',
  's.status_changed_at',
  's.replaced_by_id',
  's.criminal_referral',
  's.notes',
  's.created_at',
  's.updated_at',
] as const;

function sanctionBase(db: Kysely<Database>, scopePath: string) {
  return db
    .selectFrom('sanction as s')
    .innerJoin('org_unit as o', 'o.id', 's.org_unit_id')
    .innerJoin('person as pe', 'pe.id', 's.person_id')
    .where('o.path', 'like', like(scopePath));
}

export async function findSanction(db: Kysely<Database>, scopePath: string, id: number) {
  const s = await sanctionBase(db, scopePath).select(sanctionColumns).where('s.id', '=', id).executeTakeFirst();
  if (!s) return undefined;
  // The sanction this one replaced on appeal, if any (visible in scope).
  const replaces = await sanctionBase(db, scopePath).select(['s.id', 's.system', 's.type', 's.effective_date']).where('s.replaced_by_id', '=', id).execute();
  return { ...s, replaces };
}

/** Locks the row for a status change (two inspectors acting at once: the second sees the first's result). */
export async function lockSanction(db: Kysely<Database>, id: number) {
  await sql`SELECT id FROM sanction WHERE id = ${id} FOR UPDATE`.execute(db);
}

export interface SanctionFilter {
  orgPath: string;
  from?: string | undefined;
  to?: string | undefined;
  system?: SanctionSystem | undefined;
  status?: SanctionStatus | undefined;
  personId?: number | undefined;
  search?: string | undefined;
  page: number;
  pageSize: number;
}

export async function listSanctions(db: Kysely<Database>, scopePath: string, f: SanctionFilter) {
  let q = sanctionBase(db, scopePath).where('o.path', 'like', like(f.orgPath));
  if (f.from) q = q.where('s.effective_date', '>=', f.from);
  if (f.to) q = q.where('s.effective_date', '<', f.to);
  if (f.system) q = q.where('s.system', '=', f.system);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.personId !== undefined) q = q.where('s.person_id', '=', f.personId);
  if (f.search) {
    const s = `%${escapeLike(f.search)}%`;
    q = q.where((eb) => eb.or([eb('pe.name', 'ilike', s), eb('s.case_number', 'ilike', s)]));
  }
  const [items, total] = await Promise.all([
    q.select(sanctionColumns).orderBy('s.effective_date', 'desc').orderBy('s.id', 'desc').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n, page: f.page, pageSize: f.pageSize };
}

// ---- the inspectors' desk ----

/** Sanctions and 诫勉 whose influence ends in [today, until); open 函询 due before `dueUntil` (overdue included). */
export async function deskItems(db: Kysely<Database>, scopePath: string, today: string, until: string, dueUntil: string) {
  const [ending, admonishments, replies] = await Promise.all([
    sanctionBase(db, scopePath)
      .select(sanctionColumns)
      .where('s.status', '=', 'in_force')
      .where('s.influence_end', '>=', today)
      .where('s.influence_end', '<', until)
      .orderBy('s.influence_end')
      .limit(200)
      .execute(),
    talkBase(db, scopePath)
      .select(talkColumns)
      .where('t.kind', '=', 'admonishment')
      .where('t.influence_end', '>=', today)
      .where('t.influence_end', '<', until)
      .orderBy('t.influence_end')
      .limit(200)
      .execute(),
    talkBase(db, scopePath)
      .select(talkColumns)
      .where('t.kind', '=', 'inquiry_letter')
      .where('t.reply_date', 'is', null)
      .where('t.reply_due_date', '<=', dueUntil)
      .orderBy('t.reply_due_date')
      .limit(200)
      .execute(),
  ]);
  return { ending, admonishments, replies };
}

// ---- org children (four forms by org) ----

export async function childOrgs(db: Kysely<Database>, parentId: number) {
  return db.selectFrom('org_unit').select(['id', 'name', 'kind']).where('parent_id', '=', parentId).orderBy('sort_order').orderBy('id').execute();
}

// ---- the integrity archive (廉政档案, domain.md §8) ----

/** Everything the archive shows of one person in scope (ID number masked). */
export async function archiveOf(db: Kysely<Database>, scopePath: string, id: number) {
  // All six statements at once (on PostgreSQL each on its own pooled connection): every list is already
  // limited to the scope; when the person is not visible the lists are dropped unread.
  const [person, posts, talks, sanctions, decisions, pledges] = await Promise.all([
    db
      .selectFrom('person as pe')
      .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
      .select([
        'pe.id',
        'pe.name',
        'pe.gender',
        'pe.id_number_enc',
        'pe.birth_date',
        'pe.ethnicity',
        'pe.political_status',
        'pe.party_join_date',
        'pe.education_highest',
        'pe.category',
        'pe.under_investigation',
        'pe.investigation_date',
        'pe.investigation_case_number',
        'pe.org_unit_id',
        'o.name as org_name',
      ])
      .where('pe.id', '=', id)
      .where(personVisible(scopePath))
      .executeTakeFirst(),
    sql<{ id: number; org_name: string; org_kind: OrgKind; term_ordinal: number; committee: Committee; position: Position; start_date: string; end_date: string | null; end_reason: string | null; eligibility_override: string | null }>`
      SELECT p.id, o.name AS org_name, o.kind AS org_kind, t.ordinal AS term_ordinal, p.committee, p.position, p.start_date, p.end_date, p.end_reason, p.eligibility_override
      FROM post p JOIN term t ON t.id = p.term_id JOIN org_unit o ON o.id = p.org_unit_id
      WHERE p.person_id = ${id} AND o.path LIKE ${like(scopePath)}
      ORDER BY p.start_date DESC, p.id`.execute(db),
    sql<{ id: number; kind: TalkKind; talk_date: string; talk_time: string | null; leader_name: string; leader_title: string; topic: string; outcome: string; influence_end: string | null; reply_due_date: string | null; reply_date: string | null; collective: boolean }>`
      SELECT t.id, t.kind, t.talk_date, t.talk_time, t.leader_name, t.leader_title, t.topic, t.outcome, t.influence_end, t.reply_due_date, t.reply_date,
             (t.subject_person_id IS NULL) AS collective
      FROM talk t JOIN org_unit o ON o.id = t.org_unit_id
      WHERE o.path LIKE ${like(scopePath)}
        -- The person's talks through the two indexes (an OR with EXISTS would scan every talk in scope).
        AND t.id IN (SELECT ts.id FROM talk ts WHERE ts.subject_person_id = ${id} UNION SELECT tp.talk_id FROM talk_participant tp WHERE tp.person_id = ${id})
      ORDER BY t.talk_date DESC, t.id DESC`.execute(db),
    sanctionBase(db, scopePath).select(sanctionColumns).where('s.person_id', '=', id).orderBy('s.effective_date', 'desc').orderBy('s.id', 'desc').execute(),
    // 三重一大 items of every meeting the person attended (应到 present, or 列席), with their own opinion —
    // null when none was recorded — and whether they recused themselves.
    sql<{ item_id: number; held_on: string; org_name: string; meeting_kind: MeetingKind; title: string; category: DecisionCategory; role: MemberRole; opinion: Opinion | null; remark: string | null; recused: boolean; outcome: Outcome | null }>`
      SELECT i.id AS item_id, m.held_on, o.name AS org_name, m.kind AS meeting_kind, i.title, i.category, mem.role,
             op.opinion, op.remark,
             EXISTS (SELECT 1 FROM decision_recusal r WHERE r.item_id = i.id AND r.member_id = mem.id) AS recused,
             i.outcome
      FROM decision_member mem
      JOIN decision_meeting m ON m.id = mem.meeting_id
      JOIN decision_item i ON i.meeting_id = m.id
      JOIN org_unit o ON o.id = i.org_unit_id
      LEFT JOIN decision_opinion op ON op.item_id = i.id AND op.member_id = mem.id
      WHERE mem.person_id = ${id} AND o.path LIKE ${like(scopePath)}
        AND (mem.role = 'observer' OR mem.attendance = 'present')
      ORDER BY m.held_on DESC, m.id DESC, i.seq`.execute(db),
    // Pledges: the person's current signature per campaign (one that no later signature supersedes), with the
    // campaign title as signed.
    sql<{ id: number; campaign_title: string; version_no: number; signed_at: Date | string; verification_code: string }>`
      SELECT s.id, s.campaign_title, v.version_no, s.signed_at, s.verification_code
      FROM pledge_signature s
      JOIN pledge_template_version v ON v.id = s.template_version_id
      JOIN org_unit o ON o.id = s.org_unit_id
      WHERE s.person_id = ${id} AND o.path LIKE ${like(scopePath)}
        AND NOT EXISTS (SELECT 1 FROM pledge_signature n WHERE n.supersedes_id = s.id)
      ORDER BY s.signed_at DESC, s.id DESC`.execute(db),
  ]);
  if (!person) return undefined;
  return {
    // Readers of archives never maintain rosters: masked ID and 出生年月 only (issue 11, finding 4).
    person: ((p) => ({ ...p, id_number: maskIdNumber(p.id_number), birth_date: maskBirthDate(p.birth_date) }))(withIdNumber(db, person)),
    posts: posts.rows,
    talks: talks.rows,
    sanctions,
    decisions: decisions.rows,
    pledges: pledges.rows,
  };
}

// ---- 换届联审 ----

/** People who may stand in a village: its current members and the people who belong to it (pick list). */
export async function villageCandidates(db: Kysely<Database>, scopePath: string, orgId: number, on: string) {
  const r = await sql<{ id: number; name: string; org_name: string; current_post: boolean }>`
    SELECT pe.id, pe.name, o.name AS org_name,
           EXISTS (SELECT 1 FROM post p WHERE p.person_id = pe.id AND p.org_unit_id = ${orgId}
                   AND p.start_date <= ${on}::date AND (p.end_date IS NULL OR p.end_date > ${on}::date)) AS current_post
    FROM person pe JOIN org_unit o ON o.id = pe.org_unit_id
    WHERE (pe.org_unit_id = ${orgId} OR EXISTS (SELECT 1 FROM post p WHERE p.person_id = pe.id AND p.org_unit_id = ${orgId}))
      AND ${personVisible(scopePath)}
    ORDER BY 4 DESC, pe.name, pe.id
    LIMIT 2000`.execute(db);
  return r.rows;
}
