import { expectPdfA2b } from '../../testing/pdfa.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { call, createOrg, createTestContext, createUser, engineLabel, login, usingPostgres, type TestContext } from '../../testing/harness.ts';
import { insertPerson, insertPost, insertTerm } from '../roster/queries.ts';
import { testIdNumber } from '../roster/test-helpers.ts';
import { sha256Hex } from '../../pdf/hash.ts';
import { drawnSignaturePng } from './png.ts';
import { publicLimiters } from './rate-limit.ts';
import { canonicalPledgeText } from './rules.ts';

let t: TestContext;
let villageA: { id: number; path: string };
let villageB: { id: number; path: string };
let office: string;
let auditor: string;
let secretaryA: string;
let secretaryB: string;
const persons: Record<string, { id: number; idNumber: string }> = {};

const dataUrl = (seed: number) => `data:image/png;base64,${Buffer.from(drawnSignaturePng(seed)).toString('base64')}`;
const DAY = 86_400_000;

async function person(key: string, orgUnitId: number, name: string, n: number, category: 'village_cadre' | 'civil_servant' = 'village_cadre') {
  const idNumber = testIdNumber('1980-06-15', 'male', n);
  const id = await insertPerson(
    t.handle.db,
    {
      org_unit_id: orgUnitId,
      name,
      gender: 'male',
      id_number: idNumber,
      birth_date: '1980-06-15',
      ethnicity: '01',
      political_status: 'cpc_member',
      party_join_date: '2005-07-01',
      education_full_time: 'high_school',
      education_highest: 'associate',
      phone: null,
      is_veteran: false,
    },
    t.clock.now(),
  );
  if (category !== 'village_cadre') await t.handle.db.updateTable('person').set({ category }).where('id', '=', id).execute();
  persons[key] = { id, idNumber };
  return id;
}

async function post(personId: number, orgUnitId: number, termId: number, committee: 'party' | 'residents', position: 'secretary' | 'member' | 'director') {
  await insertPost(t.handle.db, { person_id: personId, org_unit_id: orgUnitId, term_id: termId, committee, position, start_date: '2021-01-10', end_date: null, end_reason: null, how: 'elected' });
}

beforeAll(async () => {
  t = await createTestContext();
  villageA = await createOrg(t, t.rootOrgId, 'village', '柳河村');
  villageB = await createOrg(t, t.rootOrgId, 'village', '石桥村');
  const termA = await insertTerm(t.handle.db, { orgUnitId: villageA.id, ordinal: 11, electionDate: '2021-01-10', startDate: '2021-01-10', endDate: null });
  const termB = await insertTerm(t.handle.db, { orgUnitId: villageB.id, ordinal: 11, electionDate: '2021-01-10', startDate: '2021-01-10', endDate: null });
  await post(await person('zhang', villageA.id, '张晓明', 1), villageA.id, termA.id, 'party', 'secretary');
  await post(await person('li', villageA.id, '李红', 2), villageA.id, termA.id, 'residents', 'member');
  await post(await person('wang', villageB.id, '王建国', 3), villageB.id, termB.id, 'party', 'secretary');
  await person('zhao', villageA.id, '赵不在任', 4); // no post: not selected by the committee filter
  await person('qian', t.rootOrgId, '钱机关', 5, 'civil_servant');
  await createUser(t, { username: 'office', role: 'org_office' });
  await createUser(t, { username: 'auditor', role: 'auditor' });
  await createUser(t, { username: 'secA', role: 'secretary', orgUnitId: villageA.id, personId: persons.zhang!.id });
  await createUser(t, { username: 'secB', role: 'secretary', orgUnitId: villageB.id, personId: persons.wang!.id });
  await relogin();
});

/** Sessions time out when the test clock jumps days ahead: sign everyone in again. */
async function relogin() {
  office = await login(t.app, 'office');
  auditor = await login(t.app, 'auditor');
  secretaryA = await login(t.app, 'secA');
  secretaryB = await login(t.app, 'secB');
}
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  publicLimiters.link.reset();
  publicLimiters.verify.reset();
});

const TEXT = ['一、严守政治纪律和政治规矩。', '二、不利用职务之便谋取私利。'];
let templateId: number;
let v1: number;
let campaignId: number;

