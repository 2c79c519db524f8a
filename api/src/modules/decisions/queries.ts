// 三重一大 queries: meetings, their members and attendance, items with opinions, recusals, steps,
// disclosures and amendments; the roster facts the checks need (who should attend, the principal,
// 一肩挑 on a date); flags recomputed on every write. Every reader takes the caller's org path: objects
// outside the subtree are not found (404).
import { sql, type Kysely } from 'kysely';
import type {
  Attendance,
  Database,
  DecisionCategory,
  DecisionFlag,
  DecisionStep,
  MeetingKind,
  MemberRole,
  Opinion,
  OrgKind,
  Outcome,
  VotingMethod,
} from '@qingfeng/db';
import { postHeldOn } from '../roster/queries.ts';
import { listAttachments } from '../attachments/queries.ts';
import { POSITION_LABELS } from '../roster/labels.ts';
import { checkItem, DEFAULT_THRESHOLD_FEN, MAJOR_CATEGORIES, STEP_ORDER, type CheckMember, type CheckStep } from './rules.ts';

type Db = Kysely<Database>;
const like = (path: string) => `${path}%`;

// ---- orgs and the roster facts ----

export interface DecisionOrg {
  id: number;
  name: string;
  kind: OrgKind;
  path: string;
}

export async function findOrg(db: Db, scopePath: string, id: number): Promise<DecisionOrg | undefined> {
  return db.selectFrom('org_unit').select(['id', 'name', 'kind', 'path']).where('id', '=', id).where('path', 'like', like(scopePath)).executeTakeFirst();
}

export interface PrefillMember {
  personId: number;
  name: string;
  title: string;
  isPrincipal: boolean;
}

const POSITION_RANK = sql<number>`CASE p.committee || '.' || p.position
  WHEN 'party.secretary' THEN 1 WHEN 'residents.director' THEN 2 WHEN 'party.deputy_secretary' THEN 3
  WHEN 'residents.deputy_director' THEN 4 WHEN 'party.member' THEN 5 ELSE 6 END`;

/**
 * The 应到 list from the roster: the committee's members holding posts on the meeting date —
 * 村党组织会议: the party committee; 两委联席会议: both committees, each person once. The principal is
 * the party secretary on that date. Other kinds (党员大会, 村民(代表)会议, 党工委会议) have no roster
 * committee here: the office enters their members.
 */
export async function prefillMembers(db: Db, orgId: number, kind: MeetingKind, date: string): Promise<PrefillMember[]> {
  return (await prefillMembersBulk(db, [{ key: 0, orgId, kind, date }])).get(0) ?? [];
}

/** prefillMembers for many meetings in one statement (the register import), by the caller's key. */
export async function prefillMembersBulk(db: Db, list: readonly { key: number; orgId: number; kind: MeetingKind; date: string }[]): Promise<Map<number, PrefillMember[]>> {
  const out = new Map<number, PrefillMember[]>();
  const wanted = list.filter((m) => m.kind === 'village_party' || m.kind === 'joint_committees');
  for (let start = 0; start < wanted.length; start += 5000) {
    const chunk = wanted.slice(start, start + 5000);
    const { rows } = await sql<{ key: number; person_id: number; name: string; committee: 'party' | 'residents'; position: string; rank: number }>`
      SELECT x.key, p.person_id, pe.name, p.committee, p.position, ${POSITION_RANK} AS rank
      FROM unnest(${chunk.map((m) => m.key)}::int[], ${chunk.map((m) => m.orgId)}::int[], ${chunk.map((m) => m.date)}::date[], ${chunk.map((m) => m.kind)}::text[]) AS x(key, org_id, d, kind)
      JOIN post p ON p.org_unit_id = x.org_id AND p.start_date <= x.d AND (p.end_date IS NULL OR p.end_date > x.d)
        AND (x.kind = 'joint_committees' OR p.committee = 'party')
      JOIN person pe ON pe.id = p.person_id
      ORDER BY x.key, rank, p.person_id`.execute(db);
    const byKey = new Map<number, Map<number, PrefillMember>>();
    for (const r of rows) {
      const byPerson = byKey.get(r.key) ?? new Map<number, PrefillMember>();
      byKey.set(r.key, byPerson);
      const label = (POSITION_LABELS[r.committee] as Record<string, string>)[r.position] ?? r.position;
      const title = r.committee === 'party' ? `党组织${label}` : `村(居)委会${label}`;
      const principal = r.committee === 'party' && r.position === 'secretary';
      const existing = byPerson.get(r.person_id);
      if (existing) {
        existing.title += `、${title}`;
        existing.isPrincipal ||= principal;
      } else byPerson.set(r.person_id, { personId: r.person_id, name: r.name, title, isPrincipal: principal });
    }
    for (const [key, byPerson] of byKey) out.set(key, [...byPerson.values()]);
  }
  return out;
}

