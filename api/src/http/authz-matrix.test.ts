// Issue 11, item 11: the authorization matrix. One declared table says, for every route of the app, who
// may call it (the guard's roles) and which object its path names (the scope rule); the test calls every
// route as every role and as nobody, on an object inside the caller's subtree and one outside it, and
// checks the outcome: 401 without a session, 403 for a role the table does not admit, 404 outside the
// scope, and for the admitted roles inside it an answer of the route itself (2xx, or a 4xx about the
// input: never 401/403, never 404 for an object that exists, never 5xx). A route missing from the
// table, or whose guard disagrees with it, fails the test — so a new route must declare its rule here.
//
// One database, fixtures made once: the demo data (twenty villages with terms, posts, talks, sanctions,
// 三重一大 records and pledge campaigns), with one village moved under a second root so that every kind
// of record also exists outside the callers' subtree.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@qingfeng/db';
import { seedDemo } from '../demo/seed.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { call, createTestContext, createUser, engineLabel, login, type TestContext } from '../testing/harness.ts';
import { guardOf } from './guard.ts';
import { validatorSchemas } from './validate.ts';

const EVERY_ROLE: Role[] = ['admin', 'org_office', 'inspector', 'secretary', 'auditor'];
const CALLERS = ['admin', 'org_office', 'inspector', 'auditor', 'secretary', 'anonymous'] as const;
type Caller = (typeof CALLERS)[number];

/** The record a route's `:id` names; its in- and out-of-scope instances are fixtures below. */
type Scope = 'org' | 'user' | 'person' | 'term' | 'post' | 'talk' | 'sanction' | 'meeting' | 'item' | 'template' | 'campaign';

interface Fixtures {
  rootOrgId: number;
}

interface Expectation {
  /** Exactly the guard's roles ('public': anyone; 'signed-in': any role). */
  roles: Role[] | 'public' | 'signed-in';
  /** The record named by `:id`: inside the caller's subtree it must be reachable, outside it 404. */
  scope?: Scope;
  /** Changes state without a body to validate (a deletion, a deactivation, a logout): admitted roles are
   * not called on the in-scope record (it would vanish for the next role); refusals and 404s still are. */
  effect?: true;
  /** A valid body, so that an out-of-scope write reaches the scope check (otherwise validation may answer first). */
  outBody?: unknown | ((f: Fixtures) => unknown);
}

