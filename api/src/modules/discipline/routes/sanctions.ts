// /api/sanctions: sanctions (domain.md §4). Inspectors write; auditors read. Status changes are
// actions with a reason: 撤销 (revoked: counted nowhere) and 申诉后变更 (changed on appeal: replaced by
// the new sanction it links to). 影响期已满 is derived from the date, never set.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { SANCTION_STATUSES, SANCTION_SYSTEMS, VIOLATIONS, type Database, type SanctionType } from '@qingfeng/db';
import type { Kysely } from 'kysely';
import type { AppEnv } from '../../../context.ts';
import { allow, currentUser } from '../../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../../http/validate.ts';
import { conflict, notFound } from '../../../http/errors.ts';
import { inTransaction } from '../../../http/action.ts';
import { apiNames, claimOrConflict, versionField } from '../../../http/versioned.ts';
import * as q from '../queries.ts';
import { displayStatus, influenceEnd, sanctionForm, sanctionLabel, sanctionProblems, type DisplayStatus } from '../rules.ts';
import { optionalText, period, periodQuery, periodText, READERS, reason, rejected, reportOrg, scopeOf, today, WRITERS } from '../shared.ts';
import { deliverRegister } from '../../../pdf/register.ts';
import { addTableSheet, newWorkbook, workbookBytes, xlsxResponse } from '../../../excel/export.ts';
import { REGISTER_MAX_ROWS, SANCTION_PDF_COLUMNS, SANCTION_SHEET_COLUMNS } from '../registers.ts';
import { importRoutes } from '../../../excel/import.ts';
import { applySanctionImport, buildSanctionTemplate, parseSanctionWorkbook, planSanctionImport } from '../imports.ts';
import { badRequest } from '../../../http/errors.ts';

const sanctionFields = {
  system: z.enum(SANCTION_SYSTEMS),
  type: z.string().trim().min(1).max(40),
  probationMonths: z.union([z.literal(12), z.literal(24)]).nullable().optional(),
  violation: z.enum(VIOLATIONS),
  authority: z.string().trim().min(1, '请填写决定机关').max(100),
  caseNumber: optionalText(60),
  decisionDate: isoDate,
  effectiveDate: isoDate,
  criminalReferral: z.boolean().optional(),
  notes: optionalText(2000),
};
const sanctionBody = z.object({ personId: dbId, ...sanctionFields }).strict();
const replacementBody = z.object(sanctionFields).strict();
type SanctionFields = z.infer<typeof replacementBody>;

/** Checks the sanction against the person's category and computes its influence end. */
async function buildSanction(db: Kysely<Database>, scopePath: string, personId: number, body: SanctionFields): Promise<q.SanctionValues> {
  const person = await q.findPerson(db, scopePath, personId);
  if (!person) throw notFound('人员不存在');
  const problems = sanctionProblems({ category: person.category, politicalStatus: person.political_status }, body);
  if (problems.length) throw rejected(problems);
  const settings = await q.loadDisciplineSettings(db);
  return {
    person_id: person.id,
    org_unit_id: person.org_unit_id,
    system: body.system,
    type: body.type as SanctionType,
    probation_months: body.probationMonths ?? null,
    violation: body.violation,
    authority: body.authority,
    case_number: body.caseNumber ?? '',
    decision_date: body.decisionDate,
    effective_date: body.effectiveDate,
    influence_end: influenceEnd({ system: body.system, type: body.type, effectiveDate: body.effectiveDate, probationMonths: body.probationMonths ?? null }, settings),
    criminal_referral: body.criminalReferral ?? false,
    notes: body.notes ?? '',
  };
}

const STATUS_FILTERS = [...SANCTION_STATUSES] as const;
const listQuery = z.object({
  ...periodQuery,
  system: z.enum(SANCTION_SYSTEMS).optional(),
  status: z.enum(STATUS_FILTERS).optional(),
  person: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  search: z.string().trim().max(40).optional(),
  ...pagination,
});

function present<T extends { system: q.SanctionValues['system']; type: string; probation_months: number | null; status: (typeof SANCTION_STATUSES)[number]; influence_end: string | null; criminal_referral: boolean }>(
  s: T,
  day: string,
) {
  const status: DisplayStatus = displayStatus({ status: s.status, influenceEnd: s.influence_end }, day);
  return { ...s, label: sanctionLabel(s.system, s.type, s.probation_months), displayStatus: status, form: s.status === 'in_force' ? sanctionForm({ system: s.system, type: s.type, criminalReferral: s.criminal_referral }) : null };
}

