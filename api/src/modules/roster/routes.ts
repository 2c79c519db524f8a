// Roster routes: people, terms, posts, rosters, and the Excel template / import / export.
// Reads are open to every role within its scope (a secretary's scope is their own village);
// org_office maintains people and posts; admin and org_office maintain terms (domain.md §10).
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { COMMITTEES, EDUCATION_LEVELS, GENDERS, PERSON_CATEGORIES, POLITICAL_STATUSES, POST_HOW, type Committee, type Position } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, ALL_ROLES, currentUser } from '../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../http/validate.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { isVillageKind } from '../orgs/rules.ts';
import { eligibilityProblems } from './eligibility.ts';
import { buildRosterExport, buildTemplate, parseRosterWorkbook, type ImportProblem } from './excel.ts';
import { applyRosterImport, planRosterImport, type ImportPlan } from './import.ts';
import { COMMITTEE_LABELS, EDUCATION_LABELS, ETHNICITIES, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from './labels.ts';
import {
  clipToTerm,
  joinProblems,
  personProblems,
  postProblems,
  seesFullIdNumbers,
  suggestTermEnd,
  TERM_END_REASON,
  termAdjustments,
  termProblems,
  todayInShanghai,
  type PostSpan,
  type RuleProblem,
} from './rules.ts';
import * as q from './queries.ts';

const READERS = ALL_ROLES;
const asOfQuery = z.object({ asOf: isoDate.optional() });
const today = (c: Context<AppEnv>) => todayInShanghai(c.get('clock').now());
const scopeOf = (c: Context<AppEnv>) => q.rosterScopeOf(currentUser(c));

// ---- people ----

const name = z.string().trim().min(1, '姓名不能为空').max(40, '姓名最多 40 个字符');
const idNumber = z.string().trim().min(1, '公民身份号码不能为空').max(20, '公民身份号码应为 18 位');
const ethnicity = z.string().refine((s) => s in ETHNICITIES, '民族代码无效（GB/T 3304，如 01 = 汉族）');
const phone = z.string().trim().regex(/^[0-9+\-() ]{5,20}$/, '电话号码格式不正确');
const personFields = {
  orgUnitId: dbId,
  name,
  gender: z.enum(GENDERS),
  idNumber,
  birthDate: isoDate,
  ethnicity,
  politicalStatus: z.enum(POLITICAL_STATUSES),
  partyJoinDate: isoDate.nullable().optional(),
  educationFullTime: z.enum(EDUCATION_LEVELS).nullable().optional(),
  educationHighest: z.enum(EDUCATION_LEVELS),
  phone: phone.nullable().optional(),
  isVeteran: z.boolean().optional(),
  category: z.enum(PERSON_CATEGORIES).optional(),
};
const personCreate = z.object(personFields).strict();
const personPatch = z.object(personFields).partial().strict();
type PersonInput = z.infer<typeof personCreate>;

function toPersonValues(p: PersonInput, normalisedId: string): q.PersonValues {
  return {
    org_unit_id: p.orgUnitId,
    name: p.name,
    gender: p.gender,
    id_number: normalisedId,
    birth_date: p.birthDate,
    ethnicity: p.ethnicity,
    political_status: p.politicalStatus,
    party_join_date: p.partyJoinDate ?? null,
    education_full_time: p.educationFullTime ?? null,
    education_highest: p.educationHighest,
    phone: p.phone ?? null,
    is_veteran: p.isVeteran ?? false,
    category: p.category ?? 'village_cadre',
  };
}

function fromPersonRow(r: q.PersonRow): PersonInput {
  return {
    orgUnitId: r.org_unit_id,
    name: r.name,
    gender: r.gender,
    idNumber: r.id_number,
    birthDate: r.birth_date,
    ethnicity: r.ethnicity,
    politicalStatus: r.political_status,
    partyJoinDate: r.party_join_date,
    educationFullTime: r.education_full_time,
    educationHighest: r.education_highest,
    phone: r.phone,
    isVeteran: r.is_veteran,
    category: r.category,
  };
}

/** 400 with every problem (Chinese), the first one's code. */
function rejected(problems: readonly RuleProblem[], status: 400 | 409 = 400): AppError {
  return new AppError(status, problems[0]!.code, joinProblems(problems), { problems });
}

/** Checks the facts and returns the normalised ID number, or throws 400. */
function checkPerson(p: PersonInput, todayDate: string): string {
  const { idNumber: normalised, problems } = personProblems(
    { name: p.name, gender: p.gender, idNumber: p.idNumber, birthDate: p.birthDate, partyJoinDate: p.partyJoinDate ?? null, educationFullTime: p.educationFullTime ?? null, educationHighest: p.educationHighest },
    todayDate,
  );
  if (problems.length) throw rejected(problems);
  return normalised!;
}

/** 409 naming the existing holder of the ID number — by name only when they are in the caller's scope. */
async function refuseDuplicate(trx: Parameters<typeof q.findPersonByIdNumber>[0], scope: q.RosterScope, id: string, exceptId?: number) {
  const existing = await q.findPersonByIdNumber(trx, id, exceptId);
  if (!existing) return;
  if (existing.org_path.startsWith(scope.path))
    throw conflict('duplicate_id_number', `该公民身份号码已登记：${existing.name}（${existing.org_name}）`, { personId: existing.id, name: existing.name, orgName: existing.org_name });
  throw conflict('duplicate_id_number', '该公民身份号码已由辖区外的单位登记，请联系上级党建办核实');
}

export const peopleRoutes = new Hono<AppEnv>()
  .get(
    '/',
    allow(...READERS),
    v('query', z.object({ search: z.string().trim().max(40).optional(), orgId: z.coerce.number().int().positive().max(2_147_483_647).optional(), asOf: isoDate.optional(), ...pagination })),
    async (c) => {
      const scope = scopeOf(c);
      const f = c.req.valid('query');
      let orgPath: string | undefined;
      if (f.orgId !== undefined) {
        const org = await q.findOrgInScope(c.get('db'), scope, f.orgId);
        if (!org) throw notFound('组织不存在');
        orgPath = org.path;
      }
      return c.json(await q.listPeople(c.get('db'), scope, { search: f.search, orgPath, asOf: f.asOf ?? today(c), page: f.page, pageSize: f.pageSize }));
    },
  )
  .get('/:id', allow(...READERS), v('param', idParam), v('query', asOfQuery), async (c) => {
    const detail = await q.getPersonDetail(c.get('db'), scopeOf(c), c.req.valid('param').id, c.req.valid('query').asOf ?? today(c));
    if (!detail) throw notFound('人员不存在');
    return c.json(detail);
  })
  .post('/', allow('org_office'), v('json', personCreate), async (c) => {
    const scope = scopeOf(c);
    const body = c.req.valid('json');
    const id = checkPerson(body, today(c));
    const personId = await inTransaction(c, async (trx, audit, now) => {
      const org = await q.findOrgInScope(trx, scope, body.orgUnitId);
      if (!org) throw notFound('所属组织不存在');
      await refuseDuplicate(trx, scope, id);
      const newId = await q.insertPerson(trx, toPersonValues(body, id), now);
      // Never the ID number in audit details.
      await audit({ kind: 'person.created', objectType: 'person', objectId: newId, orgUnitId: org.id, details: { name: body.name } });
      return newId;
    });
    return c.json({ person: (await q.findPerson(c.get('db'), scope, personId))! }, 201);
  })
  .patch('/:id', allow('org_office'), v('param', idParam), v('json', personPatch), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const current = await q.findPersonForWrite(trx, scope, id);
      if (!current) throw notFound('人员不存在');
      const merged: PersonInput = { ...fromPersonRow(current), ...body };
      const normalised = checkPerson(merged, todayInShanghai(now));
      if (body.orgUnitId !== undefined && !(await q.findOrgInScope(trx, scope, body.orgUnitId))) throw notFound('所属组织不存在');
      if (normalised !== current.id_number) await refuseDuplicate(trx, scope, normalised, id);
      const values = toPersonValues(merged, normalised);
      const fields = (Object.keys(values) as (keyof q.PersonValues)[]).filter((k) => values[k] !== (current as unknown as Record<string, unknown>)[k]);
      if (fields.length === 0) return;
      await q.updatePerson(trx, id, values, now);
      await audit({ kind: 'person.updated', objectType: 'person', objectId: id, orgUnitId: values.org_unit_id, details: { name: values.name, fields } });
    });
    return c.json({ person: (await q.findPerson(c.get('db'), scope, id))! });
  });

