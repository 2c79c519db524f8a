// 两委班子结构 (domain.md §2): one SQL statement computes every figure for a whole org subtree.
//
// Semantics (decided here; see the report section of ARCHITECTURE.md):
// - Villages: org units of kind village/community, active, in the subtree of the requested org.
// - Dates follow the roster's half-open ranges (roster/rules.ts): a post is held on day D when
//   start_date <= D and (end_date is null or D < end_date) — the end date is the day the post ended;
//   a term is in force on D likewise by its start and end dates.
// - Without `asOf` (the domain default "as of the term's election date"): each village's latest term,
//   counted at its election date — or at its start date when it starts later, as the elected members
//   hold their posts from the term's start.
// - With `asOf`: each village's term in force on that date, counted on that date. A village with none
//   is left out of the figures (and of the 一肩挑 denominator) but still listed in byVillage.
// - Previous term: the term with the next lower ordinal in the same village, counted at its own date
//   (as above). A village without one contributes nothing to `previous`.
// - Only the posts of the term being counted are considered.
// - Ages are full years (周岁) from PostgreSQL's age() on timestamps (not timestamptz, so no time zone
//   can shift a day); age() matches identity.ts ageOn(), 29 February included.
// - Scope totals count distinct persons (someone serving in two villages at once counts once), so
//   the 合计 row may be smaller than the sum of the villages in that rare case.
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Database, EducationLevel } from '@qingfeng/db';
import { EDUCATION_LEVELS } from '@qingfeng/db';
import { AGE_BANDS } from '../roster/identity.ts';
import { COLLEGE_OR_ABOVE, PARTY_STATUSES } from '../roster/labels.ts';
import { shapeReport, type CommitteeStructureReport, type StructureRow } from './rules.ts';

export interface StructureQueryParams {
  /** Path of the org unit reported on ('/1/5/'): its whole subtree is counted. */
  orgPath: string;
  /** 'YYYY-MM-DD', or null for "each village at its latest term's election date". */
  asOf: string | null;
  /** One 换届 round: the terms elected in this year, each counted at its own date (exclusive of asOf). */
  round?: number | null | undefined;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((x) => sql.lit(x)),
    sql`, `,
  );

/** The figures shared by village rows and scope totals, over a relation with one row per member. */
const figureColumns = sql`
  count(*)::int AS members,
  (count(*) FILTER (WHERE m.age <= 35))::int AS age35_or_under,
  (count(*) FILTER (WHERE m.female))::int AS female,
  (count(*) FILTER (WHERE m.female AND m.principal))::int AS female_principals,
  round(avg(m.age), 1)::float8 AS average_age,
  (count(*) FILTER (WHERE m.edu IN (${list(COLLEGE_OR_ABOVE)})))::int AS college_or_above,
  (count(*) FILTER (WHERE m.cross_serving))::int AS cross_serving,
  (count(*) FILTER (WHERE m.party))::int AS party_members`;

const ageBandArray = sql.join(
  AGE_BANDS.map((b) => sql`(count(*) FILTER (WHERE m.age BETWEEN ${sql.lit(b.min)} AND ${sql.lit(b.max)}))::int`),
  sql`, `,
);
const educationArray = sql.join(
  EDUCATION_LEVELS.map((level: EducationLevel) => sql`(count(*) FILTER (WHERE m.edu = ${sql.lit(level)}))::int`),
  sql`, `,
);

/** A village row's side, pivoted from vt (one row per village × counted term; w 0 current, 1 previous). */
function villageSide(side: 'c' | 'p') {
  const w = sql.lit(side === 'c' ? 0 : 1);
  const as = (col: string) => sql.ref(`${side}_${col}`);
  const pick = (col: string) => sql`max(${sql.ref(`vt.${col}`)}) FILTER (WHERE vt.w = ${w}) AS ${as(col)}`;
  return sql.join(
    [
      pick('term_id'),
      pick('ordinal'),
      pick('election_date'),
      pick('as_of'),
      sql`(count(*) FILTER (WHERE vt.w = ${w}))::int AS ${as('villages')}`,
      sql`NULL::date AS ${as('first_election_date')}`,
      sql`NULL::date AS ${as('last_election_date')}`,
      ...(['members', 'age35_or_under', 'female', 'female_principals', 'average_age', 'college_or_above'] as const).map(pick),
      sql`(bool_or(vt.has_dual) FILTER (WHERE vt.w = ${w}) IS TRUE)::int AS ${as('dual_role_villages')}`,
      sql`(bool_or(vt.has_dual) FILTER (WHERE vt.w = ${w}) IS TRUE)::int::float8 AS ${as('dual_role_ratio')}`,
      pick('cross_serving'),
      pick('party_members'),
      sql`NULL::int[] AS ${as('age_bands')}`,
      sql`NULL::int[] AS ${as('education')}`,
    ],
    sql`, `,
  );
}