const EXPECTED: Record<string, Expectation> = {
  'GET /api/health': { roles: 'public' },
  'POST /api/auth/login': { roles: 'public' },
  'POST /api/auth/logout': { roles: 'signed-in', effect: true },
  'GET /api/auth/me': { roles: 'signed-in' },
  'POST /api/auth/password': { roles: 'signed-in' },
  'GET /api/auth/sessions': { roles: 'signed-in' },
  'DELETE /api/auth/sessions/:id': { roles: 'signed-in', effect: true },
  'GET /api/orgs': { roles: EVERY_ROLE },
  'GET /api/orgs/:id': { roles: EVERY_ROLE, scope: 'org' },
  'POST /api/orgs': { roles: ['admin'] },
  'PATCH /api/orgs/:id': { roles: ['admin'], scope: 'org', outBody: { name: '越权改名村', version: 1 } },
  'POST /api/orgs/:id/move': { roles: ['admin'], scope: 'org', outBody: (f: Fixtures) => ({ parentId: f.rootOrgId }) },
  'POST /api/orgs/:id/deactivate': { roles: ['admin'], scope: 'org', effect: true },
  'POST /api/orgs/:id/activate': { roles: ['admin'], scope: 'org', effect: true },
  'GET /api/users': { roles: ['admin'] },
  'GET /api/users/:id': { roles: ['admin'], scope: 'user' },
  'POST /api/users': { roles: ['admin'] },
  'PATCH /api/users/:id': { roles: ['admin'], scope: 'user', outBody: { displayName: '越权', version: 1 } },
  'POST /api/users/:id/disable': { roles: ['admin'], scope: 'user' },
  'POST /api/users/:id/enable': { roles: ['admin'], scope: 'user' },
  'POST /api/users/:id/unlock': { roles: ['admin'], scope: 'user' },
  'POST /api/users/:id/reset-password': { roles: ['admin'], scope: 'user' },
  'GET /api/settings': { roles: ['admin'] },
  'PUT /api/settings/:key': { roles: ['admin'] },
  'GET /api/audit-events': { roles: ['admin', 'auditor'] },
  'GET /api/audit-events/actors': { roles: ['admin', 'auditor'] },
  'GET /api/audit-events/export.xlsx': { roles: ['admin', 'auditor'] },
  'GET /api/audit-events/kinds': { roles: ['admin', 'auditor'] },
  'GET /api/audit-events/verify': { roles: ['admin', 'auditor'] },
  'GET /api/orgs/:id/terms': { roles: EVERY_ROLE, scope: 'org' },
  'GET /api/orgs/:id/post-history': { roles: EVERY_ROLE, scope: 'org' },
  'GET /api/orgs/:id/roster': { roles: EVERY_ROLE, scope: 'org' },
  'GET /api/orgs/:id/roster.xlsx': { roles: EVERY_ROLE, scope: 'org' },
  'GET /api/people': { roles: EVERY_ROLE },
  'GET /api/people/:id': { roles: EVERY_ROLE, scope: 'person' },
  'GET /api/people/:id/post-history': { roles: EVERY_ROLE, scope: 'person' },
  'POST /api/people': { roles: ['org_office'] },
  'PATCH /api/people/:id': { roles: ['org_office'], scope: 'person', outBody: { phone: '13900000000', version: 1 } },
  'GET /api/terms/:id': { roles: EVERY_ROLE, scope: 'term' },
  'GET /api/terms/:id/roster': { roles: EVERY_ROLE, scope: 'term' },
  'POST /api/terms': { roles: ['admin', 'org_office'] },
  'PATCH /api/terms/:id': { roles: ['admin', 'org_office'], scope: 'term', outBody: { electionDate: '2021-01-01', version: 1 } },
  'GET /api/posts/:id': { roles: EVERY_ROLE, scope: 'post' },
  'POST /api/posts': { roles: ['org_office'] },
  'POST /api/posts/:id/end': { roles: ['org_office'], scope: 'post', outBody: { endDate: '2026-01-01', endReason: '越权', version: 1 } },
  'PATCH /api/posts/:id': { roles: ['org_office'], scope: 'post', outBody: { how: 'appointed', reason: '越权更正', version: 1 } },
  'DELETE /api/posts/:id': { roles: ['org_office'], scope: 'post', outBody: { reason: '越权删除' } },
  'GET /api/pledges/templates': { roles: ['org_office', 'inspector', 'auditor'] },
  'POST /api/pledges/templates': { roles: ['org_office', 'inspector'] },
  'GET /api/pledges/templates/:id': { roles: ['org_office', 'inspector', 'auditor'], scope: 'template' },
  'POST /api/pledges/templates/:id/versions': { roles: ['org_office', 'inspector'], scope: 'template' },
  'PUT /api/pledges/templates/:id/versions/:versionId': { roles: ['org_office', 'inspector'], scope: 'template' },
  'POST /api/pledges/templates/:id/versions/:versionId/publish': { roles: ['org_office', 'inspector'], scope: 'template', effect: true },
  'DELETE /api/pledges/templates/:id/versions/:versionId': { roles: ['org_office', 'inspector'], scope: 'template', effect: true },
  'GET /api/pledges/campaigns': { roles: ['org_office', 'inspector', 'auditor', 'secretary'] },
  'POST /api/pledges/campaigns': { roles: ['org_office', 'inspector'] },
  'GET /api/pledges/campaigns/:id': { roles: ['org_office', 'inspector', 'auditor', 'secretary'], scope: 'campaign' },
  'PATCH /api/pledges/campaigns/:id': { roles: ['org_office', 'inspector'], scope: 'campaign', outBody: { title: '越权', version: 1 } },
  'POST /api/pledges/campaigns/:id/signers/preview': { roles: ['org_office', 'inspector'], scope: 'campaign' },
  'GET /api/pledges/campaigns/:id/candidates': { roles: ['org_office', 'inspector'], scope: 'campaign' },
  'POST /api/pledges/campaigns/:id/signers': { roles: ['org_office', 'inspector'], scope: 'campaign' },
  'DELETE /api/pledges/campaigns/:id/signers/:personId': { roles: ['org_office', 'inspector'], scope: 'campaign', effect: true },
  'GET /api/pledges/campaigns/:id/signers': { roles: ['org_office', 'inspector', 'auditor', 'secretary'], scope: 'campaign' },
  'GET /api/pledges/campaigns/:id/signers.xlsx': { roles: ['org_office', 'inspector', 'auditor', 'secretary'], scope: 'campaign' },
  'POST /api/pledges/campaigns/:id/signers/:personId/link': { roles: ['org_office', 'inspector', 'secretary'], scope: 'campaign' },
  'POST /api/pledges/campaigns/:id/signers/:personId/link/revoke': { roles: ['org_office', 'inspector', 'secretary'], scope: 'campaign', effect: true },
  'POST /api/pledges/campaigns/:id/qr-sheet.pdf': { roles: ['org_office', 'inspector', 'secretary'], scope: 'campaign' },
  'GET /api/pledges/campaigns/:id/signatures.pdf': { roles: ['org_office', 'inspector', 'auditor', 'secretary'], scope: 'campaign' },
  'GET /api/pledges/public/links/:token': { roles: 'public' },
  'POST /api/pledges/public/links/:token/open': { roles: 'public' },
  'POST /api/pledges/public/links/:token/sign': { roles: 'public' },
  'POST /api/pledges/public/links/:token/pledge.pdf': { roles: 'public' },
  'GET /api/pledges/public/verify/:code': { roles: 'public' },
  'POST /api/pledges/public/verify-document': { roles: 'public' },
  'GET /api/pledges/mine': { roles: 'signed-in' },
  'GET /api/pledges/mine/:campaignId': { roles: 'signed-in' },
  'POST /api/pledges/mine/:campaignId/sign': { roles: 'signed-in' },
  'GET /api/pledges/signatures/:id/pledge.pdf': { roles: EVERY_ROLE },
  'GET /api/pledges/signatures/:id/certificate.pdf': { roles: EVERY_ROLE },
  'GET /api/reports/pledges': { roles: ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] },
  'GET /api/reports/pledges/records': { roles: ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] },
  'GET /api/roster/options': { roles: EVERY_ROLE },
  'GET /api/roster/term-expiry': { roles: EVERY_ROLE },
  'GET /api/roster/template.xlsx': { roles: ['admin', 'org_office'] },
  'POST /api/roster/import/preview': { roles: ['org_office'] },
  'POST /api/roster/import/commit': { roles: ['org_office'] },
  'GET /api/talks': { roles: ['inspector', 'auditor'] },
  'GET /api/talks/template.xlsx': { roles: ['inspector', 'auditor'] },
  'POST /api/talks/import/preview': { roles: ['inspector'] },
  'POST /api/talks/import/commit': { roles: ['inspector'] },
  'GET /api/talks/register.pdf': { roles: ['inspector', 'auditor'] },
  'GET /api/talks/register.xlsx': { roles: ['inspector', 'auditor'] },
  'GET /api/talks/:id': { roles: ['inspector', 'auditor'], scope: 'talk' },
  'POST /api/talks': { roles: ['inspector'] },
  'PUT /api/talks/:id': { roles: ['inspector'], scope: 'talk' },
  'POST /api/talks/:id/reply': { roles: ['inspector'], scope: 'talk', outBody: { replyDate: '2026-01-05', reply: '越权回复' } },
  'DELETE /api/talks/:id': { roles: ['inspector'], scope: 'talk', outBody: { reason: '越权删除' } },
  'GET /api/sanctions': { roles: ['inspector', 'auditor'] },
  'GET /api/sanctions/template.xlsx': { roles: ['inspector', 'auditor'] },
  'POST /api/sanctions/import/preview': { roles: ['inspector'] },
  'POST /api/sanctions/import/commit': { roles: ['inspector'] },
  'GET /api/sanctions/register.pdf': { roles: ['inspector', 'auditor'] },
  'GET /api/sanctions/register.xlsx': { roles: ['inspector', 'auditor'] },
  'GET /api/sanctions/:id': { roles: ['inspector', 'auditor'], scope: 'sanction' },
  'POST /api/sanctions': { roles: ['inspector'] },
  'PUT /api/sanctions/:id': { roles: ['inspector'], scope: 'sanction' },
  'POST /api/sanctions/:id/revoke': { roles: ['inspector'], scope: 'sanction', outBody: { reason: '越权撤销' } },
  'POST /api/sanctions/:id/appeal': { roles: ['inspector'], scope: 'sanction' },
  'GET /api/discipline/options': { roles: ['inspector', 'auditor', 'org_office'] },
  'GET /api/discipline/people': { roles: ['inspector', 'auditor'] },
  'GET /api/discipline/desk': { roles: ['inspector', 'auditor'] },
  'GET /api/discipline/candidates': { roles: ['inspector', 'auditor', 'org_office'] },
  'GET /api/discipline/candidate-review': { roles: ['inspector', 'auditor', 'org_office'] },
  'GET /api/discipline/candidate-review.pdf': { roles: ['inspector', 'auditor', 'org_office'] },
  'GET /api/people/:id/eligibility': { roles: ['inspector', 'auditor', 'org_office'], scope: 'person' },
  'PUT /api/people/:id/investigation': { roles: ['inspector'], scope: 'person', outBody: { underInvestigation: true, date: '2026-01-05', caseNumber: '越权〔2026〕1号' } },
  'GET /api/people/:id/archive': { roles: ['inspector', 'auditor'], scope: 'person' },
  'GET /api/people/:id/archive.pdf': { roles: ['inspector', 'auditor'], scope: 'person' },
  'GET /api/reports/integrity': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/integrity/records': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/four-forms': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/four-forms/records': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/committee-structure': { roles: ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] },
  'GET /api/reports/committee-structure.xlsx': { roles: ['admin', 'org_office', 'inspector', 'auditor', 'secretary'] },
  'GET /api/documents/:number': { roles: EVERY_ROLE },
  'POST /api/documents/verify': { roles: 'signed-in' },
  'GET /api/decisions/meetings': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'GET /api/decisions/meetings/prefill': { roles: ['org_office', 'secretary'] },
  'POST /api/decisions/meetings': { roles: ['org_office', 'secretary'] },
  'GET /api/decisions/meetings/:id': { roles: ['org_office', 'secretary', 'inspector', 'auditor'], scope: 'meeting' },
  'PATCH /api/decisions/meetings/:id': { roles: ['org_office', 'secretary'], scope: 'meeting', outBody: { place: '越权', version: 1 } },
  'DELETE /api/decisions/meetings/:id': { roles: ['org_office', 'secretary'], scope: 'meeting', effect: true },
  'PUT /api/decisions/meetings/:id/members': { roles: ['org_office', 'secretary'], scope: 'meeting' },
  'POST /api/decisions/items': { roles: ['org_office', 'secretary'] },
  'GET /api/decisions/items/:id': { roles: ['org_office', 'secretary', 'inspector', 'auditor'], scope: 'item' },
  'PATCH /api/decisions/items/:id': { roles: ['org_office', 'secretary'], scope: 'item', outBody: { title: '越权', version: 1 } },
  'DELETE /api/decisions/items/:id': { roles: ['org_office', 'secretary'], scope: 'item', effect: true },
  'PUT /api/decisions/items/:id/opinions': { roles: ['org_office', 'secretary'], scope: 'item' },
  'PUT /api/decisions/items/:id/recusals': { roles: ['org_office', 'secretary'], scope: 'item' },
  'POST /api/decisions/items/:id/close': { roles: ['org_office', 'secretary'], scope: 'item', effect: true },
  'POST /api/decisions/items/:id/amendments': { roles: ['org_office', 'secretary'], scope: 'item' },
  'PUT /api/decisions/items/:id/steps/:step': { roles: ['org_office', 'secretary'], scope: 'item' },
  'DELETE /api/decisions/items/:id/steps/:step': { roles: ['org_office', 'secretary'], scope: 'item', effect: true },
  'POST /api/decisions/items/:id/disclosures': { roles: ['org_office', 'secretary'], scope: 'item' },
  'DELETE /api/decisions/items/:id/disclosures/:disclosureId': { roles: ['org_office', 'secretary'], scope: 'item', effect: true },
  'GET /api/decisions/thresholds/:id': { roles: ['org_office', 'secretary', 'inspector', 'auditor'], scope: 'org' },
  'PUT /api/decisions/thresholds/:id': { roles: ['org_office'], scope: 'org' },
  'GET /api/decisions/register.pdf': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'GET /api/decisions/register.xlsx': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'GET /api/decisions/meetings/:id/minutes.pdf': { roles: ['org_office', 'secretary', 'inspector', 'auditor'], scope: 'meeting' },
  'GET /api/decisions/register/template.xlsx': { roles: ['org_office'] },
  'POST /api/decisions/register/import/preview': { roles: ['org_office'] },
  'POST /api/decisions/register/import/commit': { roles: ['org_office'] },
  'GET /api/reports/decisions': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'GET /api/reports/decisions/items': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'GET /api/attachments': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'POST /api/attachments': { roles: ['org_office', 'secretary'] },
  'GET /api/attachments/:id': { roles: ['org_office', 'secretary', 'inspector', 'auditor'] },
  'DELETE /api/attachments/:id': { roles: ['org_office', 'secretary'], effect: true },
  'GET /api/reports/annual-summary': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/annual-summary.pdf': { roles: ['inspector', 'auditor'] },
  'GET /api/reports/annual-summary.docx': { roles: ['inspector', 'auditor'] },
  'GET /api/exports/documents': { roles: ['auditor', 'admin', 'org_office', 'inspector'] },
  'GET /api/orgs/:id/roster.pdf': { roles: EVERY_ROLE, scope: 'org' },
  'GET /api/reports/committee-structure.pdf': { roles: EVERY_ROLE },
  'GET /api/openapi.json': { roles: 'public' },};