async function json<T = any>(res: Response, status: number): Promise<T> {
  const body = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${body}`);
  return JSON.parse(body) as T;
}

async function issueLink(personKey: string): Promise<string> {
  const r = await json(await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers/${persons[personKey]!.id}/link`, { cookie: office }), 200);
  expect(r.url).toMatch(/^http:\/\/qingfeng\.test\/sign\/[a-z0-9]{24}$/);
  return r.url.split('/sign/')[1];
}

describe(`pledges (${engineLabel()})`, () => {
  it('creates a template, publishes v1, and the database refuses to change it', async () => {
    const created = await json(
      await call(t.app, 'POST', '/api/pledges/templates', { cookie: office, json: { name: '廉洁自律承诺书', audience: '两委成员', version: { title: '廉洁自律承诺书', paragraphs: TEXT } } }),
      201,
    );
    templateId = created.id;
    v1 = created.versionId;
    // A draft can be edited.
    await json(await call(t.app, 'PUT', `/api/pledges/templates/${templateId}/versions/${v1}`, { cookie: office, json: { title: '廉洁自律承诺书', paragraphs: TEXT, version: 1 } }), 200);
    await json(await call(t.app, 'POST', `/api/pledges/templates/${templateId}/versions/${v1}/publish`, { cookie: office }), 200);
    const put = await call(t.app, 'PUT', `/api/pledges/templates/${templateId}/versions/${v1}`, { cookie: office, json: { title: 'x', paragraphs: ['y'], version: 2 } });
    expect(put.status).toBe(409);
    await expect(sql`UPDATE pledge_template_version SET title = 'changed' WHERE id = ${v1}`.execute(t.handle.db)).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM pledge_template_version WHERE id = ${v1}`.execute(t.handle.db)).rejects.toThrow(/immutable/);
    // Auditors read, never write.
    expect((await call(t.app, 'GET', `/api/pledges/templates/${templateId}`, { cookie: auditor })).status).toBe(200);
    expect((await call(t.app, 'POST', '/api/pledges/templates', { cookie: auditor, json: { name: 'x', version: { title: 'x', paragraphs: ['x'] } } })).status).toBe(403);
  });

  it('runs a campaign: signers by filter (两委 in office + 机关干部), by hand, and its dashboard', async () => {
    const c = await json(
      await call(t.app, 'POST', '/api/pledges/campaigns', { cookie: office, json: { title: '2026年度廉洁承诺', templateVersionId: v1, startDate: '2026-03-01', dueDate: '2026-03-10' } }),
      201,
    );
    campaignId = c.id;
    const preview = await json(
      await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers/preview`, { cookie: office, json: { committeeMembers: 'all', categories: ['civil_servant'] } }),
      200,
    );
    expect(preview.items.map((p: { name: string }) => p.name).sort()).toEqual(['张晓明', '李红', '王建国', '钱机关'].sort());
    const added = await json(await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers`, { cookie: office, json: { filter: { committeeMembers: 'all', categories: ['civil_servant'] } } }), 200);
    expect(added.added).toBe(4);
    // Somebody joining later is added by hand.
    expect((await json(await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers`, { cookie: office, json: { personIds: [persons.zhao!.id] } }), 200)).added).toBe(1);
    const view = await json(await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}`, { cookie: office }), 200);
    expect(view.progress.total).toEqual({ total: 5, signed: 0, pending: 5, overdue: 0 });
    // The secretary of 柳河村 sees only their village's signers.
    const own = await json(await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}`, { cookie: secretaryA }), 200);
    expect(own.progress.total.total).toBe(3);
    expect(own.canManage).toBe(false);
    expect((await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers`, { cookie: secretaryA, json: { personIds: [persons.zhao!.id] } })).status).toBe(403);
    // 张晓明 has an account: the home page lists the campaign.
    const mine = await json(await call(t.app, 'GET', '/api/pledges/mine', { cookie: secretaryA }), 200);
    expect(mine.pending).toHaveLength(1);
    expect(mine.pending[0].campaignId).toBe(campaignId);
  });

  it('signs logged in with the password; wrong passwords are counted like failed logins', async () => {
    const wrong = await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryA, json: { image: dataUrl(1), password: 'wrong-password' } });
    expect(wrong.status).toBe(400);
    const counter = await t.handle.db.selectFrom('login_throttle').select('failures').where('scope', '=', 'account').where('account', '=', 'seca').executeTakeFirstOrThrow();
    expect(counter.failures).toBe(1);
    // A blank pad is refused.
    const blank = new Uint8Array(drawnSignaturePng(1)).fill(0);
    expect((await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryA, json: { image: `data:image/png;base64,${Buffer.from(blank).toString('base64')}`, password: 'Test-Passw0rd!' } })).status).toBe(400);
    t.clock.advance(60_000);
    const ok = await json(
      await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryA, json: { image: dataUrl(1), password: 'Test-Passw0rd!' }, headers: { 'user-agent': 'TestPhone/1.0' } }),
      201,
    );
    expect(ok.verificationCode).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect((await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryA, json: { image: dataUrl(1), password: 'Test-Passw0rd!' } })).status).toBe(409);
    const row = await t.handle.db.selectFrom('pledge_signature').selectAll().where('verification_code', '=', ok.verificationCode).executeTakeFirstOrThrow();
    // The stored hashes are those of the exact text and image.
    expect(row.text_sha256).toBe(
      sha256Hex(canonicalPledgeText({ campaignId, personId: persons.zhang!.id, signerName: '张晓明', templateVersionId: v1, title: '廉洁自律承诺书', paragraphs: TEXT })),
    );
    expect(row.image_sha256).toBe(sha256Hex(drawnSignaturePng(1)));
    expect(sha256Hex(new Uint8Array(row.image_png))).toBe(row.image_sha256);
    expect(row.auth_method).toBe('password');
    expect(row.user_agent).toBe('TestPhone/1.0');
    expect(row.signed_at.toISOString()).toBe(t.clock.now().toISOString());
    const mine = await json(await call(t.app, 'GET', '/api/pledges/mine', { cookie: secretaryA }), 200);
    expect(mine.pending).toHaveLength(0);
    expect(mine.signed).toHaveLength(1);
  });

  it('refuses raw UPDATE and DELETE of a signature at the database', async () => {
    const { id } = await t.handle.db.selectFrom('pledge_signature').select('id').executeTakeFirstOrThrow();
    await expect(sql`UPDATE pledge_signature SET signer_name = '别人' WHERE id = ${id}`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM pledge_signature WHERE id = ${id}`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE pledge_signature CASCADE`.execute(t.handle.db)).rejects.toThrow(/append-only/);
    expect((await t.handle.db.selectFrom('pledge_signature').select('signer_name').where('id', '=', id).executeTakeFirstOrThrow()).signer_name).toBe('张晓明');
  });

  it('gives the same PDF bytes on every download, registered at signing', async () => {
    const { id, verification_code } = await t.handle.db.selectFrom('pledge_signature').select(['id', 'verification_code']).executeTakeFirstOrThrow();
    const first = await call(t.app, 'GET', `/api/pledges/signatures/${id}/pledge.pdf`, { cookie: secretaryA });
    expect(first.status).toBe(200);
    const a = new Uint8Array(await first.arrayBuffer());
    t.clock.advance(3 * DAY);
    await relogin();
    // Renaming the campaign or the village later changes nothing in the signed document.
    await json(await call(t.app, 'PATCH', `/api/pledges/campaigns/${campaignId}`, { cookie: office, json: { title: '改名后的活动', version: 1 } }), 200);
    await t.handle.db.updateTable('org_unit').set({ name: '柳河村（改名）' }).where('id', '=', villageA.id).execute();
    const b = new Uint8Array(await (await call(t.app, 'GET', `/api/pledges/signatures/${id}/pledge.pdf`, { cookie: office })).arrayBuffer());
    expect(sha256Hex(b)).toBe(sha256Hex(a));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    await t.handle.db.updateTable('org_unit').set({ name: '柳河村' }).where('id', '=', villageA.id).execute();
    const doc = await t.handle.db.selectFrom('document').select(['file_sha256', 'number']).where('kind', '=', 'pledge').executeTakeFirstOrThrow();
    expect(doc.file_sha256).toBe(sha256Hex(a));
    expect(first.headers.get('x-document-number')).toBe(doc.number);
    // The uploaded copy checks out against the registry (public, no login) and against its code.
    const form = new FormData();
    form.append('file', new File([a], 'pledge.pdf', { type: 'application/pdf' }));
    form.append('code', verification_code);
    const res = await t.app.request('http://qingfeng.test/api/pledges/public/verify-document', { method: 'POST', body: form, headers: { origin: 'http://qingfeng.test' } });
    const checked = await json(res, 200);
    expect(checked).toMatchObject({ match: true, matchesCode: true, document: { number: doc.number, kind: 'pledge' } });
    const text = Buffer.from(a).toString('latin1');
    expect(text).not.toMatch(/Helvetica/);
    // PDF/A-2b, its XMP dates the signing time (not the download's), so the bytes stay the same.
    const { signed_at } = await t.handle.db.selectFrom('pledge_signature').select('signed_at').where('id', '=', id).executeTakeFirstOrThrow();
    const facts = expectPdfA2b(a, 'signed-pledge');
    expect(facts.createDate).toBe(`${new Date(signed_at).toISOString().slice(0, 19)}Z`);
    expect(facts.modifyDate).toBe(facts.createDate);
    // The certificate is a separate, registered document.
    const cert = await call(t.app, 'GET', `/api/pledges/signatures/${id}/certificate.pdf`, { cookie: auditor });
    expect(cert.status).toBe(200);
    expect(cert.headers.get('content-type')).toBe('application/pdf');
    expectPdfA2b(new Uint8Array(await cert.arrayBuffer()), 'pledge-certificate');
    // Another village's secretary cannot download it.
    expect((await call(t.app, 'GET', `/api/pledges/signatures/${id}/pledge.pdf`, { cookie: secretaryB })).status).toBe(404);
  });

  it('one-time link: nothing before the gate, 5 wrong suffixes void it', async () => {
    const token = await issueLink('li');
    const state = await json(await call(t.app, 'GET', `/api/pledges/public/links/${token}`), 200);
    expect(state).toMatchObject({ state: 'active', attemptsLeft: 5 });
    expect(JSON.stringify(state)).not.toMatch(/李|name|idNumber/);
    // The stored row holds only the token's hash.
    const stored = await t.handle.db.selectFrom('pledge_link').select('token_sha256').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(stored.token_sha256).toBe(sha256Hex(token));
    for (let i = 1; i <= 4; i++) {
      const r = await call(t.app, 'POST', `/api/pledges/public/links/${token}/open`, { json: { idSuffix: '000000' } });
      expect(r.status).toBe(400);
      expect((await r.json()).error.details.attemptsLeft).toBe(5 - i);
    }
    const fifth = await call(t.app, 'POST', `/api/pledges/public/links/${token}/open`, { json: { idSuffix: '111111' } });
    expect(fifth.status).toBe(410);
    // Even the right suffix no longer opens it.
    const right = persons.li!.idNumber.slice(-6);
    expect((await call(t.app, 'POST', `/api/pledges/public/links/${token}/open`, { json: { idSuffix: right } })).status).toBe(410);
    expect((await json(await call(t.app, 'GET', `/api/pledges/public/links/${token}`), 200)).state).toBe('voided');
  });

  it('re-issuing revokes the old link; a link expires after 14 days; revocation works', async () => {
    const old = await issueLink('li');
    const fresh = await issueLink('li');
    expect((await json(await call(t.app, 'GET', `/api/pledges/public/links/${old}`), 200)).state).toBe('revoked');
    const right = persons.li!.idNumber.slice(-6).toLowerCase();
    const opened = await json(await call(t.app, 'POST', `/api/pledges/public/links/${fresh}/open`, { json: { idSuffix: right } }), 200);
    expect(opened.text.paragraphs).toEqual(TEXT);
    expect(opened.signer.name).toBe('李红');
    t.clock.advance(14 * DAY);
    expect((await call(t.app, 'POST', `/api/pledges/public/links/${fresh}/open`, { json: { idSuffix: right } })).status).toBe(410);
    t.clock.advance(-14 * DAY + 1000);
    await relogin();
    const another = await issueLink('li');
    await json(await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/signers/${persons.li!.id}/link/revoke`, { cookie: office }), 200);
    expect((await call(t.app, 'POST', `/api/pledges/public/links/${another}/open`, { json: { idSuffix: right } })).status).toBe(410);
  });

  it('signs through a link after the gate, and the signer downloads the pledge', async () => {
    const token = await issueLink('li');
    const suffix = persons.li!.idNumber.slice(-6);
    // A wrong suffix at signing counts too.
    expect((await call(t.app, 'POST', `/api/pledges/public/links/${token}/sign`, { json: { idSuffix: '123456', image: dataUrl(2) } })).status).toBe(400);
    const signed = await json(await call(t.app, 'POST', `/api/pledges/public/links/${token}/sign`, { json: { idSuffix: suffix, image: dataUrl(2) } }), 201);
    expect((await json(await call(t.app, 'GET', `/api/pledges/public/links/${token}`), 200)).state).toBe('used');
    expect((await call(t.app, 'POST', `/api/pledges/public/links/${token}/sign`, { json: { idSuffix: suffix, image: dataUrl(2) } })).status).toBe(410);
    const pdf = await call(t.app, 'POST', `/api/pledges/public/links/${token}/pledge.pdf`, { json: { idSuffix: suffix } });
    expect(pdf.status).toBe(200);
    const row = await t.handle.db.selectFrom('pledge_signature').select(['auth_method', 'link_id', 'user_id']).where('verification_code', '=', signed.verificationCode).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ auth_method: 'link', user_id: null });
    const view = await json(await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}`, { cookie: office }), 200);
    expect(view.progress.total).toMatchObject({ total: 5, signed: 2, pending: 3 });
  });

  it('verify page: good, tampered and unknown codes; masked name, no personal data', async () => {
    const rows = await t.handle.db.selectFrom('pledge_signature').select(['id', 'verification_code']).orderBy('id').execute();
    const good = await json(await call(t.app, 'GET', `/api/pledges/public/verify/${rows[0]!.verification_code.toLowerCase()}`), 200);
    expect(good).toMatchObject({ maskedName: '张*明', integrity: { intact: true, textOk: true, imageOk: true }, superseded: false, versionNo: 1 });
    const body = JSON.stringify(good);
    expect(body).not.toContain(persons.zhang!.idNumber);
    expect(body).not.toContain('张晓明');
    expect(body).not.toMatch(/"ip"|userAgent|TestPhone/);
    expect((await call(t.app, 'GET', '/api/pledges/public/verify/AAAA-BBBB-CCCC')).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/pledges/public/verify/not-a-code')).status).toBe(404);
    // Tampering needs the table owner to switch the trigger off; the recomputed hash then disagrees.
    const target = rows[1]!;
    await sql`ALTER TABLE pledge_signature DISABLE TRIGGER pledge_signature_no_update_delete`.execute(t.handle.db);
    await sql`UPDATE pledge_signature SET image_png = ${drawnSignaturePng(99)} WHERE id = ${target.id}`.execute(t.handle.db);
    await sql`ALTER TABLE pledge_signature ENABLE TRIGGER pledge_signature_no_update_delete`.execute(t.handle.db);
    const tampered = await json(await call(t.app, 'GET', `/api/pledges/public/verify/${target.verification_code}`), 200);
    expect(tampered.integrity).toMatchObject({ intact: false, imageOk: false, textOk: true });
  });

  it('rate-limits the public routes per IP', async () => {
    let last = 200;
    for (let i = 0; i < 61; i++) last = (await call(t.app, 'GET', '/api/pledges/public/verify/AAAA-BBBB-CCCC')).status;
    expect(last).toBe(429);
  });

  it('a new version needs a new signature, which supersedes and does not add to the figure', async () => {
    const v2 = await json(
      await call(t.app, 'POST', `/api/pledges/templates/${templateId}/versions`, { cookie: office, json: { title: '廉洁自律承诺书', paragraphs: [...TEXT, '三、自觉接受监督。'] } }),
      201,
    );
    await json(await call(t.app, 'POST', `/api/pledges/templates/${templateId}/versions/${v2.id}/publish`, { cookie: office }), 200);
    await json(await call(t.app, 'PATCH', `/api/pledges/campaigns/${campaignId}`, { cookie: office, json: { templateVersionId: v2.id, version: 2 } }), 200);
    const before = await json(await call(t.app, 'GET', '/api/reports/pledges?year=2026', { cookie: auditor }), 200);
    expect(before.pledgesSigned).toBe(2);
    // 张晓明 must sign again.
    const mine = await json(await call(t.app, 'GET', '/api/pledges/mine', { cookie: secretaryA }), 200);
    expect(mine.pending[0]).toMatchObject({ campaignId, resign: true });
    t.clock.advance(60_000);
    const again = await json(await call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryA, json: { image: dataUrl(3), password: 'Test-Passw0rd!' } }), 201);
    const chain = await t.handle.db.selectFrom('pledge_signature').select(['id', 'supersedes_id', 'verification_code']).where('person_id', '=', persons.zhang!.id).orderBy('id').execute();
    expect(chain).toHaveLength(2);
    expect(chain[1]!.supersedes_id).toBe(chain[0]!.id);
    expect(chain[1]!.verification_code).toBe(again.verificationCode);
    const old = await json(await call(t.app, 'GET', `/api/pledges/public/verify/${chain[0]!.verification_code}`), 200);
    expect(old.superseded).toBe(true);
    const after = await json(await call(t.app, 'GET', '/api/reports/pledges?year=2026', { cookie: auditor }), 200);
    expect(after.pledgesSigned).toBe(2);
    expect(after.phrase).toBe('2份');
    // Drill-down: the same filter, the same count.
    const records = await json(await call(t.app, 'GET', '/api/reports/pledges/records?year=2026', { cookie: auditor }), 200);
    expect(records.total).toBe(after.pledgesSigned);
    expect(records.items).toHaveLength(after.pledgesSigned);
    const byVillage = after.byVillage.find((r: { orgName: string }) => r.orgName === '柳河村');
    expect(byVillage.pledgesSigned).toBe(2);
    const villageRecords = await json(await call(t.app, 'GET', `/api/reports/pledges/records?year=2026&village=${villageA.id}`, { cookie: auditor }), 200);
    expect(villageRecords.total).toBe(2);
    // Another year has none.
    expect((await json(await call(t.app, 'GET', '/api/reports/pledges?year=2025', { cookie: auditor }), 200)).pledgesSigned).toBe(0);
  });

  it('lists signers with status and exports them as Excel; overdue after the due date', async () => {
    t.clock.current = new Date('2026-03-11T01:00:00Z');
    await relogin();
    const list = await json(await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}/signers?status=overdue`, { cookie: office }), 200);
    // 李红 signed version 1; since the campaign moved to version 2 she is due again, and now overdue.
    expect(list.items.map((r: { name: string }) => r.name).sort()).toEqual(['李红', '王建国', '赵不在任', '钱机关'].sort());
    const xlsx = await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}/signers.xlsx`, { cookie: auditor });
    expect(xlsx.status).toBe(200);
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    // Signed signers cannot be removed; pending ones can.
    expect((await call(t.app, 'DELETE', `/api/pledges/campaigns/${campaignId}/signers/${persons.zhang!.id}`, { cookie: office })).status).toBe(409);
    expect((await call(t.app, 'DELETE', `/api/pledges/campaigns/${campaignId}/signers/${persons.zhao!.id}`, { cookie: office })).status).toBe(200);
  });

  it('QR sheet for a village issues links for pending signers without accounts; combined PDF', async () => {
    // 王建国 in 石桥村 has an account (secB); nobody else is pending there.
    const sheetB = await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/qr-sheet.pdf?org=${villageB.id}`, { cookie: secretaryB });
    expect(sheetB.status).toBe(200);
    // The secretary of 石桥村 cannot print 柳河村's sheet.
    expect((await call(t.app, 'POST', `/api/pledges/campaigns/${campaignId}/qr-sheet.pdf?org=${villageA.id}`, { cookie: secretaryB })).status).toBe(404);
    const combined = await call(t.app, 'GET', `/api/pledges/campaigns/${campaignId}/signatures.pdf`, { cookie: auditor });
    expect(combined.status).toBe(200);
    const combinedBytes = new Uint8Array(await combined.arrayBuffer());
    expect(combinedBytes.byteLength).toBeGreaterThan(1000);
    expectPdfA2b(combinedBytes, 'pledges-combined');
  });
});

describe.runIf(usingPostgres())('pledges under concurrency (postgresql)', () => {
  it('two simultaneous signatures of one signer: one wins', async () => {
    const sign = () => call(t.app, 'POST', `/api/pledges/mine/${campaignId}/sign`, { cookie: secretaryB, json: { image: dataUrl(7), password: 'Test-Passw0rd!' } });
    const results = await Promise.all([sign(), sign()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });
});
