// GET /api/reports/pledges: pledges signed in a year (domain.md §7), by village and by campaign, with the
// reference's phrasing and the drill-down list of exactly the signatures counted.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { pagination, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { shanghaiYear } from '../../pdf/hash.ts';
import { pledgeCountPhrase, pledgeSentence } from './rules.ts';
import * as q from './queries.ts';

const REPORT_ROLES = ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] as const;
const id = z.coerce.number().int().positive().max(2_147_483_647);
const figureQuery = z.object({ org: id.optional(), year: z.coerce.number().int().min(2000).max(2100).optional() });
const recordQuery = figureQuery.extend({ village: id.optional(), campaign: id.optional(), ...pagination });

async function orgOf(db: AppEnv['Variables']['db'], scopePath: string, orgId: number) {
  const org = await db.selectFrom('org_unit').select(['id', 'name', 'path']).where('id', '=', orgId).where('path', 'like', `${scopePath}%`).executeTakeFirst();
  if (!org) throw notFound('组织不存在');
  return org;
}

export const pledgeReportRoutes = new Hono<AppEnv>()
  .get('/pledges', allow(...REPORT_ROLES), v('query', figureQuery), async (c) => {
    const user = currentUser(c);
    const query = c.req.valid('query');
    const year = query.year ?? shanghaiYear(c.get('clock').now());
    const db = c.get('reportDb');
    const org = await orgOf(db, user.orgPath, query.org ?? user.orgUnitId);
    const figures = await q.pledgeFigures(db, org.path, year);
    return c.json({
      org: { id: org.id, name: org.name },
      year,
      pledgesSigned: figures.pledgesSigned,
      phrase: pledgeCountPhrase(figures.pledgesSigned),
      sentence: pledgeSentence(figures.pledgesSigned),
      byVillage: figures.byVillage,
      byCampaign: figures.byCampaign,
      drillDown: { path: '/api/reports/pledges/records', query: { org: org.id, year } },
    });
  })
  .get('/pledges/records', allow(...REPORT_ROLES), v('query', recordQuery), async (c) => {
    const user = currentUser(c);
    const { org: orgId, year: y, village, campaign, page, pageSize } = c.req.valid('query');
    const year = y ?? shanghaiYear(c.get('clock').now());
    const db = c.get('reportDb');
    const org = await orgOf(db, user.orgPath, orgId ?? user.orgUnitId);
    return c.json({ year, org: { id: org.id, name: org.name }, ...(await q.pledgeFigureRecords(db, org.path, year, { orgId: village, campaignId: campaign, page, pageSize })) });
  });