/** Every sanction effective in the period in the org's subtree, oldest first (bounded). */
async function registerRows(c: Context<AppEnv>, f: { org?: number | undefined; from?: string | undefined; to?: string | undefined }) {
  const org = await reportOrg(c, f.org);
  const { from, to } = period(c, f);
  const list = await q.listSanctions(c.get('db'), scopeOf(c), { orgPath: org.path, from, to, page: 1, pageSize: REGISTER_MAX_ROWS + 1 });
  if (list.total > REGISTER_MAX_ROWS) throw badRequest('too_many_rows', `台账超过 ${REGISTER_MAX_ROWS} 条，请缩短期间或选择下级单位`);
  const day = today(c);
  const items = list.items.reverse().map((s) => {
    const p = present(s, day);
    return { ...s, displayStatus: p.displayStatus, formOf: p.form?.form ?? null };
  });
  return { org, from, to, items };
}

const sanctionImport = importRoutes({
  name: 'sanction import',
  templateRoles: [...READERS],
  importRoles: [...WRITERS],
  templateFileName: '处分台账导入模板.xlsx',
  buildTemplate: buildSanctionTemplate,
  parse: parseSanctionWorkbook,
  plan: async (db, c, parsed, lock) => planSanctionImport(db, currentUser(c).orgPath, parsed, await q.loadDisciplineSettings(db), lock),
  preview: (plan) => ({ ok: plan.problems.length === 0, summary: plan.summary, problems: plan.problems }),
  apply: (trx, plan, c, progress) => applySanctionImport(trx, plan, currentUser(c).id, c.get('clock').now(), progress),
  audit: (plan, c) => ({ kind: 'discipline.imported', objectType: 'org_unit', objectId: currentUser(c).orgUnitId, orgUnitId: currentUser(c).orgUnitId, details: { ledger: 'sanctions', ...plan.summary } }),
});

