// /api/discipline: the inspectors' desk, the people pick list, the form options, and 换届联审.
import { Hono } from 'hono';
import { z } from 'zod';
import { PERSON_CATEGORIES, SANCTION_SYSTEMS, TALK_KINDS, VIOLATIONS } from '@qingfeng/db';
import type { AppEnv } from '../../../context.ts';
import { allow, currentUser } from '../../../http/guard.ts';
import { isoDate, pagination, v } from '../../../http/validate.ts';
import { badRequest, notFound } from '../../../http/errors.ts';
import { deliverPdf } from '../../../pdf/deliver.ts';
import * as q from '../queries.ts';
import { candidateReview } from '../eligibility.ts';
import {
  addDays,
  addWorkingDays,
  PERSON_CATEGORY_LABELS,
  reasonText,
  replyState,
  sanctionLabel,
  SANCTION_STATUS_LABELS,
  SANCTION_SYSTEM_LABELS,
  SANCTION_TYPE_LABELS,
  TALK_KIND_LABELS,
  VIOLATION_LABELS,
} from '../rules.ts';
import { READERS, reportOrg, scopeOf, today } from '../shared.ts';
import { drawCandidateReview, reviewTitle, type CandidateReview } from '../review-pdf.ts';

const REVIEWERS = ['inspector', 'auditor', 'org_office'] as const;
/** A candidate list of up to this many people is reviewed in one statement (the benchmark's province-scale list). */
export const REVIEW_MAX_PEOPLE = 10_000;
const reviewQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647),
  on: isoDate,
  people: z
    .string()
    .max(REVIEW_MAX_PEOPLE * 11)
    .transform((s) => [...new Set(s.split(',').filter(Boolean).map(Number))])
    .refine((ids) => ids.length > 0 && ids.length <= REVIEW_MAX_PEOPLE && ids.every((n) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647), `请选择 1–${REVIEW_MAX_PEOPLE} 名候选人`),
});

/** The review of a candidate list: one page of rows (`paged` null: every row, for the PDF) and the counts over all. */
async function review(c: Parameters<typeof today>[0], f: z.infer<typeof reviewQuery>, paged: { page: number; pageSize: number } | null): Promise<CandidateReview> {
  const db = c.get('db');
  const org = await reportOrg(c, f.org);
  const r = await candidateReview(db, scopeOf(c), f.people, f.on, paged && { limit: paged.pageSize, offset: (paged.page - 1) * paged.pageSize });
  if (r.total < r.asked) throw notFound('有候选人不存在');
  // The party work office sees the result only (domain.md §10).
  const detailed = currentUser(c).role !== 'org_office';
  return {
    org: { id: org.id, name: org.name },
    on: f.on,
    detailed,
    total: r.total,
    ineligible: r.ineligible,
    page: paged?.page ?? 1,
    pageSize: paged?.pageSize ?? r.total,
    rows: r.rows.map((p) => ({ personId: p.personId, name: p.name, orgName: p.orgName, eligible: p.reasons.length === 0, reasons: detailed ? p.reasons.map(reasonText) : [] })),
  };
}

export const deskRoutes = new Hono<AppEnv>()
  .get('/options', allow(...READERS, 'org_office'), (c) =>
    c.json({
      talkKinds: TALK_KINDS.map((value) => ({ value, label: TALK_KIND_LABELS[value] })),
      systems: SANCTION_SYSTEMS.map((value) => ({ value, label: SANCTION_SYSTEM_LABELS[value], types: Object.entries(SANCTION_TYPE_LABELS[value]).map(([t, label]) => ({ value: t, label })) })),
      violations: VIOLATIONS.map((value) => ({ value, label: VIOLATION_LABELS[value] })),
      categories: PERSON_CATEGORIES.map((value) => ({ value, label: PERSON_CATEGORY_LABELS[value] })),
      statuses: Object.entries(SANCTION_STATUS_LABELS).map(([value, label]) => ({ value, label })),
    }),
  )
  .get('/people', allow(...READERS), v('query', z.object({ search: z.string().trim().min(1).max(40) })), async (c) => {
    return c.json({ items: await q.searchPeople(c.get('db'), scopeOf(c), c.req.valid('query').search) });
  })
  .get('/desk', allow(...READERS), async (c) => {
    const db = c.get('db');
    const day = today(c);
    const settings = await q.loadDisciplineSettings(db);
    const until = addDays(day, 30);
    const dueUntil = addWorkingDays(day, 5, settings.calendar);
    const d = await q.deskItems(db, scopeOf(c), day, until, dueUntil);
    return c.json({
      today: day,
      until,
      dueUntil,
      ending: d.ending.map((s) => ({ id: s.id, personId: s.person_id, personName: s.person_name, orgName: s.org_name, label: sanctionLabel(s.system, s.type, s.probation_months), influenceEnd: s.influence_end! })),
      admonishments: d.admonishments.map((t) => ({ id: t.id, personId: t.subject_person_id, personName: t.subject_name, orgName: t.org_name, date: t.talk_date, influenceEnd: t.influence_end! })),
      replies: d.replies.map((t) => ({
        id: t.id,
        personId: t.subject_person_id,
        personName: t.subject_name,
        orgName: t.org_name,
        date: t.talk_date,
        dueDate: t.reply_due_date!,
        ...replyState({ replyDate: t.reply_date, replyDueDate: t.reply_due_date }, day, settings.calendar),
      })),
    });
  })
  .get('/candidates', allow(...REVIEWERS), v('query', z.object({ org: z.coerce.number().int().positive().max(2_147_483_647), on: isoDate.optional() })), async (c) => {
    const f = c.req.valid('query');
    const org = await reportOrg(c, f.org);
    if (org.kind !== 'village' && org.kind !== 'community') throw badRequest('not_village', '请选择村或社区');
    return c.json({ org: { id: org.id, name: org.name }, items: await q.villageCandidates(c.get('db'), scopeOf(c), org.id, f.on ?? today(c)) });
  })
  .get('/candidate-review', allow(...REVIEWERS), v('query', reviewQuery.extend(pagination)), async (c) => {
    const f = c.req.valid('query');
    return c.json(await review(c, f, { page: f.page, pageSize: f.pageSize }));
  })
  .get('/candidate-review.pdf', allow(...REVIEWERS), v('query', reviewQuery), async (c) => {
    const data = await review(c, c.req.valid('query'), null);
    return deliverPdf(c, {
      kind: 'candidate_review',
      title: reviewTitle(data),
      orgUnitId: data.org.id,
      orgName: data.org.name,
      fileName: `换届联审-${data.org.name}-${data.on}`,
      content: { document: 'candidate_review', ...data },
      draw: (pdf) => drawCandidateReview(pdf, data),
    });
  });
