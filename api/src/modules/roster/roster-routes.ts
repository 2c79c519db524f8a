// Rosters of a village (mounted under /orgs: terms, roster, roster.xlsx) and the roster's code lists,
// Excel template and import (mounted under /roster; the import runs on the shared pipeline in
// api/src/excel/import.ts).
import { Hono, type Context } from 'hono';
import { COMMITTEES, EDUCATION_LEVELS, GENDERS, PERSON_CATEGORIES, POLITICAL_STATUSES, POST_HOW } from '@qingfeng/db';
import { PERSON_CATEGORY_LABELS } from '../discipline/rules.ts';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { xlsxResponse } from '../../excel/export.ts';
import { importRoutes, type ImportLine } from '../../excel/import.ts';
import { isVillageKind } from '../orgs/rules.ts';
import { buildRosterExport, buildTemplate, parseRosterWorkbook } from './excel.ts';
import { applyRosterImport, planRosterImport, type ImportPhase, type ImportPlan, type ImportSummary } from './import.ts';
import { COMMITTEE_LABELS, EDUCATION_LABELS, ETHNICITY_LIST, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from './labels.ts';
import { seesFullIdNumbers, suggestTermEnd, TERM_END_REASON, TERM_YEARS } from './rules.ts';
import { asOfQuery, historyItems, READERS, scopeOf, today, withSuggestion } from './route-helpers.ts';
import * as q from './queries.ts';

// ---- rosters of a village (mounted under /orgs) ----

async function villageInScope(c: Context<AppEnv>, id: number) {
  const org = await q.findOrgInScope(c.get('db'), scopeOf(c), id);
  if (!org) throw notFound('组织不存在');
  return org;
}

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
  .get('/:id/post-history', allow(...READERS), v('param', idParam), async (c) => {
    const org = await villageInScope(c, c.req.valid('param').id);
    return c.json({ items: historyItems(await q.postHistory(c.get('db'), scopeOf(c), { orgId: org.id })) });
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
    const db = c.get('reportDb');
    const [rows, counts] = await Promise.all([q.getVillageRosterRows(db, scope, org.id, asOf), q.rosterCounts(db, scope, org.path, asOf)]);
    const title = isVillageKind(org.kind) ? `${org.name}“两委”成员花名册` : `${org.name}村（社区）“两委”成员花名册`;
    const file = await buildRosterExport({ title, orgName: org.name, asOf, madeOn: today(c), rows: rows!, villages: counts.villages, total: counts.total });
    await inTransaction(c, async (_trx, audit) => {
      await audit({
        kind: 'export.downloaded',
        objectType: 'org_unit',
        objectId: org.id,
        orgUnitId: org.id,
        details: { document: 'roster.xlsx', asOf, rows: rows!.length, fullIdNumbers: scope.fullIdNumbers },
      });
    });
    return xlsxResponse(c, file, `${org.name}两委花名册_${asOf}.xlsx`, 'roster.xlsx');
  });

// ---- code lists, Excel template and import ----

/** The NDJSON lines of POST /api/roster/import/commit (see ImportLine in api/src/excel/import.ts). */
export type ImportStreamLine = ImportLine<ImportPhase, ImportSummary>;

const rosterImport = importRoutes({
  name: 'roster import',
  templateRoles: ['admin', 'org_office'],
  importRoles: ['org_office'],
  templateFileName: '两委成员花名册导入模板.xlsx',
  buildTemplate,
  parse: parseRosterWorkbook,
  // An office's written reason (form field eligibilityOverride) lets ineligible people through, marked (domain.md §3).
  plan: (db, c, parsed, lock) => planRosterImport(db, scopeOf(c), parsed, today(c), lock, overrideOf(c)),
  preview: (plan: ImportPlan) => ({ ok: plan.problems.length === 0, summary: plan.summary, problems: plan.problems, changes: plan.changes, overridden: plan.overridden ?? [] }),
  apply: (trx, plan, c, progress) => applyRosterImport(trx, plan, c.get('clock').now(), progress),
  audit: (plan, c) => {
    const sum = plan.summary;
    return {
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
        ...(plan.overridden?.length && { eligibilityOverride: { reason: overrideOf(c), count: plan.overridden.length, people: plan.overridden.slice(0, 200).map((o) => o.name) } }),
      },
    };
  },
});

/** The override reason sent with the upload (at least 4 characters), or none. */
function overrideOf(c: Context<AppEnv>): string | null {
  const raw = (c.req.valid('form' as never) as { eligibilityOverride?: unknown } | undefined)?.eligibilityOverride;
  const reason = typeof raw === 'string' ? raw.trim() : '';
  return reason.length >= 4 ? reason.slice(0, 500) : null;
}

export const rosterRoutes = new Hono<AppEnv>()
  // 届满 reminder: villages whose term has passed its end with no newer term (the roster and home pages).
  .get('/term-expiry', allow(...READERS), async (c) => {
    const day = today(c);
    return c.json({ today: day, ...(await q.listExpiredTerms(c.get('db'), scopeOf(c), day, TERM_YEARS)) });
  })
  .get('/options', allow(...READERS), (c) =>
    c.json({
      genders: GENDERS.map((value) => ({ value, label: GENDER_LABELS[value] })),
      educationLevels: EDUCATION_LEVELS.map((value) => ({ value, label: EDUCATION_LABELS[value] })),
      politicalStatuses: POLITICAL_STATUSES.map((value) => ({ value, label: POLITICAL_STATUS_LABELS[value] })),
      ethnicities: ETHNICITY_LIST.map(([value, label]) => ({ value, label })),
      committees: COMMITTEES.map((value) => ({
        value,
        label: COMMITTEE_LABELS[value],
        positions: Object.entries(POSITION_LABELS[value]).map(([position, label]) => ({ value: position, label })),
      })),
      how: POST_HOW.map((value) => ({ value, label: POST_HOW_LABELS[value] })),
      termEndReason: TERM_END_REASON,
      categories: PERSON_CATEGORIES.map((value) => ({ value, label: PERSON_CATEGORY_LABELS[value] })),
      fullIdNumbers: seesFullIdNumbers(currentUser(c).role),
    }),
  )
  .route('/', rosterImport);