// ---- terms ----

const termCreate = z
  .object({ orgUnitId: dbId, ordinal: z.number().int().min(1).max(999), electionDate: isoDate, startDate: isoDate, endDate: isoDate.nullable().optional() })
  .strict();
const termPatch = z
  .object({ ordinal: z.number().int().min(1).max(999), electionDate: isoDate, startDate: isoDate, endDate: isoDate.nullable() })
  .partial()
  .strict();

const withSuggestion = <T extends { start_date: string; end_date: string | null }>(t: T) => ({ ...t, suggestedEndDate: t.end_date ?? suggestTermEnd(t.start_date) });

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
        if ((await q.countPostsOutside(trx, prev.id!, prev.startDate, span.startDate)) > 0)
          throw conflict('posts_after_new_term', `第${prev.ordinal}届有任职的日期晚于本届开始日期（${span.startDate}），请先修正这些任职`);
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
      const all = (await q.lockVillageTerms(trx, found.org_unit_id)).map(q.toTermSpan);
      const current = all.find((t) => t.id === id)!;
      const others = all.filter((t) => t.id !== id);
      const span = {
        id,
        ordinal: body.ordinal ?? current.ordinal,
        electionDate: body.electionDate ?? current.electionDate,
        startDate: body.startDate ?? current.startDate,
        endDate: body.endDate === undefined ? current.endDate : body.endDate,
      };
      const problems = termProblems(span, others);
      if (problems.length) throw rejected(problems, problems.some((p) => p.code === 'duplicate_ordinal' || p.code === 'term_overlap') ? 409 : 400);
      const outside = await q.countPostsOutside(trx, id, span.startDate, span.endDate);
      if (outside > 0) throw conflict('posts_outside_term', `有 ${outside} 条任职将落在届期之外，请先调整这些任职的日期`);
      const term = await q.updateTerm(trx, id, span);
      // An end date set now ends the term's open posts with it (届满), as a new term does.
      const postsEnded = current.endDate === null && span.endDate !== null ? await q.closeTerm(trx, id, span.endDate, TERM_END_REASON) : 0;
      const fields = (['ordinal', 'electionDate', 'startDate', 'endDate'] as const).filter((k) => span[k] !== current[k]);
      await audit({ kind: 'term.updated', objectType: 'term', objectId: id, orgUnitId: found.org_unit_id, details: { ordinal: span.ordinal, fields, ...(postsEnded && { postsEnded }) } });
      return { term: withSuggestion(term), postsEnded };
    });
    return c.json(result);
  });

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
const postEnd = z.object({ endDate: isoDate, endReason }).strict();
const postPatch = z
  .object({
    committee: z.enum(COMMITTEES),
    position: z.enum(ALL_POSITIONS),
    startDate: isoDate,
    endDate: isoDate.nullable(),
    endReason: endReason.nullable(),
    how: z.enum(POST_HOW),
  })
  .partial()
  .strict();

