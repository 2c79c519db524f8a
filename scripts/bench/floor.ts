// The floor of a report (issue 12, must-have 3): one set-based pass over the same posts and people the
// report counts — posts held on the as-of date in the scope's villages, joined to their people once,
// aggregated into the same kinds of figures (members, women, party members, education, age bands,
// principals) with no per-village grouping and no previous term. Any report of the scope has to read
// at least this much; the committee-structure SQL is held to ≤ 3× of it.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';

export function floorQuery(db: Kysely<Database>, orgPath: string, asOf: string) {
  if (!/^(\/\d+)+\/$/.test(orgPath) || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('bad floor parameters');
  // Literals, as in the report itself (plans that see the subtree's size).
  const pattern = sql.lit(`${orgPath}%`);
  const day = sql.lit(asOf);
  return sql<{ members: number }>`
    SELECT count(DISTINCT p.person_id)::int AS members,
      (count(*) FILTER (WHERE pe.gender = 'female'))::int AS female,
      (count(*) FILTER (WHERE pe.political_status IN ('cpc_member', 'cpc_probationary')))::int AS party,
      (count(*) FILTER (WHERE pe.education_highest IN ('bachelor', 'master', 'doctorate', 'associate')))::int AS college,
      (count(*) FILTER (WHERE p.position IN ('secretary', 'director')))::int AS principals,
      (count(*) FILTER (WHERE extract(year FROM age(${day}::timestamp, pe.birth_date::timestamp)) < 35))::int AS under35,
      (count(*) FILTER (WHERE extract(year FROM age(${day}::timestamp, pe.birth_date::timestamp)) >= 60))::int AS over60
    FROM org_unit o
    JOIN post p ON p.org_unit_id = o.id
    JOIN person pe ON pe.id = p.person_id
    WHERE o.path LIKE ${pattern} AND o.kind IN ('village', 'community') AND o.active
      AND p.start_date <= ${day}::date AND (p.end_date IS NULL OR p.end_date > ${day}::date)`.compile(db);
}
