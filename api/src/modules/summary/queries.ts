// The annual summary's figures: the modules' own figure statements (decisions statistics, integrity
// figures, pledge figures, committee structure), run side by side over one org subtree and year, plus
// ONE statement for the checks on the records. Nothing is counted here a second time.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { decisionStatistics } from '../decisions/queries.ts';
import { shapeStatistics } from '../decisions/rules.ts';
import { integrityFigures, yearPeriod } from '../discipline/figures.ts';
import { pledgeFigures } from '../pledges/queries.ts';
import { runCommitteeStructureQuery } from '../reports/queries.ts';
import { shapeReport } from '../reports/rules.ts';
import { CHECKS, electedInYear, yearDays, type Check } from './rules.ts';

type Db = Kysely<Database>;

export interface SummaryOrg {
  id: number;
  name: string;
  kind: Database['org_unit']['kind'];
  path: string;
}

export async function findSummaryOrg(db: Db, scopePath: string, orgId: number): Promise<SummaryOrg | undefined> {
  return db.selectFrom('org_unit').select(['id', 'name', 'kind', 'path']).where('id', '=', orgId).where('path', 'like', `${scopePath}%`).executeTakeFirst();
}

/** Every figure of domain.md §9 for the org's subtree and the year (Asia/Shanghai). */
export async function summaryFigures(db: Db, org: SummaryOrg, year: number) {
  const [decisionRows, integrity, pledges, structureRows] = await Promise.all([
    decisionStatistics(db, org.path, year),
    integrityFigures(db, yearPeriod(org.path, year)),
    pledgeFigures(db, org.path, year),
    // Each village at its latest term's election date: the 两委 sentence is about the term elected.
    runCommitteeStructureQuery(db, { orgPath: org.path, asOf: null }),
  ]);
  const structure = shapeReport(structureRows, { id: org.id, name: org.name, kind: org.kind }, null);
  return {
    decisions: shapeStatistics(decisionRows),
    integrity,
    pledges,
    committee: electedInYear(structure, year) ? structure : null,
  };
}

export interface CheckRecord {
  check: Check;
  id: number;
  date: string | null;
  orgName: string;
  label: string;
  total: number;
}

/** Records per check shown inline; the count is always complete. */
export const CHECK_SAMPLE = 20;

/**
 * The checks on the records (one statement): what would make a figure of the year doubtful. `today`
 * (Asia/Shanghai) decides which 函询 are past due. At most CHECK_SAMPLE records per check, each with
 * the check's full count.
 */
export async function summaryChecks(db: Db, orgPath: string, year: number, today: string) {
  if (!/^\/(\d+\/)+$/.test(orgPath) || !/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error('bad scope');
  const { from, to } = yearDays(year);
  const path = sql.lit(`${orgPath}%`);
  const [f, t, d] = [sql.lit(from), sql.lit(to), sql.lit(today)];
  const rows = await sql<CheckRecord & { rn: number }>`
    WITH found AS (
      SELECT 'talkWithoutLeader' AS "check", x.id, x.talk_date::text AS date, o.name AS "orgName", x.topic AS label
        FROM talk x JOIN org_unit o ON o.id = x.org_unit_id
        WHERE o.path LIKE ${path} AND x.talk_date >= ${f}::date AND x.talk_date < ${t}::date AND btrim(x.leader_name) = ''
      UNION ALL
      SELECT 'sanctionWithoutEffectiveDate', x.id, x.decision_date::text, o.name, p.name
        FROM sanction x JOIN org_unit o ON o.id = x.org_unit_id JOIN person p ON p.id = x.person_id
        WHERE o.path LIKE ${path} AND x.decision_date >= ${f}::date AND x.decision_date < ${t}::date AND x.effective_date IS NULL AND x.status <> 'revoked'
      UNION ALL
      SELECT 'inquiryOverdue', x.id, x.talk_date::text, o.name, coalesce(p.name || '：', '') || x.topic
        FROM talk x JOIN org_unit o ON o.id = x.org_unit_id LEFT JOIN person p ON p.id = x.subject_person_id
        WHERE o.path LIKE ${path} AND x.talk_date >= ${f}::date AND x.talk_date < ${t}::date
          AND x.kind = 'inquiry_letter' AND x.reply_date IS NULL AND x.reply_due_date < ${d}::date
      UNION ALL
      SELECT 'itemNotClosed', x.id, m.held_on::text, o.name, x.title
        FROM decision_item x JOIN decision_meeting m ON m.id = x.meeting_id JOIN org_unit o ON o.id = x.org_unit_id
        WHERE o.path LIKE ${path} AND m.held_on >= ${f}::date AND m.held_on < ${t}::date AND x.closed_at IS NULL
      UNION ALL
      SELECT 'campaignOpen', x.id, x.start_date::text, o.name, x.title
        FROM pledge_campaign x JOIN org_unit o ON o.id = x.org_unit_id
        WHERE o.path LIKE ${path} AND x.start_date >= ${f}::date AND x.start_date < ${t}::date AND x.closed_at IS NULL
    )
    SELECT * FROM (
      SELECT found.*, (row_number() OVER (PARTITION BY "check" ORDER BY date, id))::int AS rn, (count(*) OVER (PARTITION BY "check"))::int AS total FROM found
    ) r WHERE rn <= ${sql.lit(CHECK_SAMPLE)} ORDER BY "check", rn`.execute(db);
  return CHECKS.map((check) => {
    const records = rows.rows.filter((r) => r.check === check);
    return { check, count: records[0]?.total ?? 0, records: records.map(({ id, date, orgName, label }) => ({ id, date, orgName, label })) };
  });
}
