// Items (议题): create on a meeting, read with everything the item page shows, edit while open,
// opinions in speaking order, recusals, 四议两公开 steps, disclosures, closing, and amendments after
// closing. Every write recomputes the item's flags in the same transaction.
import { Hono } from 'hono';
import { z } from 'zod';
import { DECISION_CATEGORIES, DECISION_STEPS, OPINIONS, OUTCOMES, VOTING_METHODS } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { dbId, idParam, isoDate, v } from '../../http/validate.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { apiNames, claimOrConflict, versionField } from '../../http/versioned.ts';
import { isVillageKind } from '../orgs/rules.ts';
import { DECISION_READERS, DECISION_WRITERS, frozenProblem, opinionListProblem, STEP_LABELS } from './rules.ts';
import { scopeOf } from './meetings.ts';
import * as q from './queries.ts';

const text = (max: number) => z.string().trim().max(max, `最多 ${max} 个字符`);
const count = z.number().int().min(0).max(100_000).nullable();
/** Up to 1,000 亿元 in fen: far beyond any village or subdistrict item, well inside a safe integer. */
const amountFen = z.number().int().min(0).max(10_000_000_000_000).nullable();

const itemFields = {
  category: z.enum(DECISION_CATEGORIES),
  title: z.string().trim().min(1, '议题名称不能为空').max(200, '议题名称最多 200 个字符'),
  summary: text(4000),
  amountFen,
  proposer: text(40),
  motionReason: text(2000),
  votingMethod: z.enum(VOTING_METHODS).nullable(),
  votesFor: count,
  votesAgainst: count,
  votesAbstain: count,
  outcome: z.enum(OUTCOMES).nullable(),
  implementationResult: text(4000),
  implementationDate: isoDate.nullable(),
  deferredFromItemId: dbId.nullable(),
};
const itemCreate = z
  .object({ meetingId: dbId, ...itemFields })
  .partial()
  .required({ meetingId: true, category: true, title: true })
  .strict();
const itemPatch = z.object(itemFields).partial().strict();
type ItemInput = z.infer<typeof itemPatch>;
const itemPatchVersioned = itemPatch.extend({ version: versionField }).strict();

/** After closing only these may still be filled in (the trigger allows the same). */
const OPEN_AFTER_CLOSING = new Set(['implementationResult', 'implementationDate']);

function toValues(b: ItemInput): Partial<q.ItemValues> {
  const out: Partial<q.ItemValues> = {};
  if (b.category !== undefined) out.category = b.category;
  if (b.title !== undefined) out.title = b.title;
  if (b.summary !== undefined) out.summary = b.summary;
  if (b.amountFen !== undefined) out.amount_fen = b.amountFen;
  if (b.proposer !== undefined) out.proposer = b.proposer;
  if (b.motionReason !== undefined) out.motion_reason = b.motionReason;
  if (b.votingMethod !== undefined) out.voting_method = b.votingMethod;
  if (b.votesFor !== undefined) out.votes_for = b.votesFor;
  if (b.votesAgainst !== undefined) out.votes_against = b.votesAgainst;
  if (b.votesAbstain !== undefined) out.votes_abstain = b.votesAbstain;
  if (b.outcome !== undefined) out.outcome = b.outcome;
  if (b.implementationResult !== undefined) out.implementation_result = b.implementationResult;
  if (b.implementationDate !== undefined) out.implementation_date = b.implementationDate;
  if (b.deferredFromItemId !== undefined) out.deferred_from_item_id = b.deferredFromItemId;
  return out;
}

async function checkDeferredFrom(trx: Parameters<typeof q.findDeferredItem>[0], scopePath: string, id: number, self: { orgUnitId: number; heldOn: string; itemId?: number }) {
  const earlier = await q.findDeferredItem(trx, scopePath, id);
  if (!earlier || earlier.id === self.itemId) throw notFound('被缓议的原议题不存在');
  if (earlier.outcome !== 'deferred') throw badRequest('not_deferred', '所选原议题不是“缓议”，不能续议');
  if (earlier.org_unit_id !== self.orgUnitId) throw badRequest('other_org', '续议的议题应与原议题属于同一组织');
  if (earlier.held_on > self.heldOn) throw badRequest('deferred_later', '续议的会议不能早于原议题的会议');
  if (await q.hasContinuation(trx, id)) throw conflict('already_continued', '该缓议议题已在其他会议续议，一个议题只能续议一次');
}

const opinionsBody = z
  .object({ opinions: z.array(z.object({ memberId: dbId, opinion: z.enum(OPINIONS), remark: text(500).optional() }).strict()).max(300) })
  .strict();
const recusalsBody = z
  .object({ recusals: z.array(z.object({ memberId: dbId, reason: z.string().trim().min(1, '请填写回避理由').max(200) }).strict()).max(300) })
  .strict();