/** The total row's side: t = term counts (tot), s = distinct-person aggregates (sagg). */
function totalSide(t: string, s: string) {
  const r = (col: string) => sql.ref(`${t}.${col}`);
  const g = (col: string) => sql.ref(`${s}.${col}`);
  return sql.join(
    [
      sql`NULL::int`,
      sql`NULL::int`,
      sql`NULL::date`,
      sql`NULL::date`,
      sql`COALESCE(${r('villages')}, 0)`,
      r('first_election_date'),
      r('last_election_date'),
      ...(['members', 'age35_or_under', 'female', 'female_principals'] as const).map((c) => sql`COALESCE(${g(c)}, 0)`),
      g('average_age'),
      sql`COALESCE(${g('college_or_above')}, 0)`,
      sql`COALESCE(${r('dual_role_villages')}, 0)`,
      sql`COALESCE(round(${r('dual_role_villages')}::numeric / NULLIF(${r('villages')}, 0), 4), 0)::float8`,
      sql`COALESCE(${g('cross_serving')}, 0)`,
      sql`COALESCE(${g('party_members')}, 0)`,
      g('age_bands'),
      g('education'),
    ],
    sql`, `,
  );
}

/**
 * The raw aggregate statement behind the report (exported so the benchmark can time it alone).
 */