const CONFLICT_CODES = new Set(['second_secretary', 'second_director', 'overlapping_post']);
function refusePost(problems: readonly RuleProblem[]): AppError {
  return rejected(problems, problems.every((p) => CONFLICT_CODES.has(p.code)) ? 409 : 400);
}

/** Locks the village's terms and checks a post against its term and the village's other posts. */
async function checkPost(trx: Parameters<typeof q.lockVillageTerms>[0], orgId: number, termId: number, span: Omit<PostSpan, 'termEndDate'>) {
  const terms = await q.lockVillageTerms(trx, orgId);
  const term = terms.find((t) => t.id === termId)!;
  const others = await q.villagePostSpans(trx, orgId);
  const full: PostSpan = { ...span, termEndDate: term.end_date };
  const problems = postProblems(full, { ordinal: term.ordinal, startDate: term.start_date, endDate: term.end_date }, others);
  if (problems.length) throw refusePost(problems);
}

export const postRoutes = new Hono<AppEnv>()
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
      // Eligibility (domain §3): refused unless overridden with a written reason (see eligibility.ts).
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
        details: { personId: person.id, name: person.name, termId: term.id, committee: created.committee, position: created.position },
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
      if (problems.length) throw refusePost(problems);
      const updated = await q.updatePost(trx, id, { end_date: body.endDate, end_reason: body.endReason });
      await audit({ kind: 'post.ended', objectType: 'post', objectId: id, orgUnitId: current.org_unit_id, details: { personId: current.person_id, name: current.person_name, endDate: body.endDate, endReason: body.endReason } });
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
      const updated = await q.updatePost(trx, id, values);
      await audit({ kind: 'post.updated', objectType: 'post', objectId: id, orgUnitId: found.org_unit_id, details: { personId: found.person_id, name: found.person_name, fields } });
      return updated;
    });
    const { person_name: _n, ...rest } = post as typeof post & { person_name?: string };
    return c.json({ post: rest as q.PostRow });
  });

