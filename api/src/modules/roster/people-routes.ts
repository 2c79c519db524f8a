// People (人员): list, detail, create, correct. Reads are open to every role within its scope; org_office maintains.
import { Hono } from 'hono';
import { z } from 'zod';
import { EDUCATION_LEVELS, GENDERS, PERSON_CATEGORIES, POLITICAL_STATUSES } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow } from '../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../http/validate.ts';
import { conflict, forbidden, notFound } from '../../http/errors.ts';
import { claimOrConflict, staleWrite, versionField } from '../../http/versioned.ts';
import { inTransaction } from '../../http/action.ts';
import { isEthnicityCode } from './labels.ts';
import { personProblems, todayInShanghai } from './rules.ts';
import { asOfQuery, historyItems, READERS, rejected, scopeOf, today } from './route-helpers.ts';
import * as q from './queries.ts';

// ---- people ----

const name = z.string().trim().min(1, '姓名不能为空').max(40, '姓名最多 40 个字符');
const idNumber = z.string().trim().min(1, '公民身份号码不能为空').max(20, '公民身份号码应为 18 位');
const ethnicity = z.string().refine(isEthnicityCode, '民族代码无效（GB/T 3304，如 01 = 汉族）');
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
const personPatch = z.object(personFields).partial().extend({ version: versionField }).strict();
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
    v(
      'query',
      z.object({
        search: z.string().trim().max(40).optional(),
        orgId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
        asOf: isoDate.optional(),
        sort: z.enum(q.PEOPLE_SORTS, '排序方式无效').optional(),
        dir: z.enum(['asc', 'desc'], '排序方向无效').optional(),
        ...pagination,
      }),
    ),
    async (c) => {
      const scope = scopeOf(c);
      const f = c.req.valid('query');
      let orgPath: string | undefined;
      if (f.orgId !== undefined) {
        const org = await q.findOrgInScope(c.get('db'), scope, f.orgId);
        if (!org) throw notFound('组织不存在');
        orgPath = org.path;
      }
      return c.json(await q.listPeople(c.get('db'), scope, { search: f.search, orgPath, asOf: f.asOf ?? today(c), page: f.page, pageSize: f.pageSize, sort: f.sort, desc: f.dir === 'desc' }));
    },
  )
  .get('/:id', allow(...READERS), v('param', idParam), v('query', asOfQuery), async (c) => {
    const detail = await q.getPersonDetail(c.get('db'), scopeOf(c), c.req.valid('param').id, c.req.valid('query').asOf ?? today(c));
    if (!detail) throw notFound('人员不存在');
    return c.json(detail);
  })
  .get('/:id/post-history', allow(...READERS), v('param', idParam), async (c) => {
    const scope = scopeOf(c);
    const { id } = c.req.valid('param');
    if (!(await q.findPerson(c.get('db'), scope, id))) throw notFound('人员不存在');
    return c.json({ items: historyItems(await q.postHistory(c.get('db'), scope, { personId: id })) });
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
      // Reads follow posts, writes the home org (finding 7): a person registered in another subtree who
      // holds a post here is maintained by their own unit — and cannot be moved into this scope either.
      if (!(await q.findOrgInScope(trx, scope, current.org_unit_id))) throw forbidden('该人员的所属单位不在您的管辖范围内，只能由其所属单位维护');
      const { version, ...sent } = body;
      const merged: PersonInput = { ...fromPersonRow(current), ...sent };
      const normalised = checkPerson(merged, todayInShanghai(now));
      if (sent.orgUnitId !== undefined && !(await q.findOrgInScope(trx, scope, sent.orgUnitId))) throw notFound('所属组织不存在');
      if (normalised !== current.id_number) await refuseDuplicate(trx, scope, normalised, id);
      const values = toPersonValues(merged, normalised);
      const fields = (Object.keys(values) as (keyof q.PersonValues)[]).filter((k) => values[k] !== (current as unknown as Record<string, unknown>)[k]);
      const seen = { ...fromPersonRow(current), version: current.version };
      // Nothing to write: nothing claimed (the version stays), but a stale form still hears so.
      if (fields.length === 0) {
        if (current.version !== version) throw staleWrite(current.version, seen, sent);
        return;
      }
      await claimOrConflict(trx, 'person', id, version, seen, sent, async () => {
        const after = await q.findPersonForWrite(trx, scope, id);
        return after && { ...fromPersonRow(after), version: after.version };
      });
      await q.updatePerson(trx, id, values, now);
      await audit({ kind: 'person.updated', objectType: 'person', objectId: id, orgUnitId: values.org_unit_id, details: { name: values.name, fields } });
    });
    return c.json({ person: (await q.findPerson(c.get('db'), scope, id))! });
  });