let t: TestContext;
const cookies = {} as Record<Exclude<Caller, 'anonymous'>, string>;
/** Ids by scope rule, inside (the secretary's village 柳河村, or the root) and outside (the moved village). */
const ids = {} as Record<Scope, { in: number; out: number; inVillage: boolean }>;
let templateVersion: { in: number; out: number };
let outVillage: number;

/** Clones a row into another org (generic: every column copied, then overrides; jsonb as an object for postgres.js). */
async function cloneRow(table: string, id: number, overrides: Record<string, unknown>): Promise<number> {
  const r = await sql<{ id: number }>`
    INSERT INTO ${sql.table(table)} OVERRIDING SYSTEM VALUE
    SELECT (jsonb_populate_record(NULL::${sql.table(table)},
      to_jsonb(x) || ${{ ...overrides }}::jsonb || jsonb_build_object('id', nextval(pg_get_serial_sequence(${table}, 'id'))))).*
    FROM ${sql.table(table)} x WHERE x.id = ${id}
    RETURNING id`.execute(t.handle.db);
  return r.rows[0]!.id;
}

const one = async (q: string, ...params: unknown[]) => {
  const strings = Object.assign(q.split('?'), { raw: q.split('?') }) as unknown as TemplateStringsArray;
  const r = await sql<{ id: number }>(strings, ...params).execute(t.handle.db);
  if (!r.rows[0]) throw new Error(`no fixture: ${q}`);
  return r.rows[0].id;
};