export function committeeStructureQuery({ orgPath, asOf, round = null }: StructureQueryParams): RawBuilder<StructureRow> {
  // Both values are inlined as checked literals rather than bound: a prepared statement's generic
  // plan cannot see the subtree's size through `path LIKE $1` and then picks nested loops that take
  // minutes at 50,000 villages. Literals give every scope its own, correctly estimated plan.
  if (!/^(\/\d+)+\/$/.test(orgPath)) throw new Error(`invalid org path: ${orgPath}`);
  if (asOf !== null && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`invalid date: ${asOf}`);
  if (round !== null && (!Number.isInteger(round) || round < 1900 || round > 2999)) throw new Error(`invalid round: ${round}`);
  if (round !== null && asOf !== null) throw new Error('asOf and round exclude each other');
  const pattern = sql.lit(`${orgPath}%`);
  // The date a term is counted at by default: its election date — or its start date when it starts
  // later, since the elected members hold their posts from the term's start.
  const countedAt = (t: string) => sql`GREATEST(${sql.ref(`${t}.election_date`)}, ${sql.ref(`${t}.start_date`)})`;
  // Which term is current: with a date, the term in force on it (half-open, as in the roster); without
  // one, the latest term, counted at its own date.
  const asOfOf = (t: string) => (asOf === null ? countedAt(t) : sql`${sql.lit(asOf)}::date`);
  // With a round: the terms elected in that year (a range on the date, so an index on it can serve).
  const candidate = (t: string) =>
    round !== null
      ? sql`${sql.ref(`${t}.election_date`)} >= ${sql.lit(`${round}-01-01`)}::date AND ${sql.ref(`${t}.election_date`)} < ${sql.lit(`${round + 1}-01-01`)}::date`
      : asOf === null
        ? sql`true`
        : sql`${sql.ref(`${t}.start_date`)} <= ${sql.lit(asOf)}::date AND (${sql.ref(`${t}.end_date`)} IS NULL OR ${sql.ref(`${t}.end_date`)} > ${sql.lit(asOf)}::date)`;
  // A term with no post entered yet (a new 届 created before its roster) is not counted: its village is
  // listed as 未录入 (domain decision, ARCHITECTURE.md "Structure report"), and it is never a previous term.
  const entered = (t: string) => sql`EXISTS (SELECT 1 FROM post ep WHERE ep.term_id = ${sql.ref(`${t}.id`)})`;
  // The scope filter is written out where it is used (not as a shared CTE) so the planner keeps
  // org_unit's statistics: joins on opaque CTE columns are misestimated by orders of magnitude, and
  // an inflated cost switches on JIT compilation that alone takes seconds for this statement.
  const inScope = (o: string) => sql`${sql.ref(`${o}.path`)} LIKE ${pattern} AND ${sql.ref(`${o}.kind`)} IN ('village', 'community') AND ${sql.ref(`${o}.active`)}`;
  return sql<StructureRow>`
WITH cur AS (
  -- each village's current term (the highest ordinal, should terms ever overlap)
  SELECT t.id AS term_id, t.org_unit_id, t.ordinal, t.election_date, ${asOfOf('t')} AS as_of, ${entered('t')} AS entered
  FROM org_unit o JOIN term t ON t.org_unit_id = o.id
  WHERE ${inScope('o')}
    AND ${candidate('t')}
    AND NOT EXISTS (SELECT 1 FROM term n WHERE n.org_unit_id = t.org_unit_id AND n.ordinal > t.ordinal AND ${candidate('n')})
),
sel AS (
  SELECT 0 AS w, cur.term_id, cur.org_unit_id, cur.ordinal, cur.election_date, cur.as_of FROM cur WHERE cur.entered
  UNION ALL
  -- the entered term before it in the same village, counted at its own election date
  SELECT 1 AS w, t.id, t.org_unit_id, t.ordinal, t.election_date, ${countedAt('t')}
  FROM cur c JOIN term t ON t.org_unit_id = c.org_unit_id AND t.ordinal < c.ordinal
  WHERE c.entered AND ${entered('t')}
    AND NOT EXISTS (SELECT 1 FROM term n WHERE n.org_unit_id = c.org_unit_id AND n.ordinal < c.ordinal AND n.ordinal > t.ordinal AND ${entered('n')})
),
mem AS (
  -- one row per counted term × person: what the person holds at the term's as-of date
  SELECT g.w, g.term_id, g.person_id, g.cross_serving, g.principal, g.dual_role,
    extract(year FROM age(g.as_of::timestamp, pe.birth_date::timestamp))::int AS age,
    pe.gender = 'female' AS female,
    pe.education_highest AS edu,
    pe.political_status IN (${list(PARTY_STATUSES)}) AS party
  FROM (
    SELECT p.term_id, p.person_id, min(s.w) AS w, min(s.as_of) AS as_of,
      bool_or(p.committee = 'party') AND bool_or(p.committee = 'residents') AS cross_serving,
      bool_or(p.position IN ('secretary', 'director')) AS principal,
      bool_or(p.position = 'secretary') AND bool_or(p.position = 'director') AS dual_role
    FROM sel s
    JOIN post p ON p.term_id = s.term_id
    WHERE p.start_date <= s.as_of AND (p.end_date IS NULL OR p.end_date > s.as_of)
    GROUP BY p.term_id, p.person_id
  ) g
  JOIN person pe ON pe.id = g.person_id
),
vt AS (
  -- one row per village × counted term, with its figures
  SELECT s.w, s.org_unit_id, s.term_id, s.ordinal, s.election_date, s.as_of, a.*
  FROM sel s
  LEFT JOIN (
    SELECT m.term_id AS agg_term_id, bool_or(m.dual_role) AS has_dual, ${figureColumns}
    FROM mem m
    GROUP BY m.term_id
  ) a ON a.agg_term_id = s.term_id
),
tot AS (
  SELECT vt.w, count(*)::int AS villages, (count(*) FILTER (WHERE vt.has_dual))::int AS dual_role_villages,
    min(vt.election_date) AS first_election_date, max(vt.election_date) AS last_election_date
  FROM vt
  GROUP BY vt.w
),
sagg AS (
  -- scope totals count distinct persons (someone serving in two villages counts once)
  SELECT m.w, ${figureColumns}, ARRAY[${ageBandArray}] AS age_bands, ARRAY[${educationArray}] AS education
  FROM (
    SELECT m.w, m.person_id, min(m.age) AS age, bool_or(m.female) AS female, bool_or(m.principal) AS principal,
      min(m.edu) AS edu, bool_or(m.cross_serving) AS cross_serving, bool_or(m.party) AS party
    FROM mem m
    GROUP BY m.w, m.person_id
  ) m
  GROUP BY m.w
)
SELECT 'village' AS row_kind, o.id AS org_id, o.name, o.kind,
  ${villageSide('c')},
  ${villageSide('p')},
  max(pd.term_id) AS pending_term_id, max(pd.ordinal) AS pending_ordinal, max(pd.election_date) AS pending_election_date,
  0 AS part, o.sort_order, o.id AS sort_id
FROM org_unit o
LEFT JOIN vt ON vt.org_unit_id = o.id
-- the current term when it has no post yet (at most one per village; joined, not a subquery per village)
LEFT JOIN cur pd ON pd.org_unit_id = o.id AND NOT pd.entered
WHERE ${inScope('o')}
GROUP BY o.id
UNION ALL
SELECT 'total', NULL, NULL, NULL,
  ${totalSide('tc', 'sc')},
  ${totalSide('tp', 'sp')},
  NULL, NULL, NULL,
  1, 0, 0
FROM (SELECT 0 AS w) one
LEFT JOIN tot tc ON tc.w = 0
LEFT JOIN sagg sc ON sc.w = 0
LEFT JOIN tot tp ON tp.w = 1
LEFT JOIN sagg sp ON sp.w = 1
ORDER BY part, sort_order, sort_id`;
}

