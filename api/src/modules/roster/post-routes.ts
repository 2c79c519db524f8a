// Posts (任职): add, end, correct. org_office maintains them.
import { Hono } from 'hono';
import { z } from 'zod';
import { COMMITTEES, POST_HOW, type Committee, type Position } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow } from '../../http/guard.ts';
import { dbId, idParam, isoDate, v } from '../../http/validate.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimOrConflict, staleWrite, versionField } from '../../http/versioned.ts';
import { eligibilityProblems } from './eligibility.ts';
import { postProblems, type PostSpan, type RuleProblem } from './rules.ts';
import { READERS, rejected, scopeOf } from './route-helpers.ts';
import * as q from './queries.ts';

// ---- posts ----

const ALL_POSITIONS = ['secretary', 'deputy_secretary', 'director', 'deputy_director', 'member'] as const;
const endReason = z.string().trim().min(1, '请填写离任原因').max(100, '离任原因最多 100 个字符');
const postCreate = z
  .object({
    personId: dbId,
    termId: dbId,
    committee: z.enum(COMMITTEES),
    position: z.enum(ALL_POSITIONS),
    startDate: isoDate,
    endDate: isoDate.nullable().optional(),
    endReason: endReason.nullable().optional(),
    how: z.enum(POST_HOW),
    /** Written reason to add a person who is not eligible (domain.md §3); audited and marked on the post. */
    eligibilityOverride: z.string().trim().min(4, '特批理由至少 4 个字').max(500).optional(),
  })
  .strict();
const postEnd = z.object({ endDate: isoDate, endReason, version: versionField }).strict();
const postPatch = z
  .object({
    committee: z.enum(COMMITTEES),
    position: z.enum(ALL_POSITIONS),
    startDate: isoDate,
    endDate: isoDate.nullable(),
    endReason: endReason.nullable(),
    how: z.enum(POST_HOW),
    /** Why the record is corrected (shown in the 任职变动 history and the audit log). */
    reason: z.string().trim().min(1, '请填写更正原因').max(200, '更正原因最多 200 个字符'),
  })
  .partial()
  .extend({ version: versionField })
  .strict();
const postDelete = z.object({ reason: z.string().trim().min(1, '请填写删除原因').max(200, '删除原因最多 200 个字符') }).strict();

const CONFLICT_CODES = new Set(['second_secretary', 'second_director', 'overlapping_post']);
function refusePost(problems: readonly RuleProblem[], postId?: number): AppError {
  const error = rejected(problems, problems.every((p) => CONFLICT_CODES.has(p.code)) ? 409 : 400);
  // Ending a post on its start day: the client offers to delete the post instead.
  if (postId !== undefined && problems.some((p) => p.code === 'end_on_start_day')) return new AppError(error.status, 'end_on_start_day', error.message, { problems, postId });
  return error;
}

/** A post in API field names, for the 409 of a stale write. */
const postFields = (p: q.PostRow) => ({
  committee: p.committee,
  position: p.position,
  startDate: p.start_date,
  endDate: p.end_date,
  endReason: p.end_reason,
  how: p.how,
  version: p.version,
});

/** Locks the village's terms and checks a post against its term and the village's other posts. */
async function checkPost(trx: Parameters<typeof q.lockVillageTerms>[0], orgId: number, termId: number, span: Omit<PostSpan, 'termEndDate'>) {
  // (span.id is set when an existing post is corrected: a refusal then offers deleting it.)
  const terms = await q.lockVillageTerms(trx, orgId);
  const term = terms.find((t) => t.id === termId)!;
  const others = await q.villagePostSpans(trx, orgId);
  const full: PostSpan = { ...span, termEndDate: term.end_date };
  const problems = postProblems(full, { ordinal: term.ordinal, startDate: term.start_date, endDate: term.end_date }, others, await q.orgKindOf(trx, orgId));
  if (problems.length) throw refusePost(problems, span.id);
}