beforeAll(async () => {
  const started = Date.now();
  t = await createTestContext();
  const seeded = await seedDemo(t.handle.db, t.clock, () => {});
  expect(seeded.seeded).toBe(true);
  const db = t.handle.db;
  const liuhe = await one(`SELECT id FROM org_unit WHERE name = '柳河村'`);
  // The village with the most 三重一大 meetings besides 柳河村 moves under a second root: its people,
  // terms, posts and records are then outside every caller's subtree.
  outVillage = await one(
    `SELECT o.id FROM org_unit o WHERE o.kind IN ('village', 'community') AND o.id <> ? ORDER BY (SELECT count(*) FROM decision_meeting m WHERE m.org_unit_id = o.id) DESC, o.id LIMIT 1`,
    liuhe,
  );
  const otherRoot = await insertOrg(db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '辖区外街道' });
  await sql`UPDATE org_unit SET parent_id = ${otherRoot.id}, path = ${`${otherRoot.path}${outVillage}/`} WHERE id = ${outVillage}`.execute(db);

  const inOut = async (table: string, inWhere: number, inVillage: boolean) => {
    const inId = await one(`SELECT id FROM ${table} WHERE org_unit_id = ? ORDER BY id LIMIT 1`, inWhere);
    const existing = await sql<{ id: number }>`SELECT id FROM ${sql.table(table)} WHERE org_unit_id = ${outVillage} ORDER BY id LIMIT 1`.execute(db);
    const outId = existing.rows[0]?.id ?? (await cloneRow(table, inId, { org_unit_id: outVillage }));
    return { in: inId, out: outId, inVillage };
  };
  ids.org = { in: liuhe, out: outVillage, inVillage: true };
  ids.person = await inOut('person', liuhe, true);
  ids.term = await inOut('term', liuhe, true);
  ids.post = await inOut('post', liuhe, true);
  ids.meeting = await inOut('decision_meeting', liuhe, true);
  ids.item = { in: await one(`SELECT id FROM decision_item WHERE meeting_id = ? ORDER BY id LIMIT 1`, ids.meeting.in), out: 0, inVillage: true };
  const outItem = await sql<{ id: number }>`SELECT id FROM decision_item WHERE org_unit_id = ${outVillage} ORDER BY id LIMIT 1`.execute(db);
  ids.item.out = outItem.rows[0]?.id ?? (await cloneRow('decision_item', ids.item.in, { org_unit_id: outVillage, meeting_id: ids.meeting.out, deferred_from_item_id: null }));
  // Talks and sanctions: anywhere in the root's subtree (the secretary may not call their routes).
  const talkIn = await one(`SELECT id FROM talk WHERE org_unit_id <> ? ORDER BY id LIMIT 1`, outVillage);
  const outTalk = await sql<{ id: number }>`SELECT id FROM talk WHERE org_unit_id = ${outVillage} LIMIT 1`.execute(db);
  ids.talk = { in: talkIn, out: outTalk.rows[0]?.id ?? (await cloneRow('talk', talkIn, { org_unit_id: outVillage })), inVillage: false };
  const sanctionIn = await one(`SELECT id FROM sanction WHERE org_unit_id <> ? AND status = 'in_force' ORDER BY id LIMIT 1`, outVillage);
  const outSanction = await sql<{ id: number }>`SELECT id FROM sanction WHERE org_unit_id = ${outVillage} AND status = 'in_force' LIMIT 1`.execute(db);
  ids.sanction = { in: sanctionIn, out: outSanction.rows[0]?.id ?? (await cloneRow('sanction', sanctionIn, { org_unit_id: outVillage })), inVillage: false };
  // Pledge templates and campaigns belong to the subdistrict: their outside copies to the other root.
  const templateIn = await one(`SELECT id FROM pledge_template ORDER BY id LIMIT 1`);
  const templateOut = await cloneRow('pledge_template', templateIn, { org_unit_id: otherRoot.id });
  const versionIn = await one(`SELECT id FROM pledge_template_version WHERE template_id = ? ORDER BY id LIMIT 1`, templateIn);
  const versionOut = await cloneRow('pledge_template_version', versionIn, { template_id: templateOut });
  ids.template = { in: templateIn, out: templateOut, inVillage: false };
  templateVersion = { in: versionIn, out: versionOut };
  const campaignIn = await one(`SELECT id FROM pledge_campaign ORDER BY id LIMIT 1`);
  ids.campaign = { in: campaignIn, out: await cloneRow('pledge_campaign', campaignIn, { org_unit_id: otherRoot.id, template_version_id: versionOut }), inVillage: false };

  const roles: Exclude<Caller, 'anonymous'>[] = ['admin', 'org_office', 'inspector', 'auditor', 'secretary'];
  for (const role of roles) {
    await createUser(t, { username: `m_${role}`, role, orgUnitId: role === 'secretary' ? liuhe : t.rootOrgId });
    cookies[role] = await login(t.app, `m_${role}`);
  }
  // Users as objects: one in 柳河村, one in the moved village.
  ids.user = { in: (await createUser(t, { username: 'm_target_in', role: 'secretary', orgUnitId: liuhe })).id, out: (await createUser(t, { username: 'm_target_out', role: 'secretary', orgUnitId: outVillage })).id, inVillage: true };
  console.log(`authz matrix (${engineLabel()}): fixtures in ${Date.now() - started} ms`);
}, 240_000);
afterAll(async () => {
  await t?.close();
});

