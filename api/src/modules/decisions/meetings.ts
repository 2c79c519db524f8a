// Meetings (会议): list, create (应到 prefilled from the roster), read, edit, delete, and the 应到/列席
// list with attendance. org_office records the subdistrict and all villages; a secretary only their
// own village (their scope); inspectors, auditors and admins read (domain.md §10).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ATTENDANCE, DECISION_CATEGORIES, MEETING_KINDS, MEMBER_ROLES } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../http/validate.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { apiNames, claimOrConflict, versionField } from '../../http/versioned.ts';
import { DECISION_READERS, DECISION_WRITERS, MEETING_KIND_LABELS, meetingKindsFor } from './rules.ts';
import * as q from './queries.ts';


export const scopeOf = (c: Context<AppEnv>) => currentUser(c).orgPath;

export const frozenError = () => conflict('frozen', '该会议已有议题关闭，出席情况和会议信息已冻结；如需更正，请在议题中添加更正记录并说明理由');

const text = (max: number) => z.string().trim().max(max, `最多 ${max} 个字符`);
const heldTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM')
  .nullable()
  .optional();

const meetingFields = {
  orgUnitId: dbId,
  kind: z.enum(MEETING_KINDS),
  heldOn: isoDate,
  heldTime,
  place: text(100).optional(),
  chair: text(40).optional(),
  recorder: text(40).optional(),
  notes: text(2000).optional(),
};
const meetingCreate = z.object(meetingFields).strict();
const meetingPatch = z.object(meetingFields).omit({ orgUnitId: true }).partial().extend({ version: versionField }).strict();

const memberInput = z
  .object({
    id: dbId.optional(),
    personId: dbId.nullable().optional(),
    name: z.string().trim().min(1, '姓名不能为空').max(40, '姓名最多 40 个字符'),
    title: text(60).optional(),
    role: z.enum(MEMBER_ROLES),
    isPrincipal: z.boolean().optional(),
    attendance: z.enum(ATTENDANCE).nullable().optional(),
    absenceReason: text(200).optional(),
  })
  .strict();
const membersBody = z.object({ members: z.array(memberInput).max(300, '最多 300 人') }).strict();

const listQuery = z.object({
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  year: z.coerce.number().int().min(1949).max(2100).optional(),
  kind: z.enum(MEETING_KINDS).optional(),
  category: z.enum(DECISION_CATEGORIES).optional(),
  flagged: z.enum(['yes', 'no']).optional(),
  ...pagination,
});

async function checkKind(orgKind: Parameters<typeof meetingKindsFor>[0], kind: (typeof MEETING_KINDS)[number]) {
  if (!meetingKindsFor(orgKind).includes(kind))
    throw badRequest('kind_not_allowed', `该组织不能召开“${MEETING_KIND_LABELS[kind]}”（街道为党工委会议，村(社区)为村党组织会议、两委联席会议、党员大会、村民(代表)会议）`);
}