export const postRoutes = new Hono<AppEnv>()
  .get('/:id', allow(...READERS), v('param', idParam), async (c) => {
    const scope = scopeOf(c);
    const found = await q.findPostInScope(c.get('db'), scope, c.req.valid('param').id);
    if (!found) throw notFound('任职记录不存在');
    const term = (await q.findTermInScope(c.get('db'), scope, found.term_id))!;
    const org = (await q.findOrgInScope(c.get('db'), scope, found.org_unit_id))!;
    const { person_name, ...post } = found;
    return c.json({
      post,
      person: { id: found.person_id, name: person_name },
      term: { id: term.id, ordinal: term.ordinal, start_date: term.start_date, end_date: term.end_date },
      org: { id: org.id, name: org.name, kind: org.kind },
    });
  })
  .post('/', allow('org_office'), v('json', postCreate), async (c) => {
    const scope = scopeOf(c);
    const body = c.req.valid('json');
    const post = await inTransaction(c, async (trx, audit) => {
      const term = await q.findTermInScope(trx, scope, body.termId);
      if (!term) throw notFound('届次不存在');
      const person = await q.findPersonForWrite(trx, scope, body.personId);
      if (!person) throw notFound('人员不存在');
      const span = {
        personKey: String(person.id),
        personName: person.name,
        termId: term.id,
        committee: body.committee as Committee,
        position: body.position as Position,
        startDate: body.startDate,
        endDate: body.endDate ?? null,
      };
      await checkPost(trx, term.org_unit_id, term.id, span);
      // Eligibility (domain §3) plugs in here once sanctions exist: see eligibility.ts.
      const ineligible = (await eligibilityProblems(trx, [{ personId: person.id, personKey: String(person.id), startDate: body.startDate, personName: person.name }])).get(String(person.id));
      if (ineligible && !body.eligibilityOverride) throw rejected([ineligible]);
      const override = ineligible ? body.eligibilityOverride! : null;
      const created = await q.insertPost(trx, {
        person_id: person.id,
        org_unit_id: term.org_unit_id,
        term_id: term.id,
        committee: span.committee,
        position: span.position,
        start_date: span.startDate,
        end_date: span.endDate,
        end_reason: span.endDate === null ? null : (body.endReason ?? null),
        how: body.how,
        eligibility_override: override,
      });
      if (override)
        await audit({ kind: 'eligibility.overridden', objectType: 'post', objectId: created.id, orgUnitId: term.org_unit_id, details: { personId: person.id, name: person.name, on: body.startDate, reason: override } });
      await audit({
        kind: 'post.created',
        objectType: 'post',
        objectId: created.id,
        orgUnitId: term.org_unit_id,
        details: { personId: person.id, name: person.name, termId: term.id, committee: created.committee, position: created.position, startDate: created.start_date },
      });
      return created;
    });
    return c.json({ post }, 201);
  })
  .post('/:id/end', allow('org_office'), v('param', idParam), v('json', postEnd), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const post = await inTransaction(c, async (trx, audit) => {
      const found = await q.findPostInScope(trx, scope, id);
      if (!found) throw notFound('任职记录不存在');
      const terms = await q.lockVillageTerms(trx, found.org_unit_id);
      const current = (await q.findPostInScope(trx, scope, id))!;
      const { version, ...sent } = body;
      if (current.version !== version) throw staleWrite(current.version, postFields(current), sent);
      if (current.end_date !== null) throw conflict('already_ended', `该任职已于 ${current.end_date} 结束`);
      const term = terms.find((t) => t.id === current.term_id)!;
      const problems = postProblems(
        {
          id,
          personKey: String(current.person_id),
          personName: current.person_name,
          termId: term.id,
          committee: current.committee,
          position: current.position,
          startDate: current.start_date,
          endDate: body.endDate,
          termEndDate: term.end_date,
        },
        { ordinal: term.ordinal, startDate: term.start_date, endDate: term.end_date },
        [],
      );
      if (problems.length) throw refusePost(problems, id);
      await claimOrConflict(trx, 'post', id, version, postFields(current), sent);
      const updated = await q.updatePost(trx, id, { end_date: body.endDate, end_reason: body.endReason });
      await audit({
        kind: 'post.ended',
        objectType: 'post',
        objectId: id,
        orgUnitId: current.org_unit_id,
        details: { personId: current.person_id, name: current.person_name, committee: current.committee, position: current.position, endDate: body.endDate, endReason: body.endReason },
      });
      return updated;
    });
    return c.json({ post });
  })
  .patch('/:id', allow('org_office'), v('param', idParam), v('json', postPatch), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const post = await inTransaction(c, async (trx, audit) => {
      const found = await q.findPostInScope(trx, scope, id);
      if (!found) throw notFound('任职记录不存在');
      const { version, reason: _reason, ...sent } = body;
      // Stale before the village lock is taken: no need to wait for it.
      if (found.version !== version) throw staleWrite(found.version, postFields(found), sent);
      const span = {
        id,
        personKey: String(found.person_id),
        personName: found.person_name,
        termId: found.term_id,
        committee: (body.committee ?? found.committee) as Committee,
        position: (body.position ?? found.position) as Position,
        startDate: body.startDate ?? found.start_date,
        endDate: body.endDate === undefined ? found.end_date : body.endDate,
      };
      await checkPost(trx, found.org_unit_id, found.term_id, span);
      const endReasonValue = span.endDate === null ? null : body.endReason === undefined ? found.end_reason : body.endReason;
      const values = { committee: span.committee, position: span.position, start_date: span.startDate, end_date: span.endDate, end_reason: endReasonValue, how: body.how ?? found.how };
      const fields = (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== found[k]);
      if (fields.length === 0) return found;
      await claimOrConflict(trx, 'post', id, version, postFields(found), sent, async () => {
        const after = await q.findPostInScope(trx, scope, id);
        return after && postFields(after);
      });
      const updated = await q.updatePost(trx, id, values);
      // Before and after of each changed field (dates and codes only: nothing personal), for the history.
      const changes = Object.fromEntries(fields.map((k) => [k, { from: found[k], to: values[k] }]));
      await audit({
        kind: 'post.updated',
        objectType: 'post',
        objectId: id,
        orgUnitId: found.org_unit_id,
        details: { personId: found.person_id, name: found.person_name, committee: values.committee, position: values.position, fields, changes, ...(body.reason && { reason: body.reason }) },
      });
      return updated;
    });
    const { person_name: _n, ...rest } = post as typeof post & { person_name?: string };
    return c.json({ post: rest as q.PostRow });
  })
  .delete('/:id', allow('org_office'), v('param', idParam), v('json', postDelete), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const deleted = await inTransaction(c, async (trx, audit) => {
      const found = await q.findPostInScope(trx, scope, id);
      if (!found) throw notFound('任职记录不存在');
      await q.lockVillageTerms(trx, found.org_unit_id);
      await q.deletePost(trx, id);
      await audit({
        kind: 'post.deleted',
        objectType: 'post',
        objectId: id,
        orgUnitId: found.org_unit_id,
        details: {
          personId: found.person_id,
          name: found.person_name,
          termId: found.term_id,
          committee: found.committee,
          position: found.position,
          startDate: found.start_date,
          endDate: found.end_date,
          reason,
        },
      });
      return { id, personId: found.person_id, personName: found.person_name, orgUnitId: found.org_unit_id };
    });
    return c.json({ deleted });
  });
