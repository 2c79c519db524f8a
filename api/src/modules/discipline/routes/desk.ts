// /api/discipline: the inspectors' desk, the people pick list, the form options, and 换届联审.
import { Hono } from 'hono';
import { z } from 'zod';
import { PERSON_CATEGORIES, SANCTION_SYSTEMS, TALK_KINDS, VIOLATIONS } from '@qingfeng/db';
import type { AppEnv } from '../../../context.ts';
import { allow, currentUser } from '../../../http/guard.ts';
import { isoDate, v } from '../../../http/validate.ts';
import { badRequest, notFound } from '../../../http/errors.ts';
import { deliverPdf } from '../../../pdf/deliver.ts';
import * as q from '../queries.ts';
import { ineligibility } from '../eligibility.ts';
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
const reviewQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647),
  on: isoDate,
  people: z
    .string()
    .max(20_000)
    .transform((s) => [...new Set(s.split(',').filter(Boolean).map(Number))])
    .refine((ids) => ids.length > 0 && ids.length <= 2000 && ids.every((n) => Number.isInteger(n) && n > 0 && n <= 2_147_483_647), '请选择 1–2000 名候选人'),
});

async function review(c: Parameters<typeof today>[0], f: z.infer<typeof reviewQuery>): Promise<CandidateReview> {
  const db = c.get('db');
  const org = await reportOrg(c, f.org);
  const people = await Promise.all(f.people.map((id) => q.findPerson(db, scopeOf(c), id)));
  if (people.some((p) => !p)) throw notFound('有候选人不存在');
  const reasons = await ineligibility(db, people.map((p) => ({ key: String(p!.id), personId: p!.id, on: f.on })));
  // The party work office sees the result only (domain.md §10).
  const detailed = currentUser(c).role !== 'org_office';
  return {
    org: { id: org.id, name: org.name },
    on: f.on,
    detailed,
    rows: people.map((p) => {
      const r = reasons.get(String(p!.id)) ?? [];
      return { personId: p!.id, name: p!.name, orgName: p!.org_name, eligible: r.length === 0, reasons: detailed ? r.map(reasonText) : [] };
    }),
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
  .get('/candidate-review', allow(...REVIEWERS), v('query', reviewQuery), async (c) => c.json(await review(c, c.req.valid('query'))))
  .get('/candidate-review.pdf', allow(...REVIEWERS), v('query', reviewQuery), async (c) => {
    const data = await review(c, c.req.valid('query'));
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
