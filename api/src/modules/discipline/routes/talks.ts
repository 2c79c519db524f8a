// /api/talks: supervision talks (domain.md §5). Inspectors write; auditors read.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { TALK_KINDS, type Database } from '@qingfeng/db';
import type { Kysely } from 'kysely';
import type { AppEnv } from '../../../context.ts';
import { allow, currentUser } from '../../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../../http/validate.ts';
import { notFound } from '../../../http/errors.ts';
import { inTransaction } from '../../../http/action.ts';
import { apiNames, claimOrConflict, versionField } from '../../../http/versioned.ts';
import * as q from '../queries.ts';
import { replyState, talkDates, talkForm, talkProblems, TALK_KIND_LABELS } from '../rules.ts';
import { optionalText, period, periodQuery, periodText, READERS, reason, rejected, reportOrg, scopeOf, today, WRITERS } from '../shared.ts';
import { deliverRegister } from '../../../pdf/register.ts';
import { addTableSheet, newWorkbook, workbookBytes, xlsxResponse } from '../../../excel/export.ts';
import { REGISTER_MAX_ROWS, TALK_PDF_COLUMNS, TALK_SHEET_COLUMNS } from '../registers.ts';
import { importRoutes } from '../../../excel/import.ts';
import { applyTalkImport, buildTalkTemplate, parseTalkWorkbook, planTalkImport } from '../imports.ts';
import { badRequest } from '../../../http/errors.ts';

const talkBody = z
  .object({
    kind: z.enum(TALK_KINDS),
    /** Defaults to the subject's org (individual talks) or the caller's own org (collective). */
    orgUnitId: dbId.optional(),
    date: isoDate,
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM').nullable().optional(),
    subjectPersonId: dbId.nullable().optional(),
    participantCount: z.number().int().min(1).max(100_000).optional(),
    participantIds: z.array(dbId).max(5000).optional(),
    leaderName: z.string().trim().min(1, '请填写谈话人').max(40),
    leaderTitle: optionalText(60),
    topic: z.string().trim().min(1, '请填写谈话事由').max(200),
    outcome: optionalText(2000),
    followUp: optionalText(2000),
    replyDate: isoDate.nullable().optional(),
    reply: optionalText(2000).nullable(),
  })
  .strict();
type TalkBody = z.infer<typeof talkBody>;

/** Checks a talk against the rules and the caller's scope; returns the row to write. */
async function buildTalk(db: Kysely<Database>, scopePath: string, orgUnitId: number, body: TalkBody): Promise<{ values: q.TalkValues; participants: number[] }> {
  const problems = talkProblems(body);
  if (problems.length) throw rejected(problems);
  let org = body.orgUnitId;
  if (body.subjectPersonId != null) {
    const subject = await q.findPerson(db, scopePath, body.subjectPersonId);
    if (!subject) throw notFound('谈话对象不存在');
    org ??= subject.org_unit_id;
  }
  const found = await q.orgInScope(db, scopePath, org ?? orgUnitId);
  if (!found) throw notFound('组织不存在');
  const participants = body.participantIds ?? [];
  if (participants.length) {
    const visible = await q.visiblePeople(db, scopePath, participants);
    if (visible.length !== new Set(participants).size) throw notFound('有参加人员不存在');
  }
  const settings = await q.loadDisciplineSettings(db);
  const dates = talkDates(body.kind, body.date, settings);
  return {
    participants,
    values: {
      org_unit_id: found.id,
      kind: body.kind,
      talk_date: body.date,
      talk_time: body.time ?? null,
      subject_person_id: body.kind === 'collective' ? null : body.subjectPersonId!,
      participant_count: body.kind === 'collective' ? (body.participantCount ?? participants.length) : 1,
      leader_name: body.leaderName,
      leader_title: body.leaderTitle ?? '',
      topic: body.topic,
      outcome: body.outcome ?? '',
      follow_up: body.followUp ?? '',
      reply_due_date: dates.replyDueDate,
      reply_date: body.replyDate ?? null,
      reply: body.reply || null,
      influence_end: dates.influenceEnd,
    },
  };
}

