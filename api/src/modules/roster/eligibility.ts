// The seam for candidate eligibility (domain.md §3, 换届联审), filled in by the discipline module:
// a person is not eligible on D when a sanction's or an 诫勉's influence period covers D, or they are
// under investigation. POST /api/posts and the roster import call it for every new post (inside the
// caller's transaction); they refuse unless the party work office gives a written override reason.
// The message says only that the person is not eligible — never the sanction behind it.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { ineligibility } from '../discipline/eligibility.ts';
import { ineligibleMessage } from '../discipline/rules.ts';
import type { RuleProblem } from './rules.ts';

export async function eligibilityProblems(
  db: Kysely<Database>,
  posts: readonly { personId: number | null; personKey: string; startDate: string; personName?: string }[],
): Promise<Map<string, RuleProblem>> {
  const checks = posts.filter((p) => p.personId !== null).map((p) => ({ key: p.personKey, personId: p.personId!, on: p.startDate }));
  const reasons = await ineligibility(db, checks);
  const out = new Map<string, RuleProblem>();
  for (const p of posts)
    if (reasons.has(p.personKey)) out.set(p.personKey, { code: 'ineligible', field: 'personId', message: ineligibleMessage(p.personName ?? '该人员', p.startDate) });
  return out;
}
