// 三重一大 downloads: the register (台账) per org and year as PDF and Excel, the minutes (会议记录) of a
// meeting as PDF — all on the shared pieces and the PDF kit (document number, check code, watermark,
// registry, audit) — and the Excel import of a year's register on the shared pipeline.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { deliverRegister } from '../../pdf/register.ts';
import { deliverPdf } from '../../pdf/deliver.ts';
import { addTableSheet, newWorkbook, workbookBytes, xlsxResponse } from '../../excel/export.ts';
import { importRoutes } from '../../excel/import.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { DECISION_READERS, yuan } from './rules.ts';
import { drawMinutes, minutesTitle, REGISTER_PDF_COLUMNS, REGISTER_SHEET_COLUMNS, registerFilterLine, registerTitle, registerTotals } from './documents.ts';
import { applyDecisionImport, buildDecisionTemplate, parseDecisionWorkbook, planDecisionImport } from './import.ts';
import * as q from './queries.ts';

const registerQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  year: z.coerce.number().int().min(1949).max(2100).optional(),
});

async function registerData(c: Context<AppEnv>, f: z.infer<typeof registerQuery>) {
  const user = currentUser(c);
  const org = await q.findOrg(c.get('reportDb'), user.orgPath, f.org ?? user.orgUnitId);
  if (!org) throw notFound('组织不存在');
  const year = f.year ?? Number(todayInShanghai(c.get('clock').now()).slice(0, 4));
  const rows = await q.registerRows(c.get('reportDb'), org.path, year);
  return { org, year, rows, totals: registerTotals(rows) };
}

const importSub = importRoutes({
  name: 'decision import',
  templateRoles: ['org_office'],
  importRoles: ['org_office'],
  templateFileName: '三重一大台账导入模板.xlsx',
  buildTemplate: buildDecisionTemplate,
  parse: parseDecisionWorkbook,
  plan: planDecisionImport,
  preview: (p) => ({ problems: p.problems, summary: p.summary }),
  apply: applyDecisionImport,
  audit: (p, c) => ({ kind: 'decision.imported', objectType: 'org_unit', objectId: currentUser(c).orgUnitId, orgUnitId: currentUser(c).orgUnitId, details: p.summary }),
});

export const decisionExportRoutes = new Hono<AppEnv>()
  .get('/register.pdf', allow(...DECISION_READERS), v('query', registerQuery), async (c) => {
    const { org, year, rows, totals } = await registerData(c, c.req.valid('query'));
    return deliverRegister(c, {
      kind: 'decision_register',
      orgUnitId: org.id,
      orgName: org.name,
      fileName: `三重一大台账-${org.name}-${year}`,
      register: {
        title: registerTitle(org.name, year),
        filters: [registerFilterLine(year, totals)],
        columns: REGISTER_PDF_COLUMNS,
        rows,
        totals: [['合计', '', '', '', '', `已作出决定${totals.decided}项`, yuan(totals.amountFen), '', '', '', '', `有提示${totals.flagged}项`]],
        emptyText: '本年度没有三重一大事项',
        footer: ['说明：金额合计为已作出决定（通过或未通过）事项的金额；“规则提示”依据 domain.md §6 的议事规则自动核对，提示不影响统计。', '制表人：　　　　　　　审核人：　　　　　　　制表日期：'],
      },
    });
  })
  .get('/register.xlsx', allow(...DECISION_READERS), v('query', registerQuery), async (c) => {
    const { org, year, rows, totals } = await registerData(c, c.req.valid('query'));
    const wb = newWorkbook(c.get('clock').now());
    addTableSheet(wb, '台账', REGISTER_SHEET_COLUMNS, rows, {
      title: registerTitle(org.name, year),
      subtitles: [registerFilterLine(year, totals)],
      totals: [['合计', null, null, null, null, null, `已作出决定${totals.decided}项`, totals.amountFen / 100]],
    });
    const file = await workbookBytes(wb);
    await inTransaction(c, (_trx, audit) =>
      audit({ kind: 'export.downloaded', objectType: 'org_unit', objectId: org.id, orgUnitId: org.id, details: { document: 'decision_register.xlsx', year, rows: rows.length } }),
    );
    return xlsxResponse(c, file, `三重一大台账-${org.name}-${year}.xlsx`, 'decision-register.xlsx');
  })
  .get('/meetings/:id/minutes.pdf', allow(...DECISION_READERS), v('param', idParam), async (c) => {
    const data = await q.minutesData(c.get('db'), currentUser(c).orgPath, c.req.valid('param').id);
    if (!data) throw notFound('会议不存在');
    const m = data.meeting;
    return deliverPdf(c, {
      kind: 'decision_minutes',
      title: minutesTitle(m),
      orgUnitId: m.org_unit_id,
      orgName: m.org_name,
      fileName: `会议记录-${m.org_name}-${m.held_on}`,
      content: { document: 'decision_minutes', meeting: m, members: data.members, items: data.items },
      draw: (pdf) => drawMinutes(pdf, data),
    });
  })
  .route('/register', importSub);
