// GET /api/reports/decisions — the 三重一大 statistics of an org subtree and year (domain.md §6), and
// /api/reports/decisions/items, the drill-down: the very items a figure counts (same filter, same count).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DECISION_CATEGORIES } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { pagination, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { DECISION_READERS, shapeStatistics } from './rules.ts';
import * as q from './queries.ts';

const orgYear = {
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  year: z.coerce.number().int().min(1949).max(2100).optional(),
};
const drillQuery = z.object({
  ...orgYear,
  counted: z.enum(['yes']).optional(),
  category: z.enum(DECISION_CATEGORIES).optional(),
  orgId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  month: z.coerce.number().int().min(1).max(12).optional(),
  rule: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  flagged: z.enum(['yes', 'no']).optional(),
  ...pagination,
});

/** The org reported on (default: the caller's own) in scope, and the year (default: this year in China). */
async function resolve(c: Context<AppEnv>, org: number | undefined, year: number | undefined) {
  const user = currentUser(c);
  const found = await q.findOrg(c.get('reportDb'), user.orgPath, org ?? user.orgUnitId);
  if (!found) throw notFound('组织不存在');
  return { org: found, year: year ?? Number(todayInShanghai(c.get('clock').now()).slice(0, 4)) };
}

export const decisionReportRoutes = new Hono<AppEnv>()
  .get('/decisions', allow(...DECISION_READERS), v('query', z.object(orgYear)), async (c) => {
    const f = c.req.valid('query');
    const { org, year } = await resolve(c, f.org, f.year);
    const rows = await q.decisionStatistics(c.get('reportDb'), org.path, year);
    return c.json({ org: { id: org.id, name: org.name, kind: org.kind }, year, ...shapeStatistics(rows) });
  })
  .get('/decisions/items', allow(...DECISION_READERS), v('query', drillQuery), async (c) => {
    const f = c.req.valid('query');
    const { org, year } = await resolve(c, f.org, f.year);
    const result = await q.listItems(c.get('reportDb'), {
      orgPath: org.path,
      year,
      counted: f.counted === 'yes',
      category: f.category,
      orgId: f.orgId,
      month: f.month,
      rule: f.rule,
      flagged: f.flagged === undefined ? undefined : f.flagged === 'yes',
      page: f.page,
      pageSize: f.pageSize,
    });
    return c.json({ org: { id: org.id, name: org.name }, year, ...result });
  });
