// /api/reports/integrity and /api/reports/four-forms (mounted beside the reports module's own routes),
// each figure with its drill-down list of the records it counts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../context.ts';
import { allow } from '../../../http/guard.ts';
import { pagination, v } from '../../../http/validate.ts';
import { childOrgs } from '../queries.ts';
import { figureRecords, fourFormsBreakdown, integrityFigures, yearPeriod, type FourFormsRow } from '../figures.ts';
import { FIGURE_LABELS, FORMS, FORM_LABELS, fourFormsFigures, INTEGRITY_FIGURES, integritySentence, sentenceText, talkForm, sanctionForm, type FourForm } from '../rules.ts';
import { orgQuery, period, periodQuery, READERS, reportScope, today } from '../shared.ts';

const year = z.coerce.number().int().min(1990).max(2200);
const integrityQuery = z.object({ org: orgQuery, year: year.optional() });


/** The classification table the page prints under the chart: which record goes to which form, and why. */
function formRules() {
  const talks = (['reminder', 'admonishment', 'warning_talk', 'inquiry_letter'] as const).map((k) => talkForm(k));
  const sanctions = [
    sanctionForm({ system: 'party', type: 'warning', criminalReferral: false }),
    sanctionForm({ system: 'government', type: 'demotion', criminalReferral: false }),
    sanctionForm({ system: 'organizational', type: 'removal', criminalReferral: false }),
    sanctionForm({ system: 'party', type: 'expulsion', criminalReferral: false }),
    sanctionForm({ system: 'government', type: 'dismissal', criminalReferral: false }),
    sanctionForm({ system: 'party', type: 'warning', criminalReferral: true }),
  ];
  return FORMS.map((form) => ({ form, label: FORM_LABELS[form], examples: [...talks, ...sanctions].filter((r) => r.form === form).map((r) => r.rule) }));
}

const withShares = (r: FourFormsRow) => ({ key: r.key, ...fourFormsFigures(r) });

export const disciplineReportRoutes = new Hono<AppEnv>()
  .get('/integrity', allow(...READERS), v('query', integrityQuery), async (c) => {
    const f = c.req.valid('query');
    const org = await reportScope(c, f.org);
    const y = f.year ?? Number(today(c).slice(0, 4));
    const figures = await integrityFigures(c.get('reportDb'), yearPeriod(org.path, y));
    const parts = integritySentence(figures);
    return c.json({ org: { id: org.id, name: org.name }, year: y, figures, sentence: sentenceText(parts), sentenceParts: parts, labels: FIGURE_LABELS });
  })
  .get('/integrity/records', allow(...READERS), v('query', integrityQuery.extend({ year, figure: z.enum(INTEGRITY_FIGURES), ...pagination })), async (c) => {
    const f = c.req.valid('query');
    const org = await reportScope(c, f.org);
    const list = await figureRecords(c.get('reportDb'), yearPeriod(org.path, f.year), f.figure, f.page, f.pageSize);
    return c.json({ org: { id: org.id, name: org.name }, year: f.year, figure: f.figure, label: FIGURE_LABELS[f.figure], ...list });
  })
  .get('/four-forms', allow(...READERS), v('query', z.object(periodQuery)), async (c) => {
    const f = c.req.valid('query');
    const org = await reportScope(c, f.org);
    const { from, to } = period(c, f);
    const db = c.get('reportDb');
    const [b, children] = await Promise.all([fourFormsBreakdown(db, { orgPath: org.path, from, to }), childOrgs(db, org.id)]);
    const byKey = new Map(b.byOrg.map((r) => [r.key, r]));
    const zero = (key: string): FourFormsRow => ({ key, first: 0, second: 0, third: 0, fourth: 0 });
    const byOrg = [
      ...(byKey.has('') ? [{ orgId: org.id, orgName: `${org.name}（本级）`, ...withShares(byKey.get('')!) }] : []),
      ...children.map((ch) => ({ orgId: ch.id, orgName: ch.name, ...withShares(byKey.get(String(ch.id)) ?? zero(String(ch.id))) })),
    ];
    return c.json({ org: { id: org.id, name: org.name }, from, to, total: fourFormsFigures(b.total), byMonth: b.byMonth.map(withShares), byOrg, rules: formRules() });
  })
  .get('/four-forms/records', allow(...READERS), v('query', z.object({ ...periodQuery, form: z.enum(FORMS as unknown as [FourForm, ...FourForm[]]), ...pagination })), async (c) => {
    const f = c.req.valid('query');
    const org = await reportScope(c, f.org);
    const { from, to } = period(c, f);
    const list = await figureRecords(c.get('reportDb'), { orgPath: org.path, from, to }, `fourForms.${f.form}`, f.page, f.pageSize);
    return c.json({ org: { id: org.id, name: org.name }, from, to, form: f.form, label: FORM_LABELS[f.form], ...list });
  });