const stepParam = z.object({ id: idParam.shape.id, step: z.enum(DECISION_STEPS) });
const stepBody = z
  .object({
    heldOn: isoDate,
    expected: count.optional(),
    present: count.optional(),
    votesFor: count.optional(),
    content: text(4000).optional(),
    signedBy: text(200).optional(),
    merged: z.boolean().optional(),
  })
  .strict()
  .refine((s) => s.present == null || s.expected == null || s.present <= s.expected, { message: '实到人数不能多于应到人数', path: ['present'] });
const disclosureBody = z
  .object({ disclosedOn: isoDate, form: z.string().trim().min(1, '请填写公开形式').max(60), location: text(200).optional() })
  .strict();
const amendmentBody = z
  .object({
    subject: z.string().trim().min(1, '请填写更正事项').max(100),
    correction: z.string().trim().min(1, '请填写更正内容').max(2000),
    reason: z.string().trim().min(1, '请填写更正理由').max(1000),
  })
  .strict();

/** The item, locked for the write; 404 outside the scope. */
async function itemForWrite(trx: Parameters<typeof q.findItemForWrite>[0], scopePath: string, id: number) {
  const item = await q.findItemForWrite(trx, scopePath, id);
  if (!item) throw notFound('议题不存在');
  return item;
}
function refuseFrozen(item: { closed_at: Date | null }) {
  const problem = frozenProblem(item.closed_at);
  if (problem) throw conflict('frozen', problem);
}