interface RouteInfo {
  key: string;
  method: string;
  path: string;
  roles: string[];
  /** A body or query validator runs before the handler (and may answer 400 before the scope lookup). */
  validated: boolean;
}

function appRoutes(): RouteInfo[] {
  const seen = new Map<string, RouteInfo>();
  for (const r of t.app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { key, method: r.method, path: r.path, roles: guardOf(r.handler) ?? [], validated: false });
    const handler = r.handler as Function & { __COMPOSED_HANDLER?: Function };
    const vs = validatorSchemas.get(handler) ?? (handler.__COMPOSED_HANDLER && validatorSchemas.get(handler.__COMPOSED_HANDLER));
    if (vs && vs.target !== 'param') seen.get(key)!.validated = true;
  }
  return [...seen.values()];
}

/** The path with its parameters filled: the scope's record for `:id`, placeholders elsewhere. */
function concrete(route: RouteInfo, exp: Expectation, side: 'in' | 'out'): { path: string; placeholders: boolean } {
  let placeholders = false;
  const path = route.path.replace(/:(\w+)(\{[^}]*\})?\??/g, (_m, name: string) => {
    if (name === 'id' && exp.scope) return String(ids[exp.scope][side]);
    if (name === 'versionId' && exp.scope === 'template') return String(templateVersion[side]);
    if (name === 'personId' && exp.scope) return String(ids.person[side]);
    if (name === 'key') return 'login.maxFailures';
    placeholders = true;
    return name === 'id' || name.endsWith('Id') || name === 'number' ? '1' : 'x';
  });
  return { path, placeholders };
}

