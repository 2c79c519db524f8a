// What the roster's route files share: who reads, today's date in Shanghai, the caller's roster scope,
// and the 400/409 built from rule problems.
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { ALL_ROLES, currentUser } from '../../http/guard.ts';
import { isoDate } from '../../http/validate.ts';
import { AppError } from '../../http/errors.ts';
import { describePostChange, joinProblems, suggestTermEnd, todayInShanghai, type RuleProblem } from './rules.ts';
import { beijingTime } from '../../time.ts';
import * as q from './queries.ts';

export const READERS = ALL_ROLES;
export const asOfQuery = z.object({ asOf: isoDate.optional() });
export const today = (c: Context<AppEnv>) => todayInShanghai(c.get('clock').now());
export const scopeOf = (c: Context<AppEnv>) => q.rosterScopeOf(currentUser(c));

/** 400 with every problem (Chinese), the first one's code. */
export function rejected(problems: readonly RuleProblem[], status: 400 | 409 = 400): AppError {
  return new AppError(status, problems[0]!.code, joinProblems(problems), { problems });
}

/** A term as the API returns it: with the end date the form suggests. */
export const withSuggestion = <T extends { start_date: string; end_date: string | null }>(t: T) => ({ ...t, suggestedEndDate: t.end_date ?? suggestTermEnd(t.start_date) });

/** 任职变动 rows as the API returns them: with the line in words and Beijing time. */
export function historyItems(rows: readonly q.PostHistoryRow[]) {
  return rows.map((h) => ({
    kind: h.kind,
    date: h.date,
    at: h.at ? beijingTime(h.at) : null,
    postId: h.post_id,
    person: { id: h.person_id, name: h.person_name },
    org: { id: h.org_id, name: h.org_name },
    by: h.by_name,
    text: describePostChange({
      kind: h.kind,
      orgKind: h.org_kind,
      termOrdinal: h.term_ordinal,
      committee: h.committee,
      position: h.position,
      how: h.how,
      endReason: h.end_reason,
      details: h.details,
    }),
  }));
}