// ---- rosters of a village (mounted under /orgs) ----

async function villageInScope(c: Context<AppEnv>, id: number) {
  const org = await q.findOrgInScope(c.get('db'), scopeOf(c), id);
  if (!org) throw notFound('组织不存在');
  return org;
}

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (filename: string) => `attachment; filename="roster.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`;

export const orgRosterRoutes = new Hono<AppEnv>()
  .get('/:id/terms', allow(...READERS), v('param', idParam), async (c) => {
    const org = await villageInScope(c, c.req.valid('param').id);
    if (!isVillageKind(org.kind)) throw badRequest('not_village', '只有村、社区设两委届次');
    const terms = await q.listTermsOfOrg(c.get('db'), org.id);
    const latest = terms[0];
    return c.json({
      org: { id: org.id, name: org.name, kind: org.kind },
      terms: terms.map(withSuggestion),
      /** What a new term would most likely be: the next ordinal, starting when the latest ends (or is due to). */
      next: { ordinal: (latest?.ordinal ?? 0) + 1, suggestedStartDate: latest ? (latest.end_date ?? suggestTermEnd(latest.start_date)) : null },
    });
  })
  .get('/:id/roster', allow(...READERS), v('param', idParam), v('query', asOfQuery), async (c) => {
    const org = await villageInScope(c, c.req.valid('param').id);
    if (!isVillageKind(org.kind)) throw badRequest('not_village', '只有村、社区有两委班子');
    const asOf = c.req.valid('query').asOf ?? today(c);
    const term = await q.findTermInForce(c.get('db'), org.id, asOf);
    if (!term) {
      // No term in force: the same shape, empty.
      const summary: q.RosterSummary = { members: 0, party: 0, residents: 0, dualRoleHolder: null, crossServing: 0 };
      const empty: q.RosterRow[] = [];
      return c.json({ org: { id: org.id, name: org.name, kind: org.kind }, term: null, asOf, party: empty, residents: empty, summary });
    }
    return c.json((await q.getTermRoster(c.get('db'), scopeOf(c), term.id, asOf))!);
  })
  .get('/:id/roster.xlsx', allow(...READERS), v('param', idParam), v('query', asOfQuery), async (c) => {
    const scope = scopeOf(c);
    const org = await villageInScope(c, c.req.valid('param').id);
    const asOf = c.req.valid('query').asOf ?? today(c);
    const db = c.get('db');
    const [rows, counts] = await Promise.all([q.getVillageRosterRows(db, scope, org.id, asOf), q.rosterCounts(db, scope, org.path, asOf)]);
    const title = isVillageKind(org.kind) ? `${org.name}“两委”成员花名册` : `${org.name}村（社区）“两委”成员花名册`;
    const file = await buildRosterExport({ title, asOf, rows: rows!, villages: counts.villages, total: counts.total });
    await inTransaction(c, async (_trx, audit) => {
      await audit({
        kind: 'export.downloaded',
        objectType: 'org_unit',
        objectId: org.id,
        orgUnitId: org.id,
        details: { document: 'roster.xlsx', asOf, rows: rows!.length, fullIdNumbers: scope.fullIdNumbers },
      });
    });
    return c.body(new Uint8Array(file), 200, { 'Content-Type': xlsxType, 'Content-Disposition': attachment(`${org.name}两委花名册_${asOf}.xlsx`) });
  });

