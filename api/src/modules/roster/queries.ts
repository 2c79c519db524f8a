// Roster queries: people, terms, posts, and the roster of a term with its derived facts.
//
// Every reader takes a RosterScope: the caller's org subtree and whether ID numbers may be shown
// in full. Masking happens here, so no route (nor the PDF and report modules that call these
// functions) ever holds a full ID number for a role that must not see one.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Committee, Database, EducationLevel, Gender, OrgKind, Person, PoliticalStatus, Position, Post, PostHow, Role } from '@qingfeng/db';
import { nameKeys } from '@qingfeng/db';
import { maskBirthDate, maskIdNumber } from './identity.ts';
import { idNumberIndex, idNumberSearch, sealIdNumber, sealPersonValues, withIdNumber } from './id-crypt.ts';
import { treeOrder } from '../orgs/queries.ts';
import { seesFullIdNumbers, type PostSpan, type TermSpan } from './rules.ts';
import type { RosterTotals, VillageCounts } from './excel.ts';

export interface RosterScope {
  /** Materialised path of the caller's org unit: the scope is `path LIKE scope.path || '%'`. */
  path: string;
  /** Roster maintainers (admin, org_office) see ID numbers in full; everyone else masked. */
  fullIdNumbers: boolean;
}

export function rosterScopeOf(user: { orgPath: string; role: Role }): RosterScope {
  return { path: user.orgPath, fullIdNumbers: seesFullIdNumbers(user.role) };
}

const like = (path: string) => `${path}%`;

/**
 * SQL: the post aliased `p` is held on `asOf` (half-open ranges, see rules.ts). Shared with the
 * structure report so both count the same people.
 */
export function postHeldOn(p: string, asOf: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${p}.start_date`)} <= ${asOf}::date AND (${sql.ref(`${p}.end_date`)} IS NULL OR ${sql.ref(`${p}.end_date`)} > ${asOf}::date))`;
}

/** SQL: the term aliased `t` is in force on `asOf`. */
export function termInForceOn(t: string, asOf: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${t}.start_date`)} <= ${asOf}::date AND (${sql.ref(`${t}.end_date`)} IS NULL OR ${sql.ref(`${t}.end_date`)} > ${asOf}::date))`;
}

// ---- org units ----

export interface ScopedOrg {
  id: number;
  name: string;
  kind: OrgKind;
  path: string;
  active: boolean;
}

export async function findOrgInScope(db: Kysely<Database>, scope: RosterScope, id: number): Promise<ScopedOrg | undefined> {
  return db
    .selectFrom('org_unit')
    .select(['id', 'name', 'kind', 'path', 'active'])
    .where('id', '=', id)
    .where('path', 'like', like(scope.path))
    .executeTakeFirst();
}

/**
 * Serialises roster writes for these villages: term creation, post rules and imports all take this
 * lock first (ids ascending, so writers never deadlock). NO KEY UPDATE leaves foreign-key checks
 * from unrelated inserts (people, users) unblocked.
 */
export async function lockOrgs(trx: Kysely<Database>, orgIds: readonly number[]): Promise<void> {
  // One array parameter per statement (not one per id): chunking only bounds the statement's size.
  for (const chunk of chunks([...new Set(orgIds)].sort((a, b) => a - b), 10_000)) {
    await sql`SELECT id FROM org_unit WHERE id = ANY(${chunk}::int[]) ORDER BY id FOR NO KEY UPDATE`.execute(trx);
  }
}

// ---- people ----

/** A person as listed: the table's columns (ID number full or masked by viewer) and the org's name. */
export type PersonRow = Omit<Person, 'under_investigation' | 'id_number_enc' | 'id_number_bidx' | 'id_number_tail_bidx'> & { id_number: string; org_name: string };

const personColumns = [
  'pe.id',
  'pe.org_unit_id',
  'o.name as org_name',
  'pe.name',
  'pe.gender',
  'pe.id_number_enc',
  'pe.birth_date',
  'pe.ethnicity',
  'pe.political_status',
  'pe.party_join_date',
  'pe.education_full_time',
  'pe.education_highest',
  'pe.phone',
  'pe.is_veteran',
  'pe.category',
  'pe.created_at',
  'pe.updated_at',
  'pe.version',
] as const;

/** A person is visible when they belong to an org in scope or hold a post in one (also used by the discipline module). */
export function personVisible(path: string) {
  return sql<boolean>`(o.path LIKE ${like(path)} OR EXISTS (
    SELECT 1 FROM post vp JOIN org_unit vo ON vo.id = vp.org_unit_id
    WHERE vp.person_id = pe.id AND vo.path LIKE ${like(path)}))`;
}

function maskPerson<T extends { id_number: string; birth_date?: string }>(scope: RosterScope, row: T): T {
  if (scope.fullIdNumbers) return row;
  return { ...row, id_number: maskIdNumber(row.id_number), ...(row.birth_date !== undefined && { birth_date: maskBirthDate(row.birth_date) }) };
}

