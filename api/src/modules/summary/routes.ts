// GET /api/reports/annual-summary (mounted under /reports): the year's 党风廉政建设 section for an org
// subtree (domain.md §9) — figures, paragraphs, drill-downs, tables and the checks on the records.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { CHECK_LABELS, checkRecordHref, shapeSummary, SUMMARY_READERS } from './rules.ts';
import { findSummaryOrg, summaryChecks, summaryFigures } from './queries.ts';

const summaryQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

/** The whole summary of the org (default: the caller's own) and year (default: this year in China). */
export async function buildSummary(c: Context<AppEnv>, q: z.infer<typeof summaryQuery>) {
  const user = currentUser(c);
  const db = c.get('db');
  const today = todayInShanghai(c.get('clock').now());
  const org = await findSummaryOrg(db, user.orgPath, q.org ?? user.orgUnitId);
  if (!org) throw notFound('组织不存在');
  const year = q.year ?? Number(today.slice(0, 4));
  const [f, checks] = await Promise.all([summaryFigures(db, org, year), summaryChecks(db, org.path, year, today)]);
  return {
    ...shapeSummary({
      org: { id: org.id, name: org.name },
      year,
      decisions: f.decisions.decisions,
      integrity: f.integrity,
      pledgesSigned: f.pledges.pledgesSigned,
      committee: f.committee,
      decisionsByCategory: f.decisions.byCategory,
      pledgesByVillage: f.pledges.byVillage,
    }),
    checks: checks.map((k) => ({ ...k, ...CHECK_LABELS[k.check], records: k.records.map((r) => ({ ...r, href: checkRecordHref(k.check, r.id) })) })),
    today,
  };
}

export const summaryRoutes = new Hono<AppEnv>().get('/annual-summary', allow(...SUMMARY_READERS), v('query', summaryQuery), async (c) => {
  return c.json(await buildSummary(c, c.req.valid('query')));
});