// ---- Excel template and import ----

/** Largest upload accepted. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const uploadForm = z.object({
  file: z.instanceof(File, { message: '请选择要上传的 Excel 文件（字段名 file）' }),
  /** Written reason to add people who are not eligible (domain.md §3); audited, marked on their posts. */
  eligibilityOverride: z.string().trim().max(500).optional(),
});
const overrideOf = (form: { eligibilityOverride?: string | undefined }) => (form.eligibilityOverride && form.eligibilityOverride.length >= 4 ? form.eligibilityOverride : null);

async function readUpload(file: File): Promise<ArrayBuffer> {
  if (file.size === 0) throw badRequest('empty_file', '上传的文件是空的');
  if (file.size > MAX_IMPORT_BYTES) throw badRequest('file_too_large', `文件超过 ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  return file.arrayBuffer();
}

function previewBody(plan: ImportPlan) {
  return { ok: plan.problems.length === 0, summary: plan.summary, problems: plan.problems, changes: plan.changes, overridden: plan.overridden ?? [] };
}

class ImportRejected extends Error {
  constructor(readonly plan: ImportPlan) {
    super('import rejected');
  }
}

/**
 * NDJSON protocol of POST /api/roster/import/commit (for the web page), one JSON object a line:
 *   {"phase":"parse"|"validate"|"people"|"terms"|"posts","done":n,"total":m}   progress, any number of times
 *   {"result":{"summary":ImportSummary}}                                         last line on success (committed)
 *   {"error":{"code","message","problems"?:ImportProblem[],"summary"?}}          last line on failure (nothing written)
 * The HTTP status is 200 once streaming starts; only a missing/oversized file or a failed
 * login/role check answers 4xx JSON before the stream. A stream that ends without a result or
 * error line means the connection broke: the transaction was not committed unless a result came.
 */
export type ImportStreamLine =
  | { phase: 'parse' | 'validate' | 'people' | 'terms' | 'posts'; done: number; total: number }
  | { result: { summary: ImportPlan['summary'] } }
  | { error: { code: string; message: string; problems?: ImportProblem[]; summary?: ImportPlan['summary'] } };

export const rosterRoutes = new Hono<AppEnv>()
  .get('/options', allow(...READERS), (c) =>
    c.json({
      genders: GENDERS.map((value) => ({ value, label: GENDER_LABELS[value] })),
      educationLevels: EDUCATION_LEVELS.map((value) => ({ value, label: EDUCATION_LABELS[value] })),
      politicalStatuses: POLITICAL_STATUSES.map((value) => ({ value, label: POLITICAL_STATUS_LABELS[value] })),
      ethnicities: Object.entries(ETHNICITIES).map(([value, label]) => ({ value, label })),
      committees: COMMITTEES.map((value) => ({
        value,
        label: COMMITTEE_LABELS[value],
        positions: Object.entries(POSITION_LABELS[value]).map(([position, label]) => ({ value: position, label })),
      })),
      how: POST_HOW.map((value) => ({ value, label: POST_HOW_LABELS[value] })),
      termEndReason: TERM_END_REASON,
      fullIdNumbers: seesFullIdNumbers(currentUser(c).role),
    }),
  )
  .get('/template.xlsx', allow('admin', 'org_office'), async (c) => {
    const file = await buildTemplate();
    return c.body(new Uint8Array(file), 200, { 'Content-Type': xlsxType, 'Content-Disposition': attachment('两委成员花名册导入模板.xlsx') });
  })
  .post('/import/preview', allow('org_office'), v('form', uploadForm), async (c) => {
    const data = await readUpload(c.req.valid('form').file);
    const parsed = await parseRosterWorkbook(data);
    const plan = await planRosterImport(c.get('db'), scopeOf(c), parsed, today(c), false, overrideOf(c.req.valid('form')));
    return c.json(previewBody(plan));
  })
  .post('/import/commit', allow('org_office'), v('form', uploadForm), async (c) => {
    const data = await readUpload(c.req.valid('form').file);
    const scope = scopeOf(c);
    const todayDate = today(c);
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    return stream(c, async (s) => {
      const send = (line: ImportStreamLine) => s.write(`${JSON.stringify(line)}\n`);
      try {
        await send({ phase: 'parse', done: 0, total: 1 });
        const parsed = await parseRosterWorkbook(data);
        await send({ phase: 'parse', done: 1, total: 1 });
        const summary = await inTransaction(c, async (trx, audit) => {
          await send({ phase: 'validate', done: 0, total: parsed.rowCount });
          // Re-validated here, against the rows as they are now, with the villages locked.
          const override = overrideOf(c.req.valid('form'));
          const plan = await planRosterImport(trx, scope, parsed, todayDate, true, override);
          if (plan.problems.length) throw new ImportRejected(plan);
          await send({ phase: 'validate', done: parsed.rowCount, total: parsed.rowCount });
          await applyRosterImport(trx, plan, c.get('clock').now(), (phase, done, total) => send({ phase, done, total }));
          const sum = plan.summary;
          if (plan.overridden?.length)
            await audit({
              kind: 'eligibility.overridden',
              objectType: 'org_unit',
              objectId: currentUser(c).orgUnitId,
              orgUnitId: currentUser(c).orgUnitId,
              details: { import: true, reason: override, people: plan.overridden.slice(0, 200).map((o) => o.name), count: plan.overridden.length },
            });
          await audit({
            kind: 'roster.imported',
            objectType: 'org_unit',
            objectId: currentUser(c).orgUnitId,
            orgUnitId: currentUser(c).orgUnitId,
            details: {
              rows: sum.rows,
              villages: plan.villageIds.length,
              peopleCreated: sum.people.create,
              peopleUpdated: sum.people.update,
              termsCreated: sum.terms.create,
              termsClosed: sum.terms.closed,
              postsCreated: sum.posts.create,
              postsUpdated: sum.posts.update,
              postsEndedWithTerm: sum.posts.endedWithTerm,
            },
          });
          return sum;
        });
        await send({ result: { summary } });
      } catch (err) {
        if (err instanceof ImportRejected)
          await send({
            error: { code: 'invalid_file', message: `文件中有 ${err.plan.problems.length} 处问题，未导入任何数据`, problems: err.plan.problems, summary: err.plan.summary },
          });
        else if (err instanceof AppError) await send({ error: { code: err.code, message: err.message } });
        else {
          // Only the message: parameters could carry ID numbers, which never go to logs.
          console.error('[roster import] failed:', (err as Error).message);
          await send({ error: { code: 'internal', message: '导入失败，未导入任何数据，请稍后重试' } });
        }
      }
    });
  });