/** Inserts meetings (≤ 1,000 per statement) and returns their ids in order. */
export async function insertMeetings(db: Db, list: readonly MeetingValues[], userId: number, now: Date): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < list.length; i += 1000) {
    const rows = await db
      .insertInto('decision_meeting')
      .values(list.slice(i, i + 1000).map((v) => ({ ...v, created_by: userId, created_at: now, updated_at: now })))
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** New 应到 lists for fresh meetings (nothing to keep or remove), ≤ 1,000 rows per statement. */
export async function insertMembers(db: Db, rows: readonly { meetingId: number; member: PrefillMember; sortOrder: number }[]) {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('decision_member')
      .values(
        rows.slice(i, i + 1000).map((r) => ({
          meeting_id: r.meetingId,
          person_id: r.member.personId,
          name: r.member.name,
          title: r.member.title,
          role: 'member' as const,
          is_principal: r.member.isPrincipal,
          attendance: null,
          absence_reason: '',
          sort_order: r.sortOrder,
        })),
      )
      .execute();
}

/** Who holds the party secretary post in the org on the date (the principal), if anyone. */
export async function principalOn(db: Db, orgId: number, date: string): Promise<number | null> {
  const r = await db
    .selectFrom('post as p')
    .select('p.person_id')
    .where('p.org_unit_id', '=', orgId)
    .where('p.committee', '=', 'party')
    .where('p.position', '=', 'secretary')
    .where(postHeldOn('p', date))
    .orderBy('p.id')
    .executeTakeFirst();
  return r?.person_id ?? null;
}

/** 一肩挑 on the date: one person holds party secretary and residents' director in the village. */
export async function dualRoleOn(db: Db, orgId: number, date: string): Promise<boolean> {
  const r = await sql<{ yes: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM post s JOIN post d ON d.person_id = s.person_id AND d.org_unit_id = s.org_unit_id
      WHERE s.org_unit_id = ${orgId} AND s.committee = 'party' AND s.position = 'secretary'
        AND d.committee = 'residents' AND d.position = 'director'
        AND ${postHeldOn('s', date)} AND ${postHeldOn('d', date)}) AS yes`.execute(db);
  return r.rows[0]?.yes ?? false;
}

/** The org's amount threshold: its own, else the nearest ancestor's, else 50,000 元. */
export async function thresholdFor(db: Db, orgPath: string): Promise<number> {
  const r = await db
    .selectFrom('decision_threshold as t')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .select('t.amount_fen')
    .where(sql<boolean>`${orgPath} LIKE o.path || '%'`)
    .orderBy(sql`length(o.path)`, 'desc')
    .executeTakeFirst();
  return r?.amount_fen ?? DEFAULT_THRESHOLD_FEN;
}

/** thresholdFor many org paths at once: the overrides are few, read once and matched by path prefix. */
export async function thresholdsFor(db: Db, orgPaths: readonly string[]): Promise<Map<string, number>> {
  const overrides = await db.selectFrom('decision_threshold as t').innerJoin('org_unit as o', 'o.id', 't.org_unit_id').select(['o.path', 't.amount_fen']).execute();
  overrides.sort((a, b) => b.path.length - a.path.length);
  const out = new Map<string, number>();
  for (const path of orgPaths) if (!out.has(path)) out.set(path, overrides.find((o) => path.startsWith(o.path))?.amount_fen ?? DEFAULT_THRESHOLD_FEN);
  return out;
}

export async function setThreshold(db: Db, orgId: number, amountFen: number | null, now: Date) {
  if (amountFen === null) await db.deleteFrom('decision_threshold').where('org_unit_id', '=', orgId).execute();
  else
    await db
      .insertInto('decision_threshold')
      .values({ org_unit_id: orgId, amount_fen: amountFen, updated_at: now })
      .onConflict((oc) => oc.column('org_unit_id').doUpdateSet({ amount_fen: amountFen, updated_at: now }))
      .execute();
}

// ---- meetings ----

export interface MeetingValues {
  org_unit_id: number;
  kind: MeetingKind;
  held_on: string;
  held_time: string | null;
  place: string;
  chair: string;
  recorder: string;
  notes: string;
}

export async function insertMeeting(db: Db, v: MeetingValues, userId: number, now: Date): Promise<number> {
  const r = await db
    .insertInto('decision_meeting')
    .values({ ...v, created_by: userId, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateMeeting(db: Db, id: number, v: Partial<MeetingValues>, now: Date) {
  await db.updateTable('decision_meeting').set({ ...v, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteMeeting(db: Db, id: number) {
  await db.deleteFrom('decision_item').where('meeting_id', '=', id).execute();
  await db.deleteFrom('decision_meeting').where('id', '=', id).execute();
}

/** A meeting in scope, locked for the write (writers to one meeting run one after the other). */
export async function findMeetingForWrite(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('decision_meeting as m')
    .innerJoin('org_unit as o', 'o.id', 'm.org_unit_id')
    .selectAll('m')
    .select(['o.name as org_name', 'o.kind as org_kind', 'o.path as org_path'])
    .where('m.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .forUpdate('m')
    .executeTakeFirst();
}

export async function meetingHasClosedItems(db: Db, meetingId: number): Promise<boolean> {
  const r = await db.selectFrom('decision_item').select('id').where('meeting_id', '=', meetingId).where('closed_at', 'is not', null).limit(1).executeTakeFirst();
  return r !== undefined;
}

export interface MemberInput {
  /** An existing member keeps its id (opinions refer to it); new members have none. */
  id?: number | undefined;
  personId: number | null;
  name: string;
  title: string;
  role: MemberRole;
  isPrincipal: boolean;
  attendance: Attendance | null;
  absenceReason: string;
}

/** Replaces the meeting's list: updates kept members, inserts new ones, deletes the rest. */
export async function replaceMembers(db: Db, meetingId: number, list: readonly MemberInput[]) {
  const existing = await db.selectFrom('decision_member').select('id').where('meeting_id', '=', meetingId).execute();
  const keep = new Set(list.map((m) => m.id).filter((id): id is number => id !== undefined));
  const unknown = [...keep].filter((id) => !existing.some((e) => e.id === id));
  if (unknown.length) return { unknownIds: unknown };
  const gone = existing.filter((e) => !keep.has(e.id)).map((e) => e.id);
  if (gone.length) await db.deleteFrom('decision_member').where('id', 'in', gone).execute();
  const inserts = [];
  for (const [i, m] of list.entries()) {
    const values = {
      person_id: m.personId,
      name: m.name,
      title: m.title,
      role: m.role,
      is_principal: m.role === 'member' && m.isPrincipal,
      attendance: m.attendance,
      absence_reason: m.attendance === 'absent' ? m.absenceReason : '',
      sort_order: i + 1,
    };
    if (m.id !== undefined) await db.updateTable('decision_member').set(values).where('id', '=', m.id).execute();
    else inserts.push({ ...values, meeting_id: meetingId });
  }
  // New members in one statement (a list is at most 300 people: far below the parameter cap).
  if (inserts.length) await db.insertInto('decision_member').values(inserts).execute();
  return { unknownIds: [] as number[] };
}

/** People of the org's subtree known to the roster, to pick as members: id and name only. */
export async function personsInOrg(db: Db, orgPath: string, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select(['pe.id', 'pe.name'])
    .where('pe.id', 'in', [...ids])
    .where('o.path', 'like', like(orgPath))
    .execute();
}

export interface MeetingFilter {
  orgPath: string;
  year?: number | undefined;
  kind?: MeetingKind | undefined;
  category?: DecisionCategory | undefined;
  flagged?: boolean | undefined;
  page: number;
  pageSize: number;
}

const yearRange = (year: number) => [`${year}-01-01`, `${year + 1}-01-01`] as const;

export async function listMeetings(db: Db, f: MeetingFilter) {
  let q = db.selectFrom('decision_meeting as m').innerJoin('org_unit as o', 'o.id', 'm.org_unit_id').where('o.path', 'like', like(f.orgPath));
  if (f.year !== undefined) {
    const [from, to] = yearRange(f.year);
    q = q.where('m.held_on', '>=', from).where('m.held_on', '<', to);
  }
  if (f.kind) q = q.where('m.kind', '=', f.kind);
  if (f.category) {
    const category = f.category;
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('decision_item as i').select('i.id').whereRef('i.meeting_id', '=', 'm.id').where('i.category', '=', category)));
  }
  if (f.flagged !== undefined) {
    const flagged = f.flagged;
    q = q.where(sql<boolean>`EXISTS (SELECT 1 FROM decision_item i WHERE i.meeting_id = m.id AND jsonb_array_length(i.flags) > 0) = ${flagged}`);
  }
  const [rows, total] = await Promise.all([
    q
      .select([
        'm.id',
        'm.org_unit_id',
        'o.name as org_name',
        'o.kind as org_kind',
        'm.kind',
        'm.held_on',
        'm.held_time',
        'm.place',
        'm.chair',
        sql<number>`(SELECT count(*)::int FROM decision_item i WHERE i.meeting_id = m.id)`.as('items'),
        sql<number>`(SELECT count(*)::int FROM decision_item i WHERE i.meeting_id = m.id AND jsonb_array_length(i.flags) > 0)`.as('flagged_items'),
        sql<number>`(SELECT count(*)::int FROM decision_item i WHERE i.meeting_id = m.id AND i.closed_at IS NOT NULL)`.as('closed_items'),
        sql<number>`(SELECT count(*)::int FROM decision_member dm WHERE dm.meeting_id = m.id AND dm.role = 'member')`.as('expected'),
        sql<number>`(SELECT count(*)::int FROM decision_member dm WHERE dm.meeting_id = m.id AND dm.role = 'member' AND dm.attendance = 'present')`.as('present'),
      ])
      .orderBy('m.held_on', 'desc')
      .orderBy('m.held_time', (ob) => ob.desc().nullsLast())
      .orderBy('m.id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows, total: total.n, page: f.page, pageSize: f.pageSize };
}

const memberColumns = ['id', 'person_id', 'name', 'title', 'role', 'is_principal', 'attendance', 'absence_reason', 'sort_order'] as const;

export async function getMeeting(db: Db, scopePath: string, id: number) {
  const meeting = await db
    .selectFrom('decision_meeting as m')
    .innerJoin('org_unit as o', 'o.id', 'm.org_unit_id')
    .selectAll('m')
    .select(['o.name as org_name', 'o.kind as org_kind'])
    .where('m.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
  if (!meeting) return undefined;
  const [members, items] = await Promise.all([
    db.selectFrom('decision_member').select(memberColumns).where('meeting_id', '=', id).orderBy('sort_order').execute(),
    db
      .selectFrom('decision_item')
      .select(['id', 'seq', 'category', 'title', 'amount_fen', 'outcome', 'votes_for', 'votes_against', 'votes_abstain', 'flags', 'closed_at', 'deferred_from_item_id'])
      .where('meeting_id', '=', id)
      .orderBy('seq')
      .execute(),
  ]);
  return { meeting, members, items, frozen: items.some((i) => i.closed_at !== null) };
}

// ---- items ----

export interface ItemValues {
  category: DecisionCategory;
  title: string;
  summary: string;
  amount_fen: number | null;
  proposer: string;
  motion_reason: string;
  voting_method: VotingMethod | null;
  votes_for: number | null;
  votes_against: number | null;
  votes_abstain: number | null;
  outcome: Outcome | null;
  implementation_result: string;
  implementation_date: string | null;
  deferred_from_item_id: number | null;
}

export async function insertItem(db: Db, meeting: { id: number; org_unit_id: number }, v: ItemValues, userId: number, now: Date): Promise<number> {
  const next = await nextSeq(db, meeting.id);
  const r = await db
    .insertInto('decision_item')
    .values({ ...v, meeting_id: meeting.id, org_unit_id: meeting.org_unit_id, seq: next, flags: [], created_by: userId, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An item in scope with its meeting, locked with the meeting for the write. */
export async function findItemForWrite(db: Db, scopePath: string, id: number) {
  const item = await db
    .selectFrom('decision_item as i')
    .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
    .selectAll('i')
    .select(['o.path as org_path', 'o.kind as org_kind'])
    .where('i.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
  if (!item) return undefined;
  await db.selectFrom('decision_meeting').select('id').where('id', '=', item.meeting_id).forUpdate().execute();
  // Re-read under the lock: another writer may have closed it meanwhile.
  const fresh = await db.selectFrom('decision_item').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { ...fresh, org_path: item.org_path, org_kind: item.org_kind };
}

export async function updateItem(db: Db, id: number, v: Partial<ItemValues>, now: Date) {
  await db.updateTable('decision_item').set({ ...v, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteItem(db: Db, id: number) {
  await db.deleteFrom('decision_item').where('id', '=', id).execute();
}

export async function closeItem(db: Db, id: number, userId: number, now: Date) {
  await db.updateTable('decision_item').set({ closed_at: now, closed_by: userId, updated_at: now }).where('id', '=', id).execute();
}

export async function replaceOpinions(db: Db, itemId: number, list: readonly { memberId: number; opinion: Opinion; remark: string }[]) {
  await db.deleteFrom('decision_opinion').where('item_id', '=', itemId).execute();
  if (list.length)
    await db
      .insertInto('decision_opinion')
      .values(list.map((o, i) => ({ item_id: itemId, member_id: o.memberId, position: i + 1, opinion: o.opinion, remark: o.remark })))
      .execute();
}

export async function replaceRecusals(db: Db, itemId: number, list: readonly { memberId: number; reason: string }[]) {
  await db.deleteFrom('decision_recusal').where('item_id', '=', itemId).execute();
  if (list.length) await db.insertInto('decision_recusal').values(list.map((r) => ({ item_id: itemId, member_id: r.memberId, reason: r.reason }))).execute();
}

export async function memberIdsOfMeeting(db: Db, meetingId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('decision_member').select('id').where('meeting_id', '=', meetingId).execute();
  return new Set(rows.map((r) => r.id));
}

export interface StepValues {
  held_on: string;
  expected: number | null;
  present: number | null;
  votes_for: number | null;
  content: string;
  signed_by: string;
  merged: boolean;
}

export async function upsertStep(db: Db, itemId: number, step: DecisionStep, v: StepValues, now: Date) {
  await db
    .insertInto('decision_step')
    .values({ item_id: itemId, step, ...v, updated_at: now })
    .onConflict((oc) => oc.columns(['item_id', 'step']).doUpdateSet({ ...v, updated_at: now }))
    .execute();
}

export async function deleteStep(db: Db, itemId: number, step: DecisionStep): Promise<boolean> {
  const r = await db.deleteFrom('decision_step').where('item_id', '=', itemId).where('step', '=', step).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertDisclosure(db: Db, itemId: number, v: { disclosed_on: string; form: string; location: string }, now: Date) {
  const r = await db.insertInto('decision_disclosure').values({ item_id: itemId, ...v, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteDisclosure(db: Db, itemId: number, id: number): Promise<boolean> {
  const r = await db.deleteFrom('decision_disclosure').where('item_id', '=', itemId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertAmendment(db: Db, itemId: number, v: { subject: string; correction: string; reason: string }, user: { id: number; displayName: string }, now: Date) {
  const r = await db
    .insertInto('decision_amendment')
    .values({ item_id: itemId, ...v, created_by: user.id, created_by_name: user.displayName, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** The full item, as the item page, the minutes and the register show it. */
export async function getItem(db: Db, scopePath: string, id: number) {
  const item = await db
    .selectFrom('decision_item as i')
    .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
    .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
    .selectAll('i')
    .select(['m.kind as meeting_kind', 'm.held_on', 'm.held_time', 'm.place', 'm.chair', 'm.recorder', 'o.name as org_name', 'o.kind as org_kind'])
    .where('i.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
  if (!item) return undefined;
  const [members, opinions, recusals, steps, disclosures, amendments, attachments, deferredFrom, decidedLater] = await Promise.all([
    db.selectFrom('decision_member').select(memberColumns).where('meeting_id', '=', item.meeting_id).orderBy('sort_order').execute(),
    db.selectFrom('decision_opinion').select(['member_id', 'position', 'opinion', 'remark']).where('item_id', '=', id).orderBy('position').execute(),
    db.selectFrom('decision_recusal').select(['member_id', 'reason']).where('item_id', '=', id).orderBy('member_id').execute(),
    db.selectFrom('decision_step').select(['step', 'held_on', 'expected', 'present', 'votes_for', 'content', 'signed_by', 'merged', 'updated_at']).where('item_id', '=', id).execute(),
    db.selectFrom('decision_disclosure').select(['id', 'disclosed_on', 'form', 'location']).where('item_id', '=', id).orderBy('disclosed_on').orderBy('id').execute(),
    db.selectFrom('decision_amendment').select(['id', 'subject', 'correction', 'reason', 'created_by_name', 'created_at']).where('item_id', '=', id).orderBy('id').execute(),
    listAttachments(db, 'decision_item', id),
    item.deferred_from_item_id === null
      ? Promise.resolve(undefined)
      : db
          .selectFrom('decision_item as d')
          .innerJoin('decision_meeting as dm', 'dm.id', 'd.meeting_id')
          .select(['d.id', 'd.title', 'dm.held_on'])
          .where('d.id', '=', item.deferred_from_item_id)
          .executeTakeFirst(),
    db
      .selectFrom('decision_item as d')
      .innerJoin('decision_meeting as dm', 'dm.id', 'd.meeting_id')
      .select(['d.id', 'd.title', 'dm.held_on'])
      .where('d.deferred_from_item_id', '=', id)
      .executeTakeFirst(),
  ]);
  steps.sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
  return { item, members, opinions, recusals, steps, disclosures, amendments, attachments, deferredFrom: deferredFrom ?? null, decidedLater: decidedLater ?? null };
}

/** Items of a meeting, for recomputing flags after its attendance changed. */
export async function itemIdsOfMeeting(db: Db, meetingId: number): Promise<number[]> {
  return (await db.selectFrom('decision_item').select('id').where('meeting_id', '=', meetingId).execute()).map((r) => r.id);
}

/**
 * Recomputes and stores the flags of these items from their current rows and the roster. Called in
 * every write transaction that touches an item, its meeting's attendance, or its steps.
 */
export async function refreshFlags(db: Db, itemIds: readonly number[]): Promise<void> {
  // Set-based: a few statements per 1,000 items (an import recomputes thousands at once); one array
  // parameter per statement, never one parameter per id.
  for (let start = 0; start < itemIds.length; start += 1000) {
    const ids = [...new Set(itemIds.slice(start, start + 1000))];
    const idList = sql`${ids}::int[]`;
    const items = await db
      .selectFrom('decision_item as i')
      .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
      .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
      .selectAll('i')
      .select(['m.kind as meeting_kind', 'o.kind as org_kind', 'o.path as org_path'])
      .where(sql<boolean>`i.id = ANY(${idList})`)
      .execute();
    if (items.length === 0) continue;
    const meetingIds = [...new Set(items.map((x) => x.meeting_id))];
    const [members, opinions, recusals, steps] = await Promise.all([
      db
        .selectFrom('decision_member')
        .select(['id', 'meeting_id', 'name', 'role', 'is_principal', 'attendance'])
        .where(sql<boolean>`meeting_id = ANY(${sql`${meetingIds}::int[]`})`)
        .orderBy('meeting_id')
        .orderBy('sort_order')
        .execute(),
      db.selectFrom('decision_opinion').select(['item_id', 'member_id', 'opinion']).where(sql<boolean>`item_id = ANY(${idList})`).orderBy('item_id').orderBy('position').execute(),
      db.selectFrom('decision_recusal').select(['item_id', 'member_id']).where(sql<boolean>`item_id = ANY(${idList})`).execute(),
      db.selectFrom('decision_step').select(['item_id', 'step', 'held_on', 'expected', 'present', 'votes_for', 'merged']).where(sql<boolean>`item_id = ANY(${idList})`).execute(),
    ]);
    const group = <T, K>(rows: readonly T[], key: (r: T) => K) => {
      const m = new Map<K, T[]>();
      for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
      return m;
    };
    const membersOf = group(members, (r) => r.meeting_id);
    const opinionsOf = group(opinions, (r) => r.item_id);
    const recusalsOf = group(recusals, (r) => r.item_id);
    const stepsOf = group(steps, (r) => r.item_id);
    const thresholds = await thresholdsFor(db, items.map((x) => x.org_path));
    // Items with the same flags are updated together.
    const byFlags = new Map<string, { flags: DecisionFlag[]; ids: number[] }>();
    for (const item of items) {
      const itemSteps = stepsOf.get(item.id) ?? [];
      const proposal = itemSteps.find((s) => s.step === 'proposal');
      const dual = proposal?.merged ? await dualRoleOn(db, item.org_unit_id, proposal.held_on) : null;
      const flags: DecisionFlag[] = checkItem({
        meetingKind: item.meeting_kind,
        orgKind: item.org_kind,
        category: item.category,
        amountFen: item.amount_fen,
        thresholdFen: thresholds.get(item.org_path)!,
        outcome: item.outcome,
        votingMethod: item.voting_method,
        votesFor: item.votes_for,
        votesAgainst: item.votes_against,
        votesAbstain: item.votes_abstain,
        implementationDate: item.implementation_date,
        members: (membersOf.get(item.meeting_id) ?? []).map((m): CheckMember => ({ id: m.id, name: m.name, role: m.role, isPrincipal: m.is_principal, attendance: m.attendance })),
        opinions: (opinionsOf.get(item.id) ?? []).map((o) => ({ memberId: o.member_id, opinion: o.opinion })),
        recusedMemberIds: (recusalsOf.get(item.id) ?? []).map((r) => r.member_id),
        steps: itemSteps.map((s): CheckStep => ({ step: s.step, heldOn: s.held_on, expected: s.expected, present: s.present, votesFor: s.votes_for, merged: s.merged })),
        dualRoleOnProposal: dual,
      });
      const key = JSON.stringify(flags);
      const entry = byFlags.get(key) ?? { flags, ids: [] };
      entry.ids.push(item.id);
      byFlags.set(key, entry);
    }
    for (const { flags, ids: same } of byFlags.values())
      await db.updateTable('decision_item').set({ flags }).where(sql<boolean>`id = ANY(${sql`${same}::int[]`})`).execute();
  }
}

/** An earlier deferred item in scope that a new item may continue, or undefined. */
export async function findDeferredItem(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('decision_item as i')
    .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
    .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
    .select(['i.id', 'i.outcome', 'i.org_unit_id', 'm.held_on'])
    .where('i.id', '=', id)
    .where('o.path', 'like', like(scopePath))
    .executeTakeFirst();
}

export async function hasContinuation(db: Db, id: number): Promise<boolean> {
  const r = await db.selectFrom('decision_item').select('id').where('deferred_from_item_id', '=', id).executeTakeFirst();
  return r !== undefined;
}

// ---- statistics (domain.md §6) ----

/** SQL: the item aliased `i` at meeting `m` is counted in "集体研究三重一大事项N项". */
export const countedItem = sql<boolean>`(i.category IN (${sql.join(MAJOR_CATEGORIES.map((c) => sql.lit(c)))}) AND i.outcome IN ('adopted','rejected'))`;

export interface ItemListFilter {
  orgPath: string;
  year: number;
  /** Only items counted in the sentence. */
  counted?: boolean | undefined;
  category?: DecisionCategory | undefined;
  orgId?: number | undefined;
  month?: number | undefined;
  rule?: string | undefined;
  flagged?: boolean | undefined;
}

/** Items at meetings held in the year within the subtree, narrowed by the filter: the drill-down base. */
function itemsBase(db: Db, f: ItemListFilter) {
  const [from, to] = yearRange(f.year);
  let q = db
    .selectFrom('decision_item as i')
    .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
    .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
    .where('o.path', 'like', like(f.orgPath))
    .where('m.held_on', '>=', from)
    .where('m.held_on', '<', to);
  if (f.counted) q = q.where(countedItem);
  if (f.category) q = q.where('i.category', '=', f.category);
  if (f.orgId !== undefined) q = q.where('i.org_unit_id', '=', f.orgId);
  if (f.month !== undefined) q = q.where(sql<boolean>`extract(month FROM m.held_on)::int = ${f.month}`);
  if (f.rule) q = q.where(sql<boolean>`i.flags @> jsonb_build_array(jsonb_build_object('rule', ${f.rule}::text))`);
  if (f.flagged !== undefined) q = q.where(sql<boolean>`(jsonb_array_length(i.flags) > 0) = ${f.flagged}`);
  return q;
}

export async function listItems(db: Db, f: ItemListFilter & { page: number; pageSize: number }) {
  const q = itemsBase(db, f);
  const [rows, total] = await Promise.all([
    q
      .select([
        'i.id',
        'i.meeting_id',
        'i.seq',
        'i.org_unit_id',
        'o.name as org_name',
        'm.kind as meeting_kind',
        'm.held_on',
        'i.category',
        'i.title',
        'i.amount_fen',
        'i.outcome',
        'i.votes_for',
        'i.votes_against',
        'i.votes_abstain',
        'i.flags',
        'i.closed_at',
      ])
      .orderBy('m.held_on')
      .orderBy('i.meeting_id')
      .orderBy('i.seq')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows, total: total.n, page: f.page, pageSize: f.pageSize };
}

/** The statistics statement (also run bare by the benchmark as the endpoint's baseline). */
export function decisionStatisticsQuery(orgPath: string, year: number) {
  const [from, to] = yearRange(year);
  return sql<{ dim: string; key1: string | null; key2: string | null; n: number; amount: number }>`
    WITH items AS (
      SELECT i.id, i.category, i.org_unit_id, i.amount_fen, i.flags, i.outcome,
             extract(month FROM m.held_on)::int AS month, ${countedItem} AS counted
      FROM decision_item i
      JOIN decision_meeting m ON m.id = i.meeting_id
      JOIN org_unit o ON o.id = i.org_unit_id
      WHERE o.path LIKE ${like(orgPath)} AND m.held_on >= ${from}::date AND m.held_on < ${to}::date
    )
    SELECT 'total' AS dim, NULL AS key1, NULL AS key2, count(*) FILTER (WHERE counted)::int AS n,
           coalesce(sum(amount_fen) FILTER (WHERE counted), 0)::float8 AS amount FROM items
    UNION ALL
    SELECT 'all', NULL, NULL, count(*)::int, coalesce(sum(amount_fen), 0)::float8 FROM items
    UNION ALL
    SELECT 'deferred', NULL, NULL, count(*)::int, 0 FROM items WHERE outcome = 'deferred'
    UNION ALL
    SELECT 'flagged', NULL, NULL, count(*)::int, 0 FROM items WHERE jsonb_array_length(flags) > 0
    UNION ALL
    SELECT 'category', category, NULL, count(*) FILTER (WHERE counted)::int, coalesce(sum(amount_fen) FILTER (WHERE counted), 0)::float8
      FROM items GROUP BY category
    UNION ALL
    SELECT 'org', c.org_unit_id::text, ou.name, c.n, c.amount
      FROM (SELECT org_unit_id, count(*)::int AS n, coalesce(sum(amount_fen), 0)::float8 AS amount FROM items WHERE counted GROUP BY org_unit_id) c
      JOIN org_unit ou ON ou.id = c.org_unit_id
    UNION ALL
    SELECT 'month', month::text, category, count(*)::int, 0 FROM items WHERE counted GROUP BY month, category
    UNION ALL
    SELECT 'rule', f.rule, NULL, count(DISTINCT items.id)::int, 0
      FROM items, jsonb_to_recordset(items.flags) AS f(rule text) GROUP BY f.rule`;
}

/**
 * The statistics of one subtree and year in one statement: the counted total, by category (with
 * amounts), by org (with its name), by month × category, and flags by rule (over all items of the
 * year, since a flag such as `threshold` sits on ordinary items).
 */
export async function decisionStatistics(db: Db, orgPath: string, year: number) {
  return (await decisionStatisticsQuery(orgPath, year).execute(db)).rows;
}


// ---- register (台账) and minutes ----

/**
 * The register of a subtree and year: every item of the four categories at meetings held in the year
 * (decided, deferred or still open), with its meeting and attendance, in date order.
 */
export async function registerRows(db: Db, orgPath: string, year: number) {
  const [from, to] = yearRange(year);
  return db
    .selectFrom('decision_item as i')
    .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
    .innerJoin('org_unit as o', 'o.id', 'i.org_unit_id')
    .select([
      'i.id',
      'i.seq',
      'o.name as org_name',
      'm.kind as meeting_kind',
      'm.held_on',
      'm.held_time',
      'i.category',
      'i.title',
      'i.amount_fen',
      'i.voting_method',
      'i.votes_for',
      'i.votes_against',
      'i.votes_abstain',
      'i.outcome',
      'i.flags',
      'i.closed_at',
      'i.implementation_result',
      sql<number>`(SELECT count(*)::int FROM decision_member dm WHERE dm.meeting_id = m.id AND dm.role = 'member')`.as('expected'),
      sql<number>`(SELECT count(*)::int FROM decision_member dm WHERE dm.meeting_id = m.id AND dm.role = 'member' AND dm.attendance = 'present')`.as('present'),
      sql<number>`(SELECT count(*)::int FROM decision_amendment a WHERE a.item_id = i.id)`.as('amendments'),
    ])
    .where('o.path', 'like', like(orgPath))
    .where('m.held_on', '>=', from)
    .where('m.held_on', '<', to)
    .where('i.category', 'in', [...MAJOR_CATEGORIES])
    .orderBy('m.held_on')
    .orderBy('m.held_time')
    .orderBy('m.id')
    .orderBy('i.seq')
    .execute();
}
export type RegisterRow = Awaited<ReturnType<typeof registerRows>>[number];

/** Everything the minutes print: the meeting, its members, and each item in full. */
export async function minutesData(db: Db, scopePath: string, meetingId: number) {
  const found = await getMeeting(db, scopePath, meetingId);
  if (!found) return undefined;
  const items = [];
  for (const it of found.items) items.push((await getItem(db, scopePath, it.id))!);
  return { ...found, items };
}

// ---- import ----

/** Orgs of the subtree that hold meetings, by name (a name used twice cannot be imported by name). */
export async function meetingOrgsByName(db: Db, orgPath: string) {
  const rows = await db
    .selectFrom('org_unit')
    .select(['id', 'name', 'kind', 'path'])
    .where('path', 'like', like(orgPath))
    .where('kind', 'in', ['subdistrict', 'village', 'community'])
    .where('active', '=', true)
    .execute();
  const byName = new Map<string, DecisionOrg[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return byName;
}

/** Titles already recorded at meetings of these orgs on these dates: 'orgId|date|title'. */
export async function existingItemKeys(db: Db, orgIds: readonly number[], dates: readonly string[]): Promise<Set<string>> {
  if (orgIds.length === 0 || dates.length === 0) return new Set();
  const rows = await db
    .selectFrom('decision_item as i')
    .innerJoin('decision_meeting as m', 'm.id', 'i.meeting_id')
    .select(['i.org_unit_id', 'm.held_on', 'i.title'])
    .where(sql<boolean>`i.org_unit_id = ANY(${sql`${[...new Set(orgIds)]}::int[]`})`)
    .where(sql<boolean>`m.held_on = ANY(${sql`${[...new Set(dates)]}::date[]`})`)
    .execute();
  return new Set(rows.map((r) => `${r.org_unit_id}|${r.held_on}|${r.title}`));
}

/** Existing meetings of these orgs on these dates, by 'orgId|kind|date' (the first of each), to add imported items to. */
export async function meetingsOn(db: Db, orgIds: readonly number[], dates: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orgIds.length === 0 || dates.length === 0) return out;
  const rows = await db
    .selectFrom('decision_meeting')
    .select(['id', 'org_unit_id', 'kind', 'held_on'])
    .where(sql<boolean>`org_unit_id = ANY(${sql`${[...new Set(orgIds)]}::int[]`})`)
    .where(sql<boolean>`held_on = ANY(${sql`${[...new Set(dates)]}::date[]`})`)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const key = `${r.org_unit_id}|${r.kind}|${r.held_on}`;
    if (!out.has(key)) out.set(key, r.id);
  }
  return out;
}

/** Inserts items (≤ 1,000 per statement) and returns their ids in order. */
export async function insertItems(db: Db, rows: readonly (ItemValues & { meeting_id: number; org_unit_id: number; seq: number })[], userId: number, now: Date): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((r) => ({ ...r, flags: [], created_by: userId, created_at: now, updated_at: now }));
    const got = await db.insertInto('decision_item').values(chunk).returning('id').execute();
    ids.push(...got.map((g) => g.id));
  }
  return ids;
}

export async function nextSeq(db: Db, meetingId: number): Promise<number> {
  const r = await db.selectFrom('decision_item').select(sql<number>`coalesce(max(seq), 0)::int + 1`.as('next')).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
  return r.next;
}