const denied = (exp: Expectation, caller: Caller) =>
  caller === 'anonymous' ? exp.roles !== 'public' : Array.isArray(exp.roles) && !exp.roles.includes(caller);

interface Outcome {
  route: string;
  caller: Caller;
  side: 'in' | 'out' | '-';
  status: number;
  expected: string;
}

async function request(route: RouteInfo, path: string, caller: Caller, body: unknown): Promise<number> {
  const sendsBody = route.method !== 'GET' && route.method !== 'HEAD';
  const res = await call(t.app, route.method, path, { ...(caller !== 'anonymous' && { cookie: cookies[caller] }), ...(sendsBody && { json: body }) });
  // Documents stream: the status is all we need, and cancelling stops the drawing.
  if ((res.headers.get('content-type') ?? '').includes('json')) await res.text();
  else await res.body?.cancel();
  return res.status;
}

describe(`authorization matrix (${engineLabel()})`, () => {
  it('declares every route, with exactly its guard’s roles', () => {
    const routes = appRoutes();
    const undeclared = routes.filter((r) => !Object.hasOwn(EXPECTED, r.key)).map((r) => r.key);
    expect(undeclared, 'routes without a declared expectation: add them to EXPECTED').toEqual([]);
    const stale = Object.keys(EXPECTED).filter((k) => !routes.some((r) => r.key === k));
    expect(stale, 'declared routes the app no longer has').toEqual([]);
    for (const r of routes) {
      const exp = EXPECTED[r.key]!;
      const declared = exp.roles === 'public' ? ['public'] : exp.roles === 'signed-in' ? ['signed-in'] : [...exp.roles].sort();
      expect([...r.roles].sort(), r.key).toEqual(declared);
      // A scoped route names its record in the path.
      if (exp.scope) expect(r.path, r.key).toMatch(/:id\b/);
    }
  });

  it('answers every route × role × in/out-of-scope record as declared', async () => {
    const started = Date.now();
    const failures: Outcome[] = [];
    let calls = 0;
    const check = (o: Omit<Outcome, 'expected'>, ok: boolean, expected: string) => {
      calls++;
      if (!ok) failures.push({ ...o, expected });
    };
    const fixtures: Fixtures = { rootOrgId: t.rootOrgId };
    for (const route of appRoutes()) {
      const exp = EXPECTED[route.key];
      if (!exp) continue; // reported by the test above
      const invalidBody = {}; // fails validation wherever a body is required: no side effects
      for (const caller of CALLERS) {
        const sides: ('in' | 'out')[] = exp.scope ? ['in', 'out'] : ['in'];
        for (const side of sides) {
          const { path, placeholders } = concrete(route, exp, side);
          const o = { route: route.key, caller, side: exp.scope ? side : ('-' as const) };
          if (denied(exp, caller)) {
            const status = await request(route, path, caller, invalidBody);
            const want = caller === 'anonymous' ? 401 : 403;
            check({ ...o, status }, status === want, String(want));
            continue;
          }
          if (side === 'out') {
            // Outside the subtree: 404 — or, when validation stands before the lookup (no valid body
            // declared, or placeholder parameters), a 400; never an answer about the record.
            const body = typeof exp.outBody === 'function' ? exp.outBody(fixtures) : (exp.outBody ?? invalidBody);
            const status = await request(route, path, caller, body);
            const loose = (route.validated && exp.outBody === undefined) || placeholders;
            check({ ...o, status }, status === 404 || (loose && status === 400), loose ? '404 (or 400)' : '404');
            continue;
          }
          if (exp.effect) continue; // see Expectation.effect
          const status = await request(route, path, caller, invalidBody);
          // The secretary's subtree is one village: records above it (campaigns, talks) may be 404 for them.
          const reachable = exp.scope !== undefined && !placeholders && (caller !== 'secretary' || ids[exp.scope].inVillage);
          const ok = status < 500 && status !== 401 && status !== 403 && !(reachable && status === 404);
          check({ ...o, status }, ok, reachable ? '2xx or 4xx about the input (not 401/403/404)' : '2xx or 4xx about the input (not 401/403)');
        }
      }
    }
    const ms = Date.now() - started;
    console.log(`authz matrix (${engineLabel()}): ${calls} calls in ${ms} ms`);
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
  }, 600_000);
});