const listQuery = z.object({
  ...periodQuery,
  kind: z.enum(TALK_KINDS).optional(),
  person: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  search: z.string().trim().max(40).optional(),
  ...pagination,
});

/** Every talk of the period in the org's subtree, oldest first (bounded). */
async function registerRows(c: Context<AppEnv>, f: { org?: number | undefined; from?: string | undefined; to?: string | undefined }) {
  const org = await reportOrg(c, f.org);
  const { from, to } = period(c, f);
  const list = await q.listTalks(c.get('db'), scopeOf(c), { orgPath: org.path, from, to, page: 1, pageSize: REGISTER_MAX_ROWS + 1 });
  if (list.total > REGISTER_MAX_ROWS) throw badRequest('too_many_rows', `台账超过 ${REGISTER_MAX_ROWS} 条，请缩短期间或选择下级单位`);
  return { org, from, to, items: list.items.reverse() };
}

const talkImport = importRoutes({
  name: 'talk import',
  templateRoles: [...READERS],
  importRoles: [...WRITERS],
  templateFileName: '谈话台账导入模板.xlsx',
  buildTemplate: buildTalkTemplate,
  parse: parseTalkWorkbook,
  plan: async (db, c, parsed, lock) => planTalkImport(db, { path: currentUser(c).orgPath, orgUnitId: currentUser(c).orgUnitId }, parsed, await q.loadDisciplineSettings(db), lock),
  preview: (plan) => ({ ok: plan.problems.length === 0, summary: plan.summary, problems: plan.problems }),
  apply: (trx, plan, c, progress) => applyTalkImport(trx, plan, currentUser(c).id, c.get('clock').now(), progress),
  audit: (plan, c) => ({ kind: 'discipline.imported', objectType: 'org_unit', objectId: currentUser(c).orgUnitId, orgUnitId: currentUser(c).orgUnitId, details: { ledger: 'talks', ...plan.summary } }),
});

