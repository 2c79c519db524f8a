// Terms (届次) of a village's committees. Reads are open to every role within its scope; admin and
// org_office maintain terms (domain.md §10).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow } from '../../http/guard.ts';
import { dbId, idParam, isoDate, v } from '../../http/validate.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimVersion, staleWrite, versionField } from '../../http/versioned.ts';
import { isVillageKind } from '../orgs/rules.ts';
import { clipToTerm, positionLabel, TERM_END_REASON, termAdjustments, termProblems } from './rules.ts';
import { latePostsMessage } from './import.ts';
import { asOfQuery, READERS, rejected, scopeOf, today, withSuggestion } from './route-helpers.ts';
import * as q from './queries.ts';

// ---- terms ----

/** Links for the posts a refusal names (the web opens their correction pages). */
const postRefs = (posts: readonly { id: number; org_unit_id: number; person_name: string }[]) => posts.map((p) => ({ kind: 'post' as const, id: p.id, label: p.person_name, orgId: p.org_unit_id }));

const termCreate = z
  .object({ orgUnitId: dbId, ordinal: z.number().int().min(1).max(999), electionDate: isoDate, startDate: isoDate, endDate: isoDate.nullable().optional() })
  .strict();
const termPatch = z
  .object({ ordinal: z.number().int().min(1).max(999), electionDate: isoDate, startDate: isoDate, endDate: isoDate.nullable() })
  .partial()
  .extend({ version: versionField })
  .strict();

export const termRoutes = new Hono<AppEnv>()
  .get('/:id', allow(...READERS), v('param', idParam), async (c) => {
    const term = await q.findTermInScope(c.get('db'), scopeOf(c), c.req.valid('param').id);
    if (!term) throw notFound('届次不存在');
    const { org_path: _p, ...rest } = term;
    return c.json({ term: withSuggestion(rest) });
  })
  .get('/:id/roster', allow(...READERS), v('param', idParam), v('query', asOfQuery), async (c) => {
    const scope = scopeOf(c);
    const term = await q.findTermInScope(c.get('db'), scope, c.req.valid('param').id);
    if (!term) throw notFound('届次不存在');
    const asOf = clipToTerm(c.req.valid('query').asOf ?? today(c), { startDate: term.start_date, endDate: term.end_date });
    return c.json((await q.getTermRoster(c.get('db'), scope, term.id, asOf))!);
  })
  .post('/', allow('admin', 'org_office'), v('json', termCreate), async (c) => {
    const scope = scopeOf(c);
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx, audit) => {
      const org = await q.findOrgInScope(trx, scope, body.orgUnitId);
      if (!org) throw notFound('组织不存在');
      if (!isVillageKind(org.kind)) throw badRequest('not_village', '只有村、社区设两委届次');
      if (!org.active) throw badRequest('org_inactive', `“${org.name}”已停用，不能新增届次`);
      await q.lockOrgs(trx, [org.id]);
      const others = (await q.lockVillageTerms(trx, org.id)).map(q.toTermSpan);
      const wanted = { ordinal: body.ordinal, electionDate: body.electionDate, startDate: body.startDate, endDate: body.endDate ?? null };
      const adj = termAdjustments(wanted, others);
      const span = { ...wanted, endDate: adj.endDate };
      const problems = termProblems(span, others);
      if (problems.length) throw rejected(problems, problems.some((p) => p.code === 'duplicate_ordinal' || p.code === 'term_overlap') ? 409 : 400);
      let closedPrevious: { id: number; ordinal: number; endDate: string; postsEnded: number } | null = null;
      if (adj.closePrevious) {
        const prev = adj.closePrevious;
        const late = await q.postsOutside(trx, prev.id!, prev.startDate, span.startDate);
        if (late.length)
          throw conflict('posts_after_new_term', latePostsMessage(org.name, prev.ordinal, span.ordinal, span.startDate, late), { posts: postRefs(late) });
        const postsEnded = await q.closeTerm(trx, prev.id!, span.startDate, TERM_END_REASON);
        closedPrevious = { id: prev.id!, ordinal: prev.ordinal, endDate: span.startDate, postsEnded };
      }
      const term = await q.insertTerm(trx, { orgUnitId: org.id, ...span });
      await audit({
        kind: 'term.created',
        objectType: 'term',
        objectId: term.id,
        orgUnitId: org.id,
        details: { ordinal: term.ordinal, startDate: term.start_date, ...(closedPrevious && { closedPreviousTermId: closedPrevious.id, postsEnded: closedPrevious.postsEnded }) },
      });
      return { term: withSuggestion(term), closedPrevious };
    });
    return c.json(result, 201);
  })
  .patch('/:id', allow('admin', 'org_office'), v('param', idParam), v('json', termPatch), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await inTransaction(c, async (trx, audit) => {
      const found = await q.findTermInScope(trx, scope, id);
      if (!found) throw notFound('届次不存在');
      await q.lockOrgs(trx, [found.org_unit_id]);
      const locked = await q.lockVillageTerms(trx, found.org_unit_id);
      const all = locked.map(q.toTermSpan);
      const current = all.find((t) => t.id === id)!;
      const others = all.filter((t) => t.id !== id);
      const { version, ...sent } = body;
      // Read under the village's lock (FOR UPDATE): the committed version, so the check is exact.
      const seen = { ...current, version: locked.find((t) => t.id === id)!.version };
      if (seen.version !== version) throw staleWrite(seen.version, seen, sent);
      const span = {
        id,
        ordinal: body.ordinal ?? current.ordinal,
        electionDate: body.electionDate ?? current.electionDate,
        startDate: body.startDate ?? current.startDate,
        endDate: body.endDate === undefined ? current.endDate : body.endDate,
      };
      const problems = termProblems(span, others);
      if (problems.length) throw rejected(problems, problems.some((p) => p.code === 'duplicate_ordinal' || p.code === 'term_overlap') ? 409 : 400);
      const outside = await q.postsOutside(trx, id, span.startDate, span.endDate);
      if (outside.length)
        throw conflict(
          'posts_outside_term',
          `有 ${outside.length} 条任职将落在届期之外：${outside.slice(0, 10).map((p) => `${p.person_name}（${positionLabel(p.committee, p.position)}，${p.start_date}${p.end_date ? `至${p.end_date}` : '起'}）`).join('、')}${outside.length > 10 ? '等' : ''}。请先更正这些任职的日期`,
          { posts: postRefs(outside) },
        );
      if (!(await claimVersion(trx, 'term', id, version))) throw staleWrite(seen.version, seen, sent);
      const term = await q.updateTerm(trx, id, span);
      // An end date set now ends the term's open posts with it (届满), as a new term does.
      const postsEnded = current.endDate === null && span.endDate !== null ? await q.closeTerm(trx, id, span.endDate, TERM_END_REASON) : 0;
      const fields = (['ordinal', 'electionDate', 'startDate', 'endDate'] as const).filter((k) => span[k] !== current[k]);
      await audit({ kind: 'term.updated', objectType: 'term', objectId: id, orgUnitId: found.org_unit_id, details: { ordinal: span.ordinal, fields, ...(postsEnded && { postsEnded }) } });
      return { term: withSuggestion(term), postsEnded };
    });
    return c.json(result);
  });

