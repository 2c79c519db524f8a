import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { isoDate, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { getCommitteeStructure } from './queries.ts';
import { buildCommitteeStructureWorkbook, xlsxDisposition } from './excel.ts';

/** Secretaries are limited to their own village by their scope (their org unit's subtree). */
const REPORT_ROLES = ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] as const;

/** Query of the structure report (JSON, Excel and PDF alike). */
export const structureQuery = z
  .object({
    /** The org unit reported on (its subtree); defaults to the caller's own org unit. */
    org: z.coerce.number().int().positive().optional(),
    /** Count as of this date; omitted = each village at its latest term's election date. */
    asOf: isoDate.optional(),
    /** One 换届 round: the terms elected in this year, each at its own date. */
    round: z.coerce.number('应为年份，如 2021').int('应为年份，如 2021').min(1949, '应为 1949 年以后的年份').max(2100, '应为年份，如 2021').optional(),
  })
  .refine((q) => q.asOf === undefined || q.round === undefined, { message: '截至日期与换届年份只能选择其一', path: ['round'] });

export const reportRoutes = new Hono<AppEnv>()
  .get('/committee-structure', allow(...REPORT_ROLES), v('query', structureQuery), async (c) => {
    const user = currentUser(c);
    const { org, asOf, round } = c.req.valid('query');
    const report = await getCommitteeStructure(c.get('reportDb'), { scopePath: user.orgPath, orgId: org ?? user.orgUnitId, asOf: asOf ?? null, round: round ?? null });
    if (!report) throw notFound('组织不存在');
    return c.json(report);
  })
  .get('/committee-structure.xlsx', allow(...REPORT_ROLES), v('query', structureQuery), async (c) => {
    const user = currentUser(c);
    const { org, asOf, round } = c.req.valid('query');
    // Read where reports read (the replica, when there is one); the download and its audit event
    // then commit together on the primary: no file leaves without its record.
    const report = await getCommitteeStructure(c.get('reportDb'), { scopePath: user.orgPath, orgId: org ?? user.orgUnitId, asOf: asOf ?? null, round: round ?? null });
    if (!report) throw notFound('组织不存在');
    const { bytes, disposition } = await inTransaction(c, async (_trx, audit, now) => {
      const bytes = await buildCommitteeStructureWorkbook(report, { generatedAt: now, generatedBy: user.displayName });
      await audit({
        kind: 'export.downloaded',
        objectType: 'report',
        objectId: 'committee-structure',
        orgUnitId: report.org.id,
        details: { report: 'committee-structure', format: 'xlsx', asOf: report.asOf, bytes: bytes.byteLength },
      });
      return { bytes, disposition: xlsxDisposition(report) };
    });
    return c.body(bytes, 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': disposition,
      'cache-control': 'no-store',
    });
  });