export const meetingRoutes = new Hono<AppEnv>()
  .get('/', allow(...DECISION_READERS), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const db = c.get('db');
    let orgPath = scopeOf(c);
    if (f.org !== undefined) {
      const org = await q.findOrg(db, orgPath, f.org);
      if (!org) throw notFound('组织不存在');
      orgPath = org.path;
    }
    return c.json(
      await q.listMeetings(db, {
        orgPath,
        year: f.year,
        kind: f.kind,
        category: f.category,
        flagged: f.flagged === undefined ? undefined : f.flagged === 'yes',
        page: f.page,
        pageSize: f.pageSize,
      }),
    );
  })
  /** What the 应到 list would be on a date (for the form before saving). */
  .get('/prefill', allow(...DECISION_WRITERS), v('query', z.object({ org: z.coerce.number().int().positive().max(2_147_483_647), kind: z.enum(MEETING_KINDS), date: isoDate })), async (c) => {
    const { org, kind, date } = c.req.valid('query');
    const found = await q.findOrg(c.get('db'), scopeOf(c), org);
    if (!found) throw notFound('组织不存在');
    return c.json({ members: await q.prefillMembers(c.get('db'), org, kind, date) });
  })
  .post('/', allow(...DECISION_WRITERS), v('json', meetingCreate), async (c) => {
    const body = c.req.valid('json');
    const user = currentUser(c);
    const id = await inTransaction(c, async (trx, audit, now) => {
      const org = await q.findOrg(trx, user.orgPath, body.orgUnitId);
      if (!org) throw notFound('组织不存在');
      await checkKind(org.kind, body.kind);
      const id = await q.insertMeeting(
        trx,
        {
          org_unit_id: org.id,
          kind: body.kind,
          held_on: body.heldOn,
          held_time: body.heldTime ?? null,
          place: body.place ?? '',
          chair: body.chair ?? '',
          recorder: body.recorder ?? '',
          notes: body.notes ?? '',
        },
        user.id,
        now,
      );
      // 应到 from the roster on the meeting date (editable afterwards).
      const prefill = await q.prefillMembers(trx, org.id, body.kind, body.heldOn);
      await q.replaceMembers(
        trx,
        id,
        prefill.map((m) => ({ personId: m.personId, name: m.name, title: m.title, role: 'member', isPrincipal: m.isPrincipal, attendance: null, absenceReason: '' })),
      );
      await audit({ kind: 'decision.meeting_created', objectType: 'decision_meeting', objectId: id, orgUnitId: org.id, details: { kind: body.kind, heldOn: body.heldOn, members: prefill.length } });
      return id;
    });
    return c.json((await q.getMeeting(c.get('db'), user.orgPath, id))!, 201);
  })
  .get('/:id', allow(...DECISION_READERS), v('param', idParam), async (c) => {
    const found = await q.getMeeting(c.get('db'), scopeOf(c), c.req.valid('param').id);
    if (!found) throw notFound('会议不存在');
    return c.json(found);
  })
  .patch('/:id', allow(...DECISION_WRITERS), v('param', idParam), v('json', meetingPatch), async (c) => {
    const { id } = c.req.valid('param');
    const { version, ...body } = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const m = await q.findMeetingForWrite(trx, scopeOf(c), id);
      if (!m) throw notFound('会议不存在');
      await claimOrConflict(trx, 'decision_meeting', id, version, apiNames(m) as { version: number }, body);
      if (await q.meetingHasClosedItems(trx, id)) throw frozenError();
      if (body.kind !== undefined) await checkKind(m.org_kind, body.kind);
      const values: Partial<q.MeetingValues> = {
        ...(body.kind !== undefined && { kind: body.kind }),
        ...(body.heldOn !== undefined && { held_on: body.heldOn }),
        ...(body.heldTime !== undefined && { held_time: body.heldTime }),
        ...(body.place !== undefined && { place: body.place }),
        ...(body.chair !== undefined && { chair: body.chair }),
        ...(body.recorder !== undefined && { recorder: body.recorder }),
        ...(body.notes !== undefined && { notes: body.notes }),
      };
      await q.updateMeeting(trx, id, values, now);
      await q.refreshFlags(trx, await q.itemIdsOfMeeting(trx, id));
      await audit({ kind: 'decision.meeting_updated', objectType: 'decision_meeting', objectId: id, orgUnitId: m.org_unit_id, details: { fields: Object.keys(values) } });
    });
    return c.json((await q.getMeeting(c.get('db'), scopeOf(c), id))!);
  })
  .delete('/:id', allow(...DECISION_WRITERS), v('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const m = await q.findMeetingForWrite(trx, scopeOf(c), id);
      if (!m) throw notFound('会议不存在');
      if (await q.meetingHasClosedItems(trx, id)) throw conflict('frozen', '该会议已有议题关闭，不能删除');
      await q.deleteMeeting(trx, id);
      await audit({ kind: 'decision.meeting_deleted', objectType: 'decision_meeting', objectId: id, orgUnitId: m.org_unit_id, details: { kind: m.kind, heldOn: m.held_on } });
    });
    return c.json({ ok: true as const });
  })
  .put('/:id/members', allow(...DECISION_WRITERS), v('param', idParam), v('json', membersBody), async (c) => {
    const { id } = c.req.valid('param');
    const { members } = c.req.valid('json');
    await inTransaction(c, async (trx, audit) => {
      const m = await q.findMeetingForWrite(trx, scopeOf(c), id);
      if (!m) throw notFound('会议不存在');
      if (await q.meetingHasClosedItems(trx, id)) throw frozenError();
      const absentWithoutReason = members.filter((x) => x.attendance === 'absent' && !x.absenceReason);
      if (absentWithoutReason.length) throw badRequest('absence_reason_required', `请填写缺席原因：${absentWithoutReason.map((x) => x.name).join('、')}`);
      const personIds = members.map((x) => x.personId).filter((p): p is number => typeof p === 'number');
      if (new Set(personIds).size !== personIds.length) throw badRequest('duplicate_member', '同一人员在名单中出现了两次');
      const known = await q.personsInOrg(trx, m.org_path, personIds);
      if (known.length !== new Set(personIds).size) throw notFound('名单中有人员不存在或不属于该组织');
      // The principal: on the subdistrict's 党工委会议 the office marks the 党工委书记 (there is no roster
      // committee for it); in a village it is whoever holds the party secretary post on the meeting date.
      let principalPerson: number | null = null;
      if (m.kind !== 'subdistrict_committee') principalPerson = await q.principalOn(trx, m.org_unit_id, m.held_on);
      else if (members.filter((x) => x.isPrincipal && x.role === 'member').length > 1) throw badRequest('two_principals', '只能指定一名主要负责人');
      const result = await q.replaceMembers(
        trx,
        id,
        members.map((x) => ({
          id: x.id,
          personId: x.personId ?? null,
          name: x.name,
          title: x.title ?? '',
          role: x.role,
          isPrincipal: m.kind === 'subdistrict_committee' ? (x.isPrincipal ?? false) : principalPerson !== null && x.personId === principalPerson,
          attendance: x.attendance ?? null,
          absenceReason: x.absenceReason ?? '',
        })),
      );
      if (result.unknownIds.length) throw notFound('名单中有人员记录不属于该会议');
      await q.refreshFlags(trx, await q.itemIdsOfMeeting(trx, id));
      await audit({
        kind: 'decision.members_updated',
        objectType: 'decision_meeting',
        objectId: id,
        orgUnitId: m.org_unit_id,
        details: { members: members.filter((x) => x.role === 'member').length, observers: members.filter((x) => x.role === 'observer').length, present: members.filter((x) => x.attendance === 'present').length },
      });
    });
    return c.json((await q.getMeeting(c.get('db'), scopeOf(c), id))!);
  });