export const itemRoutes = new Hono<AppEnv>()
  .post('/', allow(...DECISION_WRITERS), v('json', itemCreate), async (c) => {
    const body = c.req.valid('json');
    const user = currentUser(c);
    const id = await inTransaction(c, async (trx, audit, now) => {
      const m = await q.findMeetingForWrite(trx, user.orgPath, body.meetingId);
      if (!m) throw notFound('会议不存在');
      if (body.deferredFromItemId != null) await checkDeferredFrom(trx, user.orgPath, body.deferredFromItemId, { orgUnitId: m.org_unit_id, heldOn: m.held_on });
      const values = toValues(body);
      const id = await q.insertItem(
        trx,
        m,
        {
          summary: '',
          amount_fen: null,
          proposer: '',
          motion_reason: '',
          voting_method: null,
          votes_for: null,
          votes_against: null,
          votes_abstain: null,
          outcome: null,
          implementation_result: '',
          implementation_date: null,
          deferred_from_item_id: null,
          ...values,
          category: body.category,
          title: body.title,
        },
        user.id,
        now,
      );
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.item_created', objectType: 'decision_item', objectId: id, orgUnitId: m.org_unit_id, details: { meetingId: m.id, category: body.category, title: body.title } });
      return id;
    });
    return c.json((await q.getItem(c.get('db'), user.orgPath, id))!, 201);
  })
  .get('/:id', allow(...DECISION_READERS), v('param', idParam), async (c) => {
    const found = await q.getItem(c.get('db'), scopeOf(c), c.req.valid('param').id);
    if (!found) throw notFound('议题不存在');
    return c.json(found);
  })
  .patch('/:id', allow(...DECISION_WRITERS), v('param', idParam), v('json', itemPatchVersioned), async (c) => {
    const { id } = c.req.valid('param');
    const { version, ...body } = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      await claimOrConflict(trx, 'decision_item', id, version, apiNames(item) as { version: number }, body);
      const fields = Object.keys(body);
      if (item.closed_at && fields.some((f) => !OPEN_AFTER_CLOSING.has(f))) refuseFrozen(item);
      if (body.deferredFromItemId != null) {
        const meeting = (await q.findMeetingForWrite(trx, scopeOf(c), item.meeting_id))!;
        await checkDeferredFrom(trx, scopeOf(c), body.deferredFromItemId, { orgUnitId: item.org_unit_id, heldOn: meeting.held_on, itemId: id });
      }
      await q.updateItem(trx, id, toValues(body), now);
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.item_updated', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { fields } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .delete('/:id', allow(...DECISION_WRITERS), v('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      if (item.closed_at) throw conflict('frozen', '该议题已关闭，不能删除');
      // A deferred item continued at a later meeting keeps its successor's link valid.
      if (await q.hasContinuation(trx, id)) throw conflict('in_use', '该缓议议题已在后续会议续议，不能删除');
      await q.deleteItem(trx, id);
      await audit({ kind: 'decision.item_deleted', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { title: item.title } });
    });
    return c.json({ ok: true as const });
  })
  .put('/:id/opinions', allow(...DECISION_WRITERS), v('param', idParam), v('json', opinionsBody), async (c) => {
    const { id } = c.req.valid('param');
    const { opinions } = c.req.valid('json');
    const problem = opinionListProblem(opinions.map((o) => o.memberId));
    if (problem) throw badRequest('duplicate_member', problem);
    await inTransaction(c, async (trx, audit) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      refuseFrozen(item);
      const ids = await q.memberIdsOfMeeting(trx, item.meeting_id);
      if (opinions.some((o) => !ids.has(o.memberId))) throw badRequest('not_a_member', '表态人员必须在本次会议名单中');
      await q.replaceOpinions(trx, id, opinions.map((o) => ({ memberId: o.memberId, opinion: o.opinion, remark: o.remark ?? '' })));
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.opinions_updated', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { count: opinions.length } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .put('/:id/recusals', allow(...DECISION_WRITERS), v('param', idParam), v('json', recusalsBody), async (c) => {
    const { id } = c.req.valid('param');
    const { recusals } = c.req.valid('json');
    const problem = opinionListProblem(recusals.map((o) => o.memberId));
    if (problem) throw badRequest('duplicate_member', '同一人员不能重复登记回避');
    await inTransaction(c, async (trx, audit) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      refuseFrozen(item);
      const ids = await q.memberIdsOfMeeting(trx, item.meeting_id);
      if (recusals.some((o) => !ids.has(o.memberId))) throw badRequest('not_a_member', '回避人员必须在本次会议名单中');
      await q.replaceRecusals(trx, id, recusals);
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.recusals_updated', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { count: recusals.length } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .post('/:id/close', allow(...DECISION_WRITERS), v('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    const user = currentUser(c);
    await inTransaction(c, async (trx, audit, now) => {
      const item = await itemForWrite(trx, user.orgPath, id);
      if (item.closed_at) throw conflict('already_closed', '该议题已关闭');
      if (!item.outcome) throw badRequest('outcome_required', '请先登记表决结果（通过、未通过或缓议）再关闭议题');
      await q.closeItem(trx, id, user.id, now);
      await audit({ kind: 'decision.item_closed', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { outcome: item.outcome, flags: item.flags.map((f) => f.rule) } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .post('/:id/amendments', allow(...DECISION_WRITERS), v('param', idParam), v('json', amendmentBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const user = currentUser(c);
    await inTransaction(c, async (trx, audit, now) => {
      const item = await itemForWrite(trx, user.orgPath, id);
      if (!item.closed_at) throw badRequest('not_closed', '议题尚未关闭，可直接修改；关闭后的更正才需添加更正记录');
      const aid = await q.insertAmendment(trx, id, body, user, now);
      await audit({ kind: 'decision.amendment_added', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { amendmentId: aid, subject: body.subject } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!, 201);
  })
  .put('/:id/steps/:step', allow(...DECISION_WRITERS), v('param', stepParam), v('json', stepBody), async (c) => {
    const { id, step } = c.req.valid('param');
    const body = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      if (!isVillageKind(item.org_kind)) throw badRequest('not_village', '“四议两公开”只适用于村(社区)议题');
      if (body.merged && step !== 'proposal') throw badRequest('merge_on_proposal', '合并只能登记在“党组织提议”一步（与两委商议合并进行）');
      await q.upsertStep(
        trx,
        id,
        step,
        {
          held_on: body.heldOn,
          expected: body.expected ?? null,
          present: body.present ?? null,
          votes_for: body.votesFor ?? null,
          content: body.content ?? '',
          signed_by: body.signedBy ?? '',
          merged: body.merged ?? false,
        },
        now,
      );
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.step_saved', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { step, label: STEP_LABELS[step], heldOn: body.heldOn } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .delete('/:id/steps/:step', allow(...DECISION_WRITERS), v('param', stepParam), async (c) => {
    const { id, step } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      if (!(await q.deleteStep(trx, id, step))) throw notFound('该步骤尚未登记');
      await q.refreshFlags(trx, [id]);
      await audit({ kind: 'decision.step_deleted', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { step } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  })
  .post('/:id/disclosures', allow(...DECISION_WRITERS), v('param', idParam), v('json', disclosureBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      const did = await q.insertDisclosure(trx, id, { disclosed_on: body.disclosedOn, form: body.form, location: body.location ?? '' }, now);
      await audit({ kind: 'decision.disclosure_added', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { disclosureId: did, disclosedOn: body.disclosedOn, form: body.form } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!, 201);
  })
  .delete('/:id/disclosures/:disclosureId', allow(...DECISION_WRITERS), v('param', z.object({ id: idParam.shape.id, disclosureId: idParam.shape.id })), async (c) => {
    const { id, disclosureId } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const item = await itemForWrite(trx, scopeOf(c), id);
      if (!(await q.deleteDisclosure(trx, id, disclosureId))) throw notFound('公开记录不存在');
      await audit({ kind: 'decision.disclosure_deleted', objectType: 'decision_item', objectId: id, orgUnitId: item.org_unit_id, details: { disclosureId } });
    });
    return c.json((await q.getItem(c.get('db'), scopeOf(c), id))!);
  });
