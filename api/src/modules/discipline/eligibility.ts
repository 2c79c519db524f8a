// Candidate eligibility (domain.md §3, 换届联审): one set-based statement for any number of
// (person, date) pairs — a 10,000-person candidate list is one query, as is a single check.
import { sql, type Kysely } from 'kysely';
import type { Database, SanctionSystem } from '@qingfeng/db';
import { personVisible } from '../roster/queries.ts';
import { sanctionLabel, type IneligibleReason } from './rules.ts';

export interface EligibilityCheck {
  /** The caller's key for this check (a person id, or an ID number in the roster import). */
  key: string;
  personId: number;
  /** The day the post would start (or the election date). */
  on: string;
}

interface ReasonRow {
  k: string;
  kind: 'sanction' | 'admonishment' | 'investigation';
  id: number;
  system: SanctionSystem | null;
  type: string | null;
  probation_months: number | null;
  start: string | null;
  end: string | null;
  case_number: string | null;
}

/**
 * The reasons, as a UNION over a relation `c(k, person_id, d)` defined by the caller (a CTE): one
 * statement for any number of checks, shared by the batch check and the candidate review.
 */
const reasonsOf = sql`
    SELECT c.k, 'sanction' AS kind, s.id, s.system, s.type, s.probation_months, s.effective_date AS start, s.influence_end AS "end", NULL AS case_number
    FROM c JOIN sanction s ON s.person_id = c.person_id
    WHERE s.status = 'in_force' AND s.effective_date <= c.d AND (s.influence_end IS NULL OR c.d < s.influence_end)
    UNION ALL
    SELECT c.k, 'admonishment', t.id, NULL, NULL, NULL, t.talk_date, t.influence_end, NULL
    FROM c JOIN talk t ON t.subject_person_id = c.person_id
    WHERE t.kind = 'admonishment' AND t.talk_date <= c.d AND c.d < t.influence_end
    UNION ALL
    SELECT c.k, 'investigation', pe.id, NULL, NULL, NULL, pe.investigation_date, NULL, pe.investigation_case_number
    FROM c JOIN person pe ON pe.id = c.person_id
    WHERE pe.under_investigation AND (pe.investigation_date IS NULL OR pe.investigation_date <= c.d)`;

/** SQL for the reasons of a batch (exported for the benchmark). */
export function eligibilityQuery(checks: readonly EligibilityCheck[]) {
  const keys = checks.map((c) => c.key);
  const ids = checks.map((c) => c.personId);
  const days = checks.map((c) => c.on);
  return sql<ReasonRow>`
    WITH c AS (SELECT * FROM unnest(${keys}::text[], ${ids}::int[], ${days}::date[]) AS c(k, person_id, d))
    ${reasonsOf}
    ORDER BY 1, 2, 7`;
}

function toReason(r: Omit<ReasonRow, 'k'>): IneligibleReason {
  if (r.kind === 'sanction') return { kind: 'sanction', sanctionId: r.id, label: sanctionLabel(r.system!, r.type!, r.probation_months), effectiveDate: r.start!, influenceEnd: r.end };
  if (r.kind === 'admonishment') return { kind: 'admonishment', talkId: r.id, talkDate: r.start!, influenceEnd: r.end! };
  return { kind: 'investigation', since: r.start, caseNumber: r.case_number };
}

/** Every reason each key is not eligible; keys without reasons are eligible. */
export async function ineligibility(db: Kysely<Database>, checks: readonly EligibilityCheck[]): Promise<Map<string, IneligibleReason[]>> {
  const out = new Map<string, IneligibleReason[]>();
  if (checks.length === 0) return out;
  const rows = (await eligibilityQuery(checks).execute(db)).rows;
  for (const r of rows) {
    const list = out.get(r.k) ?? [];
    list.push(toReason(r));
    out.set(r.k, list);
  }
  return out;
}

export interface ReviewRow {
  personId: number;
  name: string;
  orgName: string;
  reasons: IneligibleReason[];
}

/**
 * 换届联审 of a candidate list on one day, as ONE statement: the people visible in scope (in the order
 * given), their reasons (the statement above), the counts over the whole list, and one page of rows
 * (`page` null: every row, for the PDF). `asked` > `total` means some id is not a visible person.
 */
export async function candidateReview(db: Kysely<Database>, scopePath: string, ids: readonly number[], on: string, page: { limit: number; offset: number } | null) {
  const r = await sql<{ asked: number; total: number; ineligible: number; rows: (Omit<ReviewRow, 'reasons'> & { reasons: Omit<ReasonRow, 'k'>[] | null })[] | null }>`
    WITH asked AS (SELECT * FROM unnest(${ids as number[]}::int[]) WITH ORDINALITY AS a(person_id, ord)),
    c AS (
      SELECT pe.id::text AS k, pe.id AS person_id, ${on}::date AS d, a.ord, pe.name, o.name AS org_name
      FROM asked a JOIN person pe ON pe.id = a.person_id JOIN org_unit o ON o.id = pe.org_unit_id
      WHERE ${personVisible(scopePath)}),
    r AS (${reasonsOf}),
    ra AS (
      SELECT k, json_agg(json_build_object('kind', kind, 'id', id, 'system', system, 'type', type, 'probation_months', probation_months,
                                           'start', start, 'end', "end", 'case_number', case_number) ORDER BY kind, start) AS reasons
      FROM r GROUP BY k),
    l AS (SELECT c.ord, c.person_id, c.name, c.org_name, ra.reasons FROM c LEFT JOIN ra ON ra.k = c.k),
    p AS (SELECT * FROM l ORDER BY ord ${page ? sql`LIMIT ${page.limit} OFFSET ${page.offset}` : sql``})
    SELECT (SELECT count(*) FROM asked)::int AS asked, (SELECT count(*) FROM l)::int AS total,
           (SELECT count(*) FROM l WHERE reasons IS NOT NULL)::int AS ineligible,
           (SELECT json_agg(json_build_object('personId', person_id, 'name', name, 'orgName', org_name, 'reasons', reasons) ORDER BY ord) FROM p) AS rows`.execute(db);
  const x = r.rows[0]!;
  return {
    asked: x.asked,
    total: x.total,
    ineligible: x.ineligible,
    rows: (x.rows ?? []).map((row): ReviewRow => ({ ...row, reasons: (row.reasons ?? []).map(toReason) })),
  };
}
