// Candidate eligibility (domain.md §3, 换届联审): one set-based statement for any number of
// (person, date) pairs — a 10,000-person candidate list is one query, as is a single check.
import { sql, type Kysely } from 'kysely';
import type { Database, SanctionSystem } from '@qingfeng/db';
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

/** SQL for the reasons of a batch (exported for the benchmark). */
export function eligibilityQuery(checks: readonly EligibilityCheck[]) {
  const keys = checks.map((c) => c.key);
  const ids = checks.map((c) => c.personId);
  const days = checks.map((c) => c.on);
  return sql<ReasonRow>`
    WITH c AS (SELECT * FROM unnest(${keys}::text[], ${ids}::int[], ${days}::date[]) AS c(k, person_id, d))
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
    WHERE pe.under_investigation AND (pe.investigation_date IS NULL OR pe.investigation_date <= c.d)
    ORDER BY 1, 2, 7`;
}

/** Every reason each key is not eligible; keys without reasons are eligible. */
export async function ineligibility(db: Kysely<Database>, checks: readonly EligibilityCheck[]): Promise<Map<string, IneligibleReason[]>> {
  const out = new Map<string, IneligibleReason[]>();
  if (checks.length === 0) return out;
  const rows = (await eligibilityQuery(checks).execute(db)).rows;
  for (const r of rows) {
    const list = out.get(r.k) ?? [];
    if (r.kind === 'sanction')
      list.push({ kind: 'sanction', sanctionId: r.id, label: sanctionLabel(r.system!, r.type!, r.probation_months), effectiveDate: r.start!, influenceEnd: r.end });
    else if (r.kind === 'admonishment') list.push({ kind: 'admonishment', talkId: r.id, talkDate: r.start!, influenceEnd: r.end! });
    else list.push({ kind: 'investigation', since: r.start, caseNumber: r.case_number });
    out.set(r.k, list);
  }
  return out;
}