export const sanctionRoutes = new Hono<AppEnv>()
  .get('/', allow(...READERS), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const org = await reportOrg(c, f.org);
    const list = await q.listSanctions(c.get('db'), scopeOf(c), { orgPath: org.path, from: f.from, to: f.to, system: f.system, status: f.status, personId: f.person, search: f.search || undefined, page: f.page, pageSize: f.pageSize });
    const day = today(c);
    return c.json({ org: { id: org.id, name: org.name }, ...list, items: list.items.map((s) => present(s, day)) });
  })
  .route('/', sanctionImport)
  .get('/register.pdf', allow(...READERS), v('query', z.object(periodQuery)), async (c) => {
    const r = await registerRows(c, c.req.valid('query'));
    return deliverRegister(c, {
      kind: 'sanction_register',
      orgUnitId: r.org.id,
      orgName: r.org.name,
      fileName: `处分台账-${r.org.name}-${r.from}`,
      register: { title: `${r.org.name}处分台账`, filters: [`生效日期${periodText(r.from, r.to)}　共${r.items.length}条`], columns: SANCTION_PDF_COLUMNS, rows: r.items, footer: ['制表人：　　　　　　审核人：　　　　　　'] },
    });
  })
  .get('/register.xlsx', allow(...READERS), v('query', z.object(periodQuery)), async (c) => {
    const r = await registerRows(c, c.req.valid('query'));
    const wb = newWorkbook(c.get('clock').now());
    addTableSheet(wb, '处分台账', SANCTION_SHEET_COLUMNS, r.items, { title: `${r.org.name}处分台账`, subtitles: [`生效日期${periodText(r.from, r.to)}　共${r.items.length}条`] });
    const bytes = await workbookBytes(wb);
    await inTransaction(c, (_trx, audit) =>
      audit({ kind: 'export.downloaded', objectType: 'org_unit', objectId: r.org.id, orgUnitId: r.org.id, details: { document: 'sanction_register.xlsx', from: r.from, to: r.to, rows: r.items.length } }),
    );
    return xlsxResponse(c, bytes, `处分台账-${r.org.name}-${r.from}.xlsx`, 'sanctions.xlsx');
  })
  .get('/:id', allow(...READERS), v('param', idParam), async (c) => {
    const s = await q.findSanction(c.get('db'), scopeOf(c), c.req.valid('param').id);
    if (!s) throw notFound('处分记录不存在');
    return c.json({ sanction: present(s, today(c)) });
  })
  .post('/', allow(...WRITERS), v('json', sanctionBody), async (c) => {
    const { personId, ...body } = c.req.valid('json');
    const user = currentUser(c);
    const id = await inTransaction(c, async (trx, audit, now) => {
      const values = await buildSanction(trx, user.orgPath, personId, body);
      const newId = await q.insertSanction(trx, values, user.id, now);
      await audit({
        kind: 'sanction.created',
        objectType: 'sanction',
        objectId: newId,
        orgUnitId: values.org_unit_id,
        details: { personId, system: values.system, type: values.type, effectiveDate: values.effective_date, influenceEnd: values.influence_end },
      });
      return newId;
    });
    return c.json({ id }, 201);
  })
  .put('/:id', allow(...WRITERS), v('param', idParam), v('json', replacementBody.extend({ reason, version: versionField })), async (c) => {
    const { id } = c.req.valid('param');
    const { reason: why, version, ...body } = c.req.valid('json');
    const user = currentUser(c);
    await inTransaction(c, async (trx, audit, now) => {
      await q.lockSanction(trx, id);
      const current = await q.findSanction(trx, user.orgPath, id);
      if (!current) throw notFound('处分记录不存在');
      await claimOrConflict(trx, 'sanction', id, version, { ...apiNames(current), version: current.version }, body);
      if (current.status !== 'in_force') throw conflict('not_in_force', '已撤销或已变更的处分不能再更正');
      const values = await buildSanction(trx, user.orgPath, current.person_id, body);
      await q.updateSanction(trx, id, values, now);
      await audit({ kind: 'sanction.updated', objectType: 'sanction', objectId: id, orgUnitId: values.org_unit_id, details: { personId: current.person_id, system: values.system, type: values.type, reason: why } });
    });
    return c.json({ id });
  })
  .post('/:id/revoke', allow(...WRITERS), v('param', idParam), v('json', z.object({ reason }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const why = c.req.valid('json').reason;
    await inTransaction(c, async (trx, audit, now) => {
      await q.lockSanction(trx, id);
      const current = await q.findSanction(trx, scopeOf(c), id);
      if (!current) throw notFound('处分记录不存在');
      if (current.status !== 'in_force') throw conflict('not_in_force', '该处分已撤销或已变更');
      await q.setSanctionStatus(trx, id, { status: 'revoked', reason: why, replacedBy: null }, now);
      await audit({ kind: 'sanction.revoked', objectType: 'sanction', objectId: id, orgUnitId: current.org_unit_id, details: { personId: current.person_id, reason: why } });
    });
    return c.json({ id });
  })
  .post('/:id/appeal', allow(...WRITERS), v('param', idParam), v('json', z.object({ reason, replacement: replacementBody }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const { reason: why, replacement } = c.req.valid('json');
    const user = currentUser(c);
    const newId = await inTransaction(c, async (trx, audit, now) => {
      await q.lockSanction(trx, id);
      const current = await q.findSanction(trx, user.orgPath, id);
      if (!current) throw notFound('处分记录不存在');
      if (current.status !== 'in_force') throw conflict('not_in_force', '该处分已撤销或已变更');
      const values = await buildSanction(trx, user.orgPath, current.person_id, replacement);
      const created = await q.insertSanction(trx, values, user.id, now);
      await q.setSanctionStatus(trx, id, { status: 'changed_on_appeal', reason: why, replacedBy: created }, now);
      await audit({ kind: 'sanction.created', objectType: 'sanction', objectId: created, orgUnitId: values.org_unit_id, details: { personId: current.person_id, system: values.system, type: values.type, replaces: id } });
      await audit({ kind: 'sanction.changed_on_appeal', objectType: 'sanction', objectId: id, orgUnitId: current.org_unit_id, details: { personId: current.person_id, replacedBy: created, reason: why } });
      return created;
    });
    return c.json({ id: newId }, 201);
  });
