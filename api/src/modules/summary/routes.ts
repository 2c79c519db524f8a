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
import { createHash } from 'node:crypto';
import { inTransaction } from '../../http/action.ts';
import { deliverPdf } from '../../pdf/deliver.ts';
import { contentHash } from '../../pdf/hash.ts';
import { completeDocument, insertDocument } from '../../pdf/registry.ts';
import { drawSummaryPdf, summaryDocument, summaryDocx } from './documents.ts';

const chineseDay = (d: string) => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const attachment = (name: string) => `attachment; filename="annual-summary"; filename*=UTF-8''${encodeURIComponent(name)}`;

const summaryQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

/** The whole summary of the org (default: the caller's own) and year (default: this year in China). */
export async function buildSummary(c: Context<AppEnv>, q: z.infer<typeof summaryQuery>) {
  const user = currentUser(c);
  const db = c.get('reportDb');
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

export const summaryRoutes = new Hono<AppEnv>()
  .get('/annual-summary', allow(...SUMMARY_READERS), v('query', summaryQuery), async (c) => {
    return c.json(await buildSummary(c, c.req.valid('query')));
  })
  // The checks do not block a download: the office decides (issue 9, must-have 4).
  .get('/annual-summary.pdf', allow(...SUMMARY_READERS), v('query', summaryQuery), async (c) => {
    const s = await buildSummary(c, c.req.valid('query'));
    const doc = summaryDocument(s, { by: currentUser(c).displayName, on: chineseDay(s.today) });
    return deliverPdf(c, {
      kind: 'annual_summary',
      title: doc.title,
      orgUnitId: s.org.id,
      orgName: s.org.name,
      fileName: doc.title,
      content: { figures: s.figures, paragraphs: s.paragraphs.map((p) => p.text), tables: doc.tables },
      draw: (pdf) => drawSummaryPdf(pdf, doc),
    });
  })
  .get('/annual-summary.docx', allow(...SUMMARY_READERS), v('query', summaryQuery), async (c) => {
    const user = currentUser(c);
    const s = await buildSummary(c, c.req.valid('query'));
    // Registered and audited like every document; the number closes the text so a copy can be traced.
    const { bytes, title } = await inTransaction(c, async (trx, audit, now) => {
      const doc = summaryDocument(s, { by: user.displayName, on: chineseDay(s.today) });
      const content = { figures: s.figures, paragraphs: s.paragraphs.map((p) => p.text), tables: doc.tables };
      const reg = await insertDocument(trx, { kind: 'annual_summary_docx', title: doc.title, orgUnitId: s.org.id, contentSha256: contentHash(content), createdBy: user.id, now });
      const bytes = await summaryDocx({ ...doc, footer: `${doc.footer}　文档编号：${reg.number}` });
      await completeDocument(trx, reg.id, createHash('sha256').update(bytes).digest('hex'), bytes.byteLength);
      await audit({ kind: 'export.downloaded', objectType: 'document', objectId: reg.number, orgUnitId: s.org.id, details: { number: reg.number, kind: 'annual_summary_docx', title: doc.title, format: 'docx' } });
      return { bytes, title: doc.title };
    });
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'content-disposition': attachment(`${title}.docx`),
      'cache-control': 'no-store',
    });
  });
