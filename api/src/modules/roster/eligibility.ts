// The seam for candidate eligibility (domain.md §3, 换届联审).
//
// A person is not eligible on a date D when a sanction's or an 诫勉's influence period covers D,
// or they are under investigation. Sanctions and talks do not exist yet, so this returns no
// problem. When the sanctions module arrives it fills this in (reading its own tables inside the
// caller's transaction); POST /api/posts and the roster import already call it for every new post,
// and will then need the override-with-reason flow of §3 (audited). Nothing here is invented.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { RuleProblem } from './rules.ts';

export async function eligibilityProblems(
  _db: Kysely<Database>,
  _posts: readonly { personId: number | null; personKey: string; startDate: string }[],
): Promise<Map<string, RuleProblem>> {
  return new Map();
}