export interface PeopleFilter {
  search?: string | undefined;
  /** Limit to this org's subtree (already checked to be in scope). */
  orgPath?: string | undefined;
  asOf: string;
  page: number;
  pageSize: number;
  /** Column to sort by (default name); `stroke` is 姓氏笔画 order. */
  sort?: PeopleSort | undefined;
  desc?: boolean | undefined;
}

export const PEOPLE_SORTS = ['name', 'stroke', 'age', 'org', 'gender', 'political', 'education'] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];

/**
 * The people-list search: a name fragment, pinyin initials ("thh" for 唐浩瀚, a prefix of the stored
 * `name_initials`) or an ID-number fragment. Roster maintainers, who see ID numbers in full, may give any
 * 4–18 characters of it; roles that see masked numbers (`**************123X`) may give only the last four
 * characters they can see, matched as the suffix — any longer or inner fragment would confirm digits the
 * mask hides, so it matches no ID number for them.
 */
export function peopleSearchCondition(db: Kysely<Database>, scope: RosterScope, term: string): RawBuilder<boolean> {
  const t = term.trim();
  const ors = [sql`pe.name ILIKE ${`%${t.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`];
  if (/^[a-zA-Z]{1,20}$/.test(t)) ors.push(sql`pe.name_initials LIKE ${`${t.toLowerCase()}%`}`);
  // Only roster maintainers may look people up by ID number: the whole number or its last six
  // characters, through their blind indexes (the numbers are encrypted at rest, so no other part can be
  // matched — and masked roles, who must not confirm hidden digits, get no ID search at all).
  const byId = scope.fullIdNumbers ? idNumberSearch(db, t) : undefined;
  if (byId) ors.push(sql`${sql.ref(byId.column)} = ${byId.value}`);
  return sql<boolean>`(${sql.join(ors, sql` OR `)})`;
}

export interface CurrentPost {

  orgUnitId: number;
  orgName: string;
  orgKind: OrgKind;
  committee: Committee;
  position: Position;
}

export async function listPeople(db: Kysely<Database>, scope: RosterScope, f: PeopleFilter) {
  let q = db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .where(personVisible(f.orgPath ?? scope.path))
    // A filter org may be narrower than the scope but never wider: both must hold.
    .where(personVisible(scope.path));
  if (f.search?.trim()) q = q.where(peopleSearchCondition(db, scope, f.search));
  const dir = f.desc ? sql`DESC` : sql`ASC`;
  // Age sorts by birth date (older first when ascending by age = birth date descending); roles that see
  // 出生年月 only are sorted by the month, so the order cannot reveal the day they do not see.
  const sortKey: Record<PeopleSort, RawBuilder<unknown>> = {
    name: sql`pe.name ${dir}`,
    stroke: sql`pe.name_stroke_key ${dir}`,
    age: scope.fullIdNumbers ? sql`pe.birth_date ${f.desc ? sql`ASC` : sql`DESC`}` : sql`date_trunc('month', pe.birth_date) ${f.desc ? sql`ASC` : sql`DESC`}, pe.name`,
    org: sql`o.path ${dir}, pe.name`,
    gender: sql`pe.gender ${dir}, pe.name`,
    political: sql`pe.political_status ${dir}, pe.name`,
    education: sql`pe.education_highest ${dir}, pe.name`,
  };
  const [rows, total] = await Promise.all([
    q
      .select(personColumns)
      .select(
        sql<CurrentPost[]>`(
          SELECT coalesce(json_agg(json_build_object('orgUnitId', cp.org_unit_id, 'orgName', co.name, 'orgKind', co.kind, 'committee', cp.committee, 'position', cp.position)
            ORDER BY cp.committee, cp.start_date), '[]'::json)
          FROM post cp JOIN org_unit co ON co.id = cp.org_unit_id JOIN term ct ON ct.id = cp.term_id
          WHERE cp.person_id = pe.id AND co.path LIKE ${like(scope.path)} AND ${postHeldOn('cp', f.asOf)} AND ${termInForceOn('ct', f.asOf)})`.as('current_posts'),
      )
      .orderBy(sql`${sortKey[f.sort ?? 'name']}, pe.id`)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => maskPerson(scope, withIdNumber(db, r) as Omit<typeof r, 'id_number_enc'> & PersonRow)), total: total.n, page: f.page, pageSize: f.pageSize };
}

/** The raw person (full ID number) — for write paths only, never returned to a client as is. */
export async function findPersonForWrite(db: Kysely<Database>, scope: RosterScope, id: number): Promise<PersonRow | undefined> {
  const row = await db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select(personColumns)
    .where('pe.id', '=', id)
    .where(personVisible(scope.path))
    .executeTakeFirst();
  return row && (withIdNumber(db, row) as PersonRow);
}

export async function findPerson(db: Kysely<Database>, scope: RosterScope, id: number): Promise<PersonRow | undefined> {
  const row = await findPersonForWrite(db, scope, id);
  return row && maskPerson(scope, row);
}

/** Who already holds this ID number (any scope), for the duplicate check. */
export async function findPersonByIdNumber(db: Kysely<Database>, idNumber: string, exceptId?: number) {
  let q = db
    .selectFrom('person as pe')
    .innerJoin('org_unit as o', 'o.id', 'pe.org_unit_id')
    .select(['pe.id', 'pe.name', 'o.name as org_name', 'o.path as org_path'])
    .where('pe.id_number_bidx', '=', idNumberIndex(db, idNumber));
  if (exceptId !== undefined) q = q.where('pe.id', '<>', exceptId);
  return q.executeTakeFirst();
}

/** The writable facts of a person (what forms and the import set). */
export type PersonValues = Pick<
  Person,
  | 'org_unit_id'
  | 'name'
  | 'gender'
  | 'birth_date'
  | 'ethnicity'
  | 'political_status'
  | 'party_join_date'
  | 'education_full_time'
  | 'education_highest'
  | 'phone'
  | 'is_veteran'
> & { /** Plain; stored encrypted (id-crypt.ts). */ id_number: string; /** 身份类别 (domain.md §4); the import leaves it as it is. */ category?: Person['category'] };

export async function insertPerson(db: Kysely<Database>, values: PersonValues, now: Date): Promise<number> {
  const { id_number, ...rest } = values;
  const r = await db.insertInto('person').values({ ...rest, ...nameKeys(rest.name), ...sealIdNumber(db, id_number), updated_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updatePerson(db: Kysely<Database>, id: number, values: Partial<PersonValues>, now: Date): Promise<void> {
  await db.updateTable('person').set({ ...sealPersonValues(db, values), ...(values.name !== undefined && nameKeys(values.name)), updated_at: now }).where('id', '=', id).execute();
}

/** One of a person's posts, with its village and term. */
export type PersonPost = Omit<Post, 'person_id' | 'created_at'> & {
  org_name: string;
  org_kind: OrgKind;
  term_ordinal: number;
  term_start_date: string;
  term_end_date: string | null;
  /** Held on the as-of date (and its term in force then). */
  heldAtAsOf: boolean;
};

export interface DerivedFlags {
  /** 一肩挑: party secretary and residents' director of one village and term at the as-of date. */
  dualRole: boolean;
  /** 交叉任职: on both committees of one village and term at the as-of date. */
  crossServing: boolean;
  /** 主职干部: holds party secretary or residents' director at the as-of date. */
  principal: boolean;
}

/** A person with every post they hold or held in scope (all terms, all villages) and their flags at `asOf`. */
export async function getPersonDetail(db: Kysely<Database>, scope: RosterScope, id: number, asOf: string) {
  const person = await findPerson(db, scope, id);
  if (!person) return undefined;
  const posts = await sql<PersonPost>`
    SELECT p.id, p.org_unit_id, o.name AS org_name, o.kind AS org_kind, p.term_id, t.ordinal AS term_ordinal, t.start_date AS term_start_date,
           t.end_date AS term_end_date, p.committee, p.position, p.start_date, p.end_date, p.end_reason, p.how,
           (${postHeldOn('p', asOf)} AND ${termInForceOn('t', asOf)}) AS "heldAtAsOf"
    FROM post p JOIN term t ON t.id = p.term_id JOIN org_unit o ON o.id = p.org_unit_id
    WHERE p.person_id = ${id} AND o.path LIKE ${like(scope.path)}
    ORDER BY p.start_date DESC, CASE p.committee WHEN 'party' THEN 1 ELSE 2 END, p.id`.execute(db);
  const flags = await sql<DerivedFlags>`
    SELECT coalesce(bool_or(dual), false) AS "dualRole", coalesce(bool_or(cross_serving), false) AS "crossServing",
           coalesce(bool_or(principal), false) AS principal
    FROM (
      SELECT p.term_id,
             bool_or(p.committee = 'party' AND p.position = 'secretary') AND bool_or(p.committee = 'residents' AND p.position = 'director') AS dual,
             count(DISTINCT p.committee) = 2 AS cross_serving,
             bool_or((p.committee = 'party' AND p.position = 'secretary') OR (p.committee = 'residents' AND p.position = 'director')) AS principal
      FROM post p JOIN term t ON t.id = p.term_id JOIN org_unit o ON o.id = p.org_unit_id
      WHERE p.person_id = ${id} AND o.path LIKE ${like(scope.path)} AND ${postHeldOn('p', asOf)} AND ${termInForceOn('t', asOf)}
      GROUP BY p.term_id) x`.execute(db);
  return { person, posts: posts.rows, flags: flags.rows[0]!, asOf };
}

// ---- terms ----

export interface TermRow {
  id: number;
  org_unit_id: number;
  ordinal: number;
  election_date: string;
  start_date: string;
  end_date: string | null;
  created_at: Date;
  version: number;
}

const termColumns = ['t.id', 't.org_unit_id', 't.ordinal', 't.election_date', 't.start_date', 't.end_date', 't.created_at', 't.version'] as const;

export const toTermSpan = (t: Pick<TermRow, 'id' | 'ordinal' | 'election_date' | 'start_date' | 'end_date'>): TermSpan & { id: number } => ({
  id: t.id,
  ordinal: t.ordinal,
  electionDate: t.election_date,
  startDate: t.start_date,
  endDate: t.end_date,
});

export async function listTermsOfOrg(db: Kysely<Database>, orgId: number) {
  return db
    .selectFrom('term as t')
    .select(termColumns)
    .select((eb) =>
      eb
        .selectFrom('post as p')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('p.term_id', '=', 't.id')
        .as('post_count'),
    )
    .where('t.org_unit_id', '=', orgId)
    .orderBy('t.ordinal', 'desc')
    .execute() as Promise<(TermRow & { post_count: number })[]>;
}

export async function findTermInScope(db: Kysely<Database>, scope: RosterScope, id: number) {
  return db
    .selectFrom('term as t')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .select(termColumns)
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('t.id', '=', id)
    .where('o.path', 'like', like(scope.path))
    .executeTakeFirst();
}

/** Locks and returns every term of the village (FOR UPDATE, ids ascending): post and term writes check against these. */
export async function lockVillageTerms(trx: Kysely<Database>, orgId: number): Promise<TermRow[]> {
  const r = await sql<TermRow>`
    SELECT id, org_unit_id, ordinal, election_date, start_date, end_date, created_at, version
    FROM term WHERE org_unit_id = ${orgId} ORDER BY id FOR UPDATE`.execute(trx);
  return r.rows;
}

export async function insertTerm(db: Kysely<Database>, v: { orgUnitId: number; ordinal: number; electionDate: string; startDate: string; endDate: string | null }) {
  return db
    .insertInto('term')
    .values({ org_unit_id: v.orgUnitId, ordinal: v.ordinal, election_date: v.electionDate, start_date: v.startDate, end_date: v.endDate })
    .returning(['id', 'org_unit_id', 'ordinal', 'election_date', 'start_date', 'end_date', 'created_at', 'version'])
    .executeTakeFirstOrThrow();
}

export async function updateTerm(db: Kysely<Database>, id: number, v: TermSpan) {
  return db
    .updateTable('term')
    .set({ ordinal: v.ordinal, election_date: v.electionDate, start_date: v.startDate, end_date: v.endDate })
    .where('id', '=', id)
    .returning(['id', 'org_unit_id', 'ordinal', 'election_date', 'start_date', 'end_date', 'created_at', 'version'])
    .executeTakeFirstOrThrow();
}

/** Ends a term and, with it, its posts still open (届满). Returns how many posts it ended. */
export async function closeTerm(db: Kysely<Database>, termId: number, endDate: string, reason: string): Promise<number> {
  await db.updateTable('term').set({ end_date: endDate }).where('id', '=', termId).execute();
  const r = await db.updateTable('post').set({ end_date: endDate, end_reason: reason }).where('term_id', '=', termId).where('end_date', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Posts of a term that would lie outside it if it ran [start, end). */
/** Posts of a term that would fall outside [start, end): named, for the refusal. */
export async function postsOutside(db: Kysely<Database>, termId: number, start: string, end: string | null) {
  const r = await sql<{ id: number; org_unit_id: number; person_id: number; person_name: string; committee: Committee; position: Position; start_date: string; end_date: string | null }>`
    SELECT p.id, p.org_unit_id, p.person_id, pe.name AS person_name, p.committee, p.position, p.start_date, p.end_date
    FROM post p JOIN person pe ON pe.id = p.person_id
    WHERE p.term_id = ${termId}
      AND (p.start_date < ${start}::date OR (${end}::date IS NOT NULL AND (p.start_date >= ${end}::date OR p.end_date > ${end}::date)))
    ORDER BY p.start_date, p.id`.execute(db);
  return r.rows;
}

// ---- posts ----

export type PostRow = Post;

const postReturning = ['id', 'person_id', 'org_unit_id', 'term_id', 'committee', 'position', 'start_date', 'end_date', 'end_reason', 'how', 'eligibility_override', 'created_at', 'version'] as const;

/** The kind of an org unit (village or community names the residents' committee). */
export async function orgKindOf(db: Kysely<Database>, id: number): Promise<OrgKind | undefined> {
  return (await db.selectFrom('org_unit').select('kind').where('id', '=', id).executeTakeFirst())?.kind;
}

export async function findPostInScope(db: Kysely<Database>, scope: RosterScope, id: number) {
  return db
    .selectFrom('post as p')
    .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
    .innerJoin('person as pe', 'pe.id', 'p.person_id')
    .select(['p.id', 'p.person_id', 'p.org_unit_id', 'p.term_id', 'p.committee', 'p.position', 'p.start_date', 'p.end_date', 'p.end_reason', 'p.how', 'p.created_at', 'p.version'])
    .select('pe.name as person_name')
    .where('p.id', '=', id)
    .where('o.path', 'like', like(scope.path))
    .executeTakeFirst() as Promise<(PostRow & { person_name: string }) | undefined>;
}

/** Every post of a village (all terms), as the rules see them. */
export async function villagePostSpans(db: Kysely<Database>, orgId: number): Promise<PostSpan[]> {
  const r = await sql<{ id: number; person_id: number; name: string; term_id: number; committee: Committee; position: Position; start_date: string; end_date: string | null; term_end: string | null }>`
    SELECT p.id, p.person_id, pe.name, p.term_id, p.committee, p.position, p.start_date, p.end_date, t.end_date AS term_end
    FROM post p JOIN person pe ON pe.id = p.person_id JOIN term t ON t.id = p.term_id
    WHERE p.org_unit_id = ${orgId}`.execute(db);
  return r.rows.map((p) => ({
    id: p.id,
    personKey: String(p.person_id),
    personName: p.name,
    termId: p.term_id,
    committee: p.committee,
    position: p.position,
    startDate: p.start_date,
    endDate: p.end_date,
    termEndDate: p.term_end,
  }));
}

/** eligibility_override: set only when an ineligible person's post is added with a written reason (discipline module). */
export type PostValues = Omit<Post, 'id' | 'created_at' | 'eligibility_override' | 'version'> & { eligibility_override?: string | null };

export async function insertPost(db: Kysely<Database>, v: PostValues): Promise<PostRow> {
  return db.insertInto('post').values(v).returning(postReturning).executeTakeFirstOrThrow() as Promise<PostRow>;
}

export async function updatePost(db: Kysely<Database>, id: number, v: Partial<Omit<PostValues, 'person_id' | 'org_unit_id' | 'term_id'>>): Promise<PostRow> {
  return db.updateTable('post').set(v).where('id', '=', id).returning(postReturning).executeTakeFirstOrThrow() as Promise<PostRow>;
}

export async function deletePost(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('post').where('id', '=', id).execute();
}

// ---- 任职变动 history ----

/** A raw history item: a post's start or end (from the post table) or a correction/deletion (from the audit log). */
export interface PostHistoryRow {
  kind: 'start' | 'end' | 'corrected' | 'deleted';
  /** The day it took effect (start, end) or was recorded (corrected, deleted; Beijing day). */
  date: string;
  at: Date | null;
  post_id: number;
  person_id: number;
  person_name: string;
  org_id: number;
  org_name: string;
  org_kind: OrgKind;
  term_ordinal: number | null;
  committee: Committee;
  position: Position;
  how: PostHow | null;
  end_reason: string | null;
  by_name: string | null;
  details: Record<string, unknown> | null;
}

/**
 * The 任职变动 of one person or one village within the scope, newest first: every start and end of a
 * post, and every correction or deletion with its reason. Limited to `limit` items.
 */
export async function postHistory(db: Kysely<Database>, scope: RosterScope, f: { personId: number } | { orgId: number }, limit = 200): Promise<PostHistoryRow[]> {
  const byPerson = 'personId' in f;
  const id = byPerson ? f.personId : f.orgId;
  const postFilter = byPerson ? sql`p.person_id = ${id}` : sql`p.org_unit_id = ${id}`;
  const eventFilter = byPerson ? sql`a.details->>'personId' = ${String(id)}` : sql`a.org_unit_id = ${id}`;
  const r = await sql<PostHistoryRow>`
    SELECT * FROM (
      SELECT 'start' AS kind, p.start_date::text AS date, NULL::timestamptz AS at, p.id AS post_id, p.person_id, pe.name AS person_name,
             o.id AS org_id, o.name AS org_name, o.kind AS org_kind, t.ordinal AS term_ordinal, p.committee, p.position, p.how,
             NULL::text AS end_reason, NULL::text AS by_name, NULL::jsonb AS details
      FROM post p JOIN person pe ON pe.id = p.person_id JOIN org_unit o ON o.id = p.org_unit_id JOIN term t ON t.id = p.term_id
      WHERE ${postFilter} AND o.path LIKE ${like(scope.path)}
      UNION ALL
      SELECT 'end', p.end_date::text, NULL, p.id, p.person_id, pe.name, o.id, o.name, o.kind, t.ordinal, p.committee, p.position, p.how,
             p.end_reason, NULL, NULL
      FROM post p JOIN person pe ON pe.id = p.person_id JOIN org_unit o ON o.id = p.org_unit_id JOIN term t ON t.id = p.term_id
      WHERE ${postFilter} AND o.path LIKE ${like(scope.path)} AND p.end_date IS NOT NULL
      UNION ALL
      SELECT CASE a.kind WHEN 'post.deleted' THEN 'deleted' ELSE 'corrected' END,
             to_char(a.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), a.occurred_at, a.object_id::int,
             (a.details->>'personId')::int, a.details->>'name', o.id, o.name, o.kind,
             (SELECT t.ordinal FROM term t WHERE t.id = (a.details->>'termId')::int), a.details->>'committee', a.details->>'position', NULL,
             NULL, a.actor_display_name, a.details
      FROM audit_event a JOIN org_unit o ON o.id = a.org_unit_id
      WHERE a.kind IN ('post.updated', 'post.deleted') AND ${eventFilter} AND o.path LIKE ${like(scope.path)}
    ) h
    ORDER BY date DESC, at DESC NULLS LAST, kind, post_id DESC
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

// ---- rosters ----

/** One post held on the as-of date, with its holder's facts and the derived flags (computed in SQL). */
export interface RosterRow extends DerivedFlags {
  post_id: number;
  org_unit_id: number;
  org_name: string;
  org_kind: OrgKind;
  term_id: number;
  term_ordinal: number;
  election_date: string;
  person_id: number;
  name: string;
  gender: Gender;
  /** Full or masked according to the viewer. */
  id_number: string;
  birth_date: string;
  /** Age in full years (周岁) at the as-of date. */
  age: number;
  ethnicity: string;
  political_status: PoliticalStatus;
  party_join_date: string | null;
  education_full_time: EducationLevel | null;
  education_highest: EducationLevel;
  phone: string | null;
  is_veteran: boolean;
  committee: Committee;
  position: Position;
  start_date: string;
  end_date: string | null;
  end_reason: string | null;
  how: PostHow;
  /** Added with an eligibility override (domain.md §3): the roster marks it; the reason is in the audit log. */
  eligibilityOverridden: boolean;
  /** The post's version, which ending it sends back (finding 6). */
  post_version: number;
}

/**
 * Roster rows for the terms selected by `terms` (a SQL fragment yielding term rows), each post held
 * on `asOf`. Flags are per person and term (window functions), so they hold on every row of that
 * person. Order: village (tree order), party committee before residents', then position
 * (secretary/director, deputies, members), then start date.
 */
async function rosterRows(db: Kysely<Database>, scope: RosterScope, terms: RawBuilder<unknown>, asOf: string): Promise<RosterRow[]> {
  const r = await sql<Omit<RosterRow, 'id_number'> & { id_number_enc: Uint8Array }>`
    WITH t AS (${terms}),
    a AS (
      SELECT p.* FROM post p JOIN t ON t.id = p.term_id WHERE ${postHeldOn('p', asOf)}
    )
    SELECT a.id AS post_id, a.org_unit_id, o.name AS org_name, o.kind AS org_kind, a.term_id, t.ordinal AS term_ordinal, t.election_date,
           a.person_id, pe.name, pe.gender, pe.id_number_enc, pe.birth_date,
           extract(year FROM age(${asOf}::date, pe.birth_date))::int AS age,
           pe.ethnicity, pe.political_status, pe.party_join_date, pe.education_full_time, pe.education_highest,
           pe.phone, pe.is_veteran,
           a.committee, a.position, a.start_date, a.end_date, a.end_reason, a.how,
           (a.eligibility_override IS NOT NULL) AS "eligibilityOverridden",
           a.version AS post_version,
           (bool_or(a.committee = 'party' AND a.position = 'secretary') OVER w
             AND bool_or(a.committee = 'residents' AND a.position = 'director') OVER w) AS "dualRole",
           (min(a.committee) OVER w <> max(a.committee) OVER w) AS "crossServing",
           bool_or((a.committee = 'party' AND a.position = 'secretary') OR (a.committee = 'residents' AND a.position = 'director')) OVER w AS principal
    FROM a
    JOIN t ON t.id = a.term_id
    JOIN person pe ON pe.id = a.person_id
    JOIN org_unit o ON o.id = a.org_unit_id
    WHERE o.path LIKE ${like(scope.path)}
    WINDOW w AS (PARTITION BY a.term_id, a.person_id)
    ORDER BY o.path, a.term_id,
             CASE a.committee WHEN 'party' THEN 1 ELSE 2 END,
             CASE a.position WHEN 'secretary' THEN 1 WHEN 'director' THEN 1 WHEN 'deputy_secretary' THEN 2 WHEN 'deputy_director' THEN 2 ELSE 3 END,
             a.start_date, a.id`.execute(db);
  const rows = r.rows.map((row) => withIdNumber(db, row));
  if (scope.fullIdNumbers) return rows;
  return rows.map((row) => ({ ...row, id_number: maskIdNumber(row.id_number), birth_date: maskBirthDate(row.birth_date) }));
}

export interface RosterSummary {
  /** Distinct persons on either committee. */
  members: number;
  party: number;
  residents: number;
  /** Holder of 一肩挑, if any. */
  dualRoleHolder: { personId: number; name: string } | null;
  /** Persons on both committees. */
  crossServing: number;
}

function summarise(rows: readonly RosterRow[]): RosterSummary {
  const persons = new Map<number, RosterRow>();
  for (const r of rows) persons.set(r.person_id, r);
  const dual = rows.find((r) => r.dualRole);
  return {
    members: persons.size,
    party: rows.filter((r) => r.committee === 'party').length,
    residents: rows.filter((r) => r.committee === 'residents').length,
    dualRoleHolder: dual ? { personId: dual.person_id, name: dual.name } : null,
    crossServing: [...persons.values()].filter((r) => r.crossServing).length,
  };
}

export interface TermRoster {
  org: { id: number; name: string; kind: OrgKind };
  term: TermRow;
  asOf: string;
  party: RosterRow[];
  residents: RosterRow[];
  summary: RosterSummary;
}

/**
 * The roster of one term on `asOf` (clip it to the term first: see clipToTerm). Undefined when the
 * term is not in scope. Stable signature: used by the PDF documents.
 */
export async function getTermRoster(db: Kysely<Database>, scope: RosterScope, termId: number, asOf: string): Promise<TermRoster | undefined> {
  const term = await findTermInScope(db, scope, termId);
  if (!term) return undefined;
  const org = await db.selectFrom('org_unit').select(['id', 'name', 'kind']).where('id', '=', term.org_unit_id).executeTakeFirstOrThrow();
  const rows = await rosterRows(db, scope, sql`SELECT * FROM term WHERE id = ${termId}`, asOf);
  const { org_name: _n, org_path: _p, ...termRow } = term;
  return {
    org,
    term: termRow as TermRow,
    asOf,
    party: rows.filter((r) => r.committee === 'party'),
    residents: rows.filter((r) => r.committee === 'residents'),
    summary: summarise(rows),
  };
}

/** The term of a village in force on `asOf` (the latest-starting one, should two ever be). */
export async function findTermInForce(db: Kysely<Database>, orgId: number, asOf: string): Promise<TermRow | undefined> {
  return db
    .selectFrom('term as t')
    .select(termColumns)
    .where('t.org_unit_id', '=', orgId)
    .where(termInForceOn('t', asOf))
    .orderBy('t.start_date', 'desc')
    .limit(1)
    .executeTakeFirst() as Promise<TermRow | undefined>;
}

/** Every village and community in the subtree of `orgPath` (inside the scope), in tree order. */
export async function villagesUnder(db: Kysely<Database>, scope: RosterScope, orgPath: string) {
  return db
    .selectFrom('org_unit')
    .select(['id', 'name', 'kind', 'path', 'active'])
    .where('path', 'like', like(orgPath))
    .where('path', 'like', like(scope.path))
    .where('kind', 'in', ['village', 'community'])
    .orderBy(treeOrder)
    .execute();
}

/**
 * Roster rows of every village in the subtree of org `orgId` (a village gives its own), each from
 * the term in force there on `asOf`; in tree order, then committee and position order. Undefined
 * when the org is not in scope. One query, whatever the subtree's size. Stable signature: used by
 * the PDF documents and the Excel export.
 */
export async function getVillageRosterRows(db: Kysely<Database>, scope: RosterScope, orgId: number, asOf: string): Promise<RosterRow[] | undefined> {
  const org = await findOrgInScope(db, scope, orgId);
  if (!org) return undefined;
  const terms = sql`
    SELECT DISTINCT ON (tt.org_unit_id) tt.*
    FROM term tt JOIN org_unit tor ON tor.id = tt.org_unit_id
    WHERE tor.path LIKE ${like(org.path)} AND ${termInForceOn('tt', asOf)}
    ORDER BY tt.org_unit_id, tt.start_date DESC`;
  return rosterRows(db, scope, terms, asOf);
}

/**
 * Per-village counts of the rosters in the subtree of `orgPath` on `asOf` (the term in force in
 * each village) and the totals over the subtree, persons counted once. For the export's summary
 * sheet; the structure report proper lives in modules/reports.
 */
export async function rosterCounts(db: Kysely<Database>, scope: RosterScope, orgPath: string, asOf: string): Promise<{ villages: VillageCounts[]; total: RosterTotals }> {
  const base = sql`
    v AS (
      SELECT id, name, path FROM org_unit
      WHERE path LIKE ${like(orgPath)} AND path LIKE ${like(scope.path)} AND kind IN ('village', 'community')),
    t AS (
      SELECT DISTINCT ON (tt.org_unit_id) tt.* FROM term tt JOIN v ON v.id = tt.org_unit_id
      WHERE ${termInForceOn('tt', asOf)} ORDER BY tt.org_unit_id, tt.start_date DESC),
    per AS (
      SELECT p.org_unit_id, p.person_id,
             bool_or(p.committee = 'party') AS on_party, bool_or(p.committee = 'residents') AS on_residents,
             bool_or(p.committee = 'party' AND p.position = 'secretary') AND bool_or(p.committee = 'residents' AND p.position = 'director') AS dual
      FROM post p JOIN t ON t.id = p.term_id WHERE ${postHeldOn('p', asOf)}
      GROUP BY p.org_unit_id, p.person_id),
    m AS (
      SELECT per.*, pe.gender = 'female' AS female,
             extract(year FROM age(${asOf}::date, pe.birth_date)) <= 35 AS young,
             pe.political_status IN ('cpc_member', 'cpc_probationary') AS party_member,
             pe.education_highest IN ('doctorate', 'master', 'bachelor', 'associate') AS college
      FROM per JOIN person pe ON pe.id = per.person_id)`;
  const villages = await sql<VillageCounts>`
    WITH ${base}
    SELECT v.id AS org_unit_id, v.name AS org_name, t.ordinal AS term_ordinal, t.election_date,
           count(m.person_id)::int AS members,
           count(m.person_id) FILTER (WHERE m.on_party)::int AS party,
           count(m.person_id) FILTER (WHERE m.on_residents)::int AS residents,
           count(m.person_id) FILTER (WHERE m.on_party AND m.on_residents)::int AS cross_serving,
           coalesce(bool_or(m.dual), false) AS dual_role,
           count(m.person_id) FILTER (WHERE m.female)::int AS female,
           count(m.person_id) FILTER (WHERE m.young)::int AS age35_or_under,
           count(m.person_id) FILTER (WHERE m.party_member)::int AS party_members,
           count(m.person_id) FILTER (WHERE m.college)::int AS college_or_above
    FROM v LEFT JOIN t ON t.org_unit_id = v.id LEFT JOIN m ON m.org_unit_id = v.id
    GROUP BY v.id, v.name, v.path, t.ordinal, t.election_date
    ORDER BY v.path`.execute(db);
  const total = await sql<RosterTotals>`
    WITH ${base},
    pp AS (
      SELECT person_id, bool_or(on_party) AS on_party, bool_or(on_residents) AS on_residents,
             bool_or(on_party AND on_residents) AS cross_serving, bool_and(female) AS female, bool_and(young) AS young,
             bool_and(party_member) AS party_member, bool_and(college) AS college
      FROM m GROUP BY person_id)
    SELECT (SELECT count(*) FROM t)::int AS villages_with_term,
           (SELECT count(DISTINCT org_unit_id) FROM m WHERE dual)::int AS dual_role_villages,
           count(*)::int AS members,
           count(*) FILTER (WHERE on_party)::int AS party,
           count(*) FILTER (WHERE on_residents)::int AS residents,
           count(*) FILTER (WHERE cross_serving)::int AS cross_serving,
           count(*) FILTER (WHERE female)::int AS female,
           count(*) FILTER (WHERE young)::int AS age35_or_under,
           count(*) FILTER (WHERE party_member)::int AS party_members,
           count(*) FILTER (WHERE college)::int AS college_or_above
    FROM pp`.execute(db);
  return { villages: villages.rows, total: total.rows[0]! };
}

// ---- helpers ----

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** A village whose latest term has passed its end (届满) with no newer term entered. */
export interface ExpiredTermRow {
  org_id: number;
  org_name: string;
  org_kind: OrgKind;
  term_id: number;
  ordinal: number;
  election_date: string;
  /** The term's end date, or — when none was entered — its start plus the statutory term length. */
  due_date: string;
  /** True when the end is the statutory length, not an entered end date. */
  end_implied: boolean;
}

/**
 * 届满 reminder: villages in scope whose latest term ended on or before `today` (the end date is the
 * first day out of office) and have no newer term. Without an entered end date the term is due
 * `termYears` after its start (村民委员会组织法 §11, as the term form suggests). One statement; the
 * first `limit` by due date, and the count.
 */
export async function listExpiredTerms(db: Kysely<Database>, scope: RosterScope, today: string, termYears: number, limit = 50) {
  const due = sql`coalesce(t.end_date, (t.start_date + make_interval(years => ${termYears}::int))::date)`;
  const base = db
    .selectFrom('org_unit as o')
    .innerJoin('term as t', 't.org_unit_id', 'o.id')
    .where('o.path', 'like', like(scope.path))
    .where('o.kind', 'in', ['village', 'community'])
    .where('o.active', '=', true)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('term as n').select('n.id').whereRef('n.org_unit_id', '=', 't.org_unit_id').whereRef('n.ordinal', '>', 't.ordinal'))))
    .where(sql<boolean>`${due} <= ${today}::date`);
  const [items, total] = await Promise.all([
    base
      .select([
        'o.id as org_id',
        'o.name as org_name',
        'o.kind as org_kind',
        't.id as term_id',
        't.ordinal',
        sql<string>`to_char(t.election_date, 'YYYY-MM-DD')`.as('election_date'),
        sql<string>`to_char(${due}, 'YYYY-MM-DD')`.as('due_date'),
        sql<boolean>`t.end_date IS NULL`.as('end_implied'),
      ])
      .orderBy(sql`${due}`)
      .orderBy('o.sort_order')
      .orderBy('o.id')
      .limit(limit)
      .execute() as Promise<ExpiredTermRow[]>,
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}