/** The compiled statement, e.g. for `db.executeQuery()` in the benchmark. */
export function compileCommitteeStructureQuery(db: Kysely<Database>, params: StructureQueryParams): CompiledQuery<StructureRow> {
  return committeeStructureQuery(params).compile(db);
}

export async function runCommitteeStructureQuery(db: Kysely<Database>, params: StructureQueryParams): Promise<StructureRow[]> {
  const result = await committeeStructureQuery(params).execute(db);
  return result.rows;
}

/** The org unit reported on, only if it lies in the caller's scope. */
export async function findReportOrg(db: Kysely<Database>, scopePath: string, orgId: number) {
  return db
    .selectFrom('org_unit')
    .select(['id', 'name', 'kind', 'path', 'active'])
    .where('id', '=', orgId)
    .where('path', 'like', `${scopePath}%`)
    .executeTakeFirst();
}

/**
 * The whole committee-structure report for `orgId`'s subtree, or null when the org is not in the
 * caller's scope (routes answer 404). One statement computes every figure; the rest is shaping.
 */
export async function getCommitteeStructure(
  db: Kysely<Database>,
  { scopePath, orgId, asOf, round }: { scopePath: string; orgId: number; asOf?: string | null | undefined; round?: number | null | undefined },
): Promise<CommitteeStructureReport | null> {
  const org = await findReportOrg(db, scopePath, orgId);
  if (!org) return null;
  // One after the other: `db` may be a transaction (the Excel route), which runs one statement at a time.
  const rows = await runCommitteeStructureQuery(db, { orgPath: org.path, asOf: asOf ?? null, round: round ?? null });
  const rounds = await electionRounds(db, org.path);
  return shapeReport(rows, { id: org.id, name: org.name, kind: org.kind }, asOf ?? null, { round: round ?? null, rounds });
}

/** The 换届 rounds (election years) of the subtree's villages, newest first, with how many villages held one. */
export async function electionRounds(db: Kysely<Database>, orgPath: string): Promise<{ year: number; villages: number }[]> {
  const r = await sql<{ year: number; villages: number }>`
    SELECT extract(year FROM t.election_date)::int AS year, count(DISTINCT t.org_unit_id)::int AS villages
    FROM term t JOIN org_unit o ON o.id = t.org_unit_id
    WHERE o.path LIKE ${`${orgPath}%`} AND o.kind IN ('village', 'community') AND o.active
    GROUP BY 1 ORDER BY 1 DESC`.execute(db);
  return r.rows;
}