export const talkRoutes = new Hono<AppEnv>()
  .get('/', allow(...READERS), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const org = await reportOrg(c, f.org);
    const list = await q.listTalks(c.get('db'), scopeOf(c), { orgPath: org.path, from: f.from, to: f.to, kind: f.kind, personId: f.person, search: f.search || undefined, page: f.page, pageSize: f.pageSize });
    return c.json({ org: { id: org.id, name: org.name }, ...list, items: list.items.map((t) => ({ ...t, kindLabel: TALK_KIND_LABELS[t.kind], form: talkForm(t.kind).form })) });
  })
  .route('/', talkImport)
  .get('/register.pdf', allow(...READERS), v('query', z.object(periodQuery)), async (c) => {
    const r = await registerRows(c, c.req.valid('query'));
    return deliverRegister(c, {
      kind: 'talk_register',
      orgUnitId: r.org.id,
      orgName: r.org.name,
      fileName: `谈话台账-${r.org.name}-${r.from}`,
      register: { title: `${r.org.name}谈话函询台账`, filters: [`${periodText(r.from, r.to)}　共${r.items.length}条`], columns: TALK_PDF_COLUMNS, rows: r.items, footer: ['制表人：　　　　　　审核人：　　　　　　'] },
    });
  })
  .get('/register.xlsx', allow(...READERS), v('query', z.object(periodQuery)), async (c) => {
    const r = await registerRows(c, c.req.valid('query'));
    const wb = newWorkbook(c.get('clock').now());
    addTableSheet(wb, '谈话台账', TALK_SHEET_COLUMNS, r.items, { title: `${r.org.name}谈话函询台账`, subtitles: [`${periodText(r.from, r.to)}　共${r.items.length}条`] });
    const bytes = await workbookBytes(wb);
    await inTransaction(c, (_trx, audit) =>
      audit({ kind: 'export.downloaded', objectType: 'org_unit', objectId: r.org.id, orgUnitId: r.org.id, details: { document: 'talk_register.xlsx', from: r.from, to: r.to, rows: r.items.length } }),
    );
    return xlsxResponse(c, bytes, `谈话台账-${r.org.name}-${r.from}.xlsx`, 'talks.xlsx');
  })
  .get('/:id', allow(...READERS), v('param', idParam), async (c) => {
    const db = c.get('db');
    const talk = await q.findTalk(db, scopeOf(c), c.req.valid('param').id);
    if (!talk) throw notFound('谈话记录不存在');
    const { org_path: _p, ...rest } = talk;
    const settings = await q.loadDisciplineSettings(db);
    return c.json({
      talk: rest,
      kindLabel: TALK_KIND_LABELS[talk.kind],
      form: talkForm(talk.kind),
      reply: talk.kind === 'inquiry_letter' ? replyState({ replyDate: talk.reply_date, replyDueDate: talk.reply_due_date }, today(c), settings.calendar) : null,
    });
  })
  .post('/', allow(...WRITERS), v('json', talkBody), async (c) => {
    const body = c.req.valid('json');
    const user = currentUser(c);
    const id = await inTransaction(c, async (trx, audit, now) => {
      const { values, participants } = await buildTalk(trx, user.orgPath, user.orgUnitId, body);
      const newId = await q.insertTalk(trx, values, participants, user.id, now);
      await audit({
        kind: 'talk.created',
        objectType: 'talk',
        objectId: newId,
        orgUnitId: values.org_unit_id,
        details: { kind: values.kind, date: values.talk_date, subjectPersonId: values.subject_person_id, participants: values.participant_count },
      });
      return newId;
    });
    return c.json({ id }, 201);
  })
  .put('/:id', allow(...WRITERS), v('param', idParam), v('json', talkBody.extend({ reason, version: versionField })), async (c) => {
    const { id } = c.req.valid('param');
    const { reason: why, version, ...body } = c.req.valid('json');
    const user = currentUser(c);
    await inTransaction(c, async (trx, audit, now) => {
      const current = await q.findTalk(trx, user.orgPath, id);
      if (!current) throw notFound('谈话记录不存在');
      await claimOrConflict(trx, 'talk', id, version, { ...apiNames(current), version: current.version }, body);
      const { values, participants } = await buildTalk(trx, user.orgPath, current.org_unit_id, { orgUnitId: current.org_unit_id, ...body });
      await q.updateTalk(trx, id, values, body.participantIds === undefined ? undefined : participants, now);
      await audit({ kind: 'talk.updated', objectType: 'talk', objectId: id, orgUnitId: values.org_unit_id, details: { kind: values.kind, date: values.talk_date, reason: why } });
    });
    return c.json({ id });
  })
  .post('/:id/reply', allow(...WRITERS), v('param', idParam), v('json', z.object({ replyDate: isoDate, reply: z.string().trim().min(1, '请填写回复内容').max(2000) }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const talk = await q.findTalk(trx, scopeOf(c), id);
      if (!talk) throw notFound('谈话记录不存在');
      const problems = talkProblems({ kind: talk.kind, date: talk.talk_date, subjectPersonId: talk.subject_person_id, replyDate: body.replyDate, reply: body.reply });
      if (problems.length) throw rejected(problems);
      await q.setTalkReply(trx, id, body.replyDate, body.reply, now);
      await audit({ kind: 'talk.updated', objectType: 'talk', objectId: id, orgUnitId: talk.org_unit_id, details: { kind: talk.kind, replyDate: body.replyDate } });
    });
    return c.json({ id });
  })
  .delete('/:id', allow(...WRITERS), v('param', idParam), v('json', z.object({ reason }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const why = c.req.valid('json').reason;
    await inTransaction(c, async (trx, audit) => {
      const talk = await q.findTalk(trx, scopeOf(c), id);
      if (!talk) throw notFound('谈话记录不存在');
      await q.deleteTalk(trx, id);
      await audit({ kind: 'talk.deleted', objectType: 'talk', objectId: id, orgUnitId: talk.org_unit_id, details: { kind: talk.kind, date: talk.talk_date, reason: why } });
    });
    return c.json({ ok: true as const });
  });
