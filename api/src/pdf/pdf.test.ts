import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Committee, EducationLevel, Gender, Position } from '@qingfeng/db';
import { sealIdNumber } from '@qingfeng/db';
import { idChecksumChar } from '../modules/roster/identity.ts';
import { call, createOrg, createUserAndLogin, engineLabel, TEST_ORIGIN, type TestContext, createTestContext } from '../testing/harness.ts';
import { expectPdfA2b } from '../testing/pdfa.ts';
import { canonicalJson, checkCode, contentHash, sha256Hex, shanghaiDateTime } from './hash.ts';

let t: TestContext;
let dir: string;
let villageA: { id: number; name: string };
let villageB: { id: number; name: string };
let bigVillage: { id: number; name: string };
let auditor: { cookie: string };
let office: { cookie: string };

// ---- fixtures: people, terms and posts written straight into the tables ----

let serial = 0;
function idNumber(birth: string, gender: Gender): string {
  serial++;
  const seq = (serial * 2 + (gender === 'male' ? 1 : 0)) % 1000;
  const first17 = `370302${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + idChecksumChar(first17);
}

async function addPerson(orgId: number, p: { name: string; gender: Gender; birth: string; education?: EducationLevel; party?: boolean }) {
  const row = await t.handle.db
    .insertInto('person')
    .values({
      org_unit_id: orgId,
      name: p.name,
      gender: p.gender,
      ...sealIdNumber(t.handle.db, idNumber(p.birth, p.gender)),
      birth_date: p.birth,
      ethnicity: '01',
      political_status: p.party === false ? 'masses' : 'cpc_member',
      education_highest: p.education ?? 'associate',
      updated_at: new Date(),
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return row;
}

async function addTerm(orgId: number, ordinal: number, electionDate: string, startDate: string, endDate: string | null = null) {
  return t.handle.db
    .insertInto('term')
    .values({ org_unit_id: orgId, ordinal, election_date: electionDate, start_date: startDate, end_date: endDate })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function addPost(personId: number, orgId: number, termId: number, committee: Committee, position: Position, start: string) {
  await t.handle.db
    .insertInto('post')
    .values({ person_id: personId, org_unit_id: orgId, term_id: termId, committee, position, start_date: start, how: 'elected' })
    .execute();
}

// ---- helpers ----

async function download(path: string, cookie: string) {
  const res = await call(t.app, 'GET', path, { cookie });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

/** pdftotext in content-stream order (-raw), one string per page. */
function pdfPages(bytes: Uint8Array): string[] {
  const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (process.env.QF_PDF_DUMP) writeFileSync(join(process.env.QF_PDF_DUMP, `${path_safe(text.slice(0, 20))}.pdf`), bytes);
  return text.split('\f').slice(0, -1);
}
const path_safe = (s: string) => s.replace(/[^\p{L}\p{N}]+/gu, '_');
const squash = (s: string) => s.replace(/\s+/g, '');

function pdfFonts(bytes: Uint8Array): string {
  const file = join(dir, `fonts-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdffonts', [file], { encoding: 'utf8' });
}

async function verify(bytes: Uint8Array, cookie: string) {
  const form = new FormData();
  form.append('file', new File([new Uint8Array(bytes)], 'copy.pdf', { type: 'application/pdf' }));
  const res = await t.app.request(`${TEST_ORIGIN}/api/documents/verify`, {
    method: 'POST',
    headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { match: boolean; fileSha256: string; document: { number: string; title: string } | null } };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qf-pdf-test-'));
  t = await createTestContext();
  villageA = await createOrg(t, t.rootOrgId, 'village', '东风村');
  villageB = await createOrg(t, t.rootOrgId, 'community', '青石社区');
  bigVillage = await createOrg(t, t.rootOrgId, 'village', '长岭村');

  // 东风村: term 2 in force, a 一肩挑 secretary/director, a deputy on both committees, members; a post
  // that ended before the as-of date must not appear.
  const prevA = await addTerm(villageA.id, 1, '2016-01-10', '2016-01-10', '2021-01-15');
  const termA = await addTerm(villageA.id, 2, '2021-01-15', '2021-01-15');
  const secretary = await addPerson(villageA.id, { name: '李建国', gender: 'male', birth: '1975-06-01', education: 'bachelor' });
  const deputy = await addPerson(villageA.id, { name: '王秀英', gender: 'female', birth: '1990-03-08', education: 'associate' });
  const member = await addPerson(villageA.id, { name: '欧阳晓明', gender: 'male', birth: '1968-11-30', education: 'high_school', party: false });
  const gone = await addPerson(villageA.id, { name: '赵离任', gender: 'male', birth: '1960-01-01' });
  await addPost(secretary.id, villageA.id, prevA.id, 'party', 'secretary', '2016-01-10');
  await addPost(secretary.id, villageA.id, termA.id, 'party', 'secretary', '2021-01-15');
  await addPost(secretary.id, villageA.id, termA.id, 'residents', 'director', '2021-01-15');
  await addPost(deputy.id, villageA.id, termA.id, 'party', 'deputy_secretary', '2021-01-15');
  await addPost(deputy.id, villageA.id, termA.id, 'residents', 'member', '2021-01-15');
  await addPost(member.id, villageA.id, termA.id, 'residents', 'member', '2021-01-15');
  await t.handle.db
    .insertInto('post')
    .values({ person_id: gone.id, org_unit_id: villageA.id, term_id: termA.id, committee: 'party', position: 'member', start_date: '2021-01-15', end_date: '2023-05-01', end_reason: '辞职', how: 'elected' })
    .execute();

  // 青石社区: one term, two members.
  const termB = await addTerm(villageB.id, 1, '2021-01-16', '2021-01-16');
  const b1 = await addPerson(villageB.id, { name: '陈静', gender: 'female', birth: '1985-02-02', education: 'master' });
  const b2 = await addPerson(villageB.id, { name: '刘强', gender: 'male', birth: '1979-09-09', education: 'bachelor' });
  await addPost(b1.id, villageB.id, termB.id, 'party', 'secretary', '2021-01-16');
  await addPost(b2.id, villageB.id, termB.id, 'residents', 'director', '2021-01-16');

  // 长岭村: enough posts for a roster of several pages.
  const termC = await addTerm(bigVillage.id, 3, '2021-01-17', '2021-01-17');
  const surnames = '张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗';
  for (let i = 0; i < 60; i++) {
    const p = await addPerson(bigVillage.id, {
      name: `${surnames[i % 20]}${'一二三四五六七八九十'[Math.floor(i / 20) * 3 % 10]}${'甲乙丙丁'[i % 4]}`,
      gender: i % 3 === 0 ? 'female' : 'male',
      birth: `${1960 + (i % 35)}-0${1 + (i % 9)}-1${i % 9}`,
      education: (['bachelor', 'associate', 'high_school', 'junior_high'] as const)[i % 4],
    });
    const committee: Committee = i < 25 ? 'party' : 'residents';
    const position: Position = i === 0 ? 'secretary' : i === 25 ? 'director' : 'member';
    await addPost(p.id, bigVillage.id, termC.id, committee, position, '2021-01-17');
  }

  auditor = await createUserAndLogin(t, { username: 'shenji', role: 'auditor' });
  office = await createUserAndLogin(t, { username: 'dangjianban', role: 'org_office' });
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`PDF kit helpers`, () => {
  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(contentHash({ x: 1, y: 2 })).toBe(contentHash({ y: 2, x: 1 }));
    expect(contentHash({ x: 1 })).not.toBe(contentHash({ x: 2 }));
    expect(checkCode('abcdef0123456789ffff')).toBe('ABCD-EF01-2345-6789');
    // 2026-03-01 17:30 UTC is 01:30 the next day in Shanghai.
    expect(shanghaiDateTime(new Date('2026-03-01T17:30:00Z'))).toBe('2026-03-02 01:30');
  });
});

describe(`roster PDF (${engineLabel()})`, () => {
  it('prints the Chinese title and the rows, masks ID numbers for auditors, and registers and audits the download', async () => {
    const { res, bytes } = await download(`/api/orgs/${villageA.id}/roster.pdf?asOf=2026-03-02`, auditor.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    expectPdfA2b(bytes, 'roster');
    const number = res.headers.get('x-document-number')!;
    expect(number).toMatch(/^QF-2026-\d{6}$/);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('花名册-东风村-2026-03-02'));

    const pages = pdfPages(bytes);
    expect(pages).toHaveLength(1);
    const text = pages[0]!;
    expect(text).toContain('东风村“两委”成员花名册');
    expect(text).toContain('第2届（2021年1月15日换届）');
    // Party committee first, in position order, then the residents' committee; one row per post.
    const rows = text.split('\n').filter((l) => /^\d+ /.test(l));
    // One row per person, posts combined (the office 花名册, issue 10 item 11).
    expect(rows.map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual(['1 李建国', '2 王秀英', '3 欧阳晓明']);
    expect(rows[0]).toMatch(/^1 李建国 男 1975\.06 50 汉族 中共党员 大学本科 党组织书记、村委会主任 2021\.01\.15 换届选举 \*{14}\d{3}[\dX] 一肩挑$/);
    expect(rows[1]).toContain('党组织副书记、村委会委员');
    expect(rows[1]).toContain('交叉任职');
    expect(rows[2]).toMatch(/欧阳晓明 男 1968\.11 57 汉族 群众 高中 村委会委员 2021\.01\.15 换届选举/);
    expect(rows[2]).not.toContain('一肩挑');
    // The signature block.
    expect(text).toMatch(/制表单位：东风村 制表人： 审核人： 日期：2026年3月2日/);
    // The post that ended in 2023 is not on a roster as of 2026.
    expect(text).not.toContain('赵离任');
    expect(text).not.toMatch(/370302\d{12}/);

    // Footer: page numbers, the number, and the check code of the content hash.
    const doc = await t.handle.db.selectFrom('document').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(text).toContain(`第 1 页 共 1 页`);
    expect(text).toContain(`编号 ${number}`);
    expect(text).toContain(`校验码 ${checkCode(doc.content_sha256)}`);
    // Registry: the delivered bytes' hash and size; content hash is a SHA-256.
    expect(doc.kind).toBe('roster');
    expect(doc.org_unit_id).toBe(villageA.id);
    expect(doc.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.file_sha256).toBe(sha256Hex(bytes));
    expect(doc.byte_size).toBe(bytes.byteLength);
    // Audited, with the document number.
    const events = await t.handle.db.selectFrom('audit_event').selectAll().where('kind', '=', 'export.downloaded').where('object_id', '=', number).execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.actor_username).toBe('shenji');
    expect(events[0]!.org_unit_id).toBe(villageA.id);
    expect(events[0]!.details).toMatchObject({ number, kind: 'roster', format: 'pdf' });
    // Only the embedded, subset Noto fonts: no Helvetica fallback anywhere.
    const fonts = pdfFonts(bytes);
    expect(fonts).toMatch(/\+NotoSansSC-Regular/);
    expect(fonts).not.toMatch(/Helvetica/);
  });

  it('shows full ID numbers to the party work office, with the same layout', async () => {
    const { res, bytes } = await download(`/api/orgs/${villageA.id}/roster.pdf?asOf=2026-03-02`, office.cookie);
    expect(res.status).toBe(200);
    const text = pdfPages(bytes).join('\n');
    expect(text).toMatch(/1 李建国 男 1975\.06 50 .* 37030219750601\d{3}[\dX] 一肩挑/);
  });

  it('repeats the table header, the footer and the watermark on every page of a long roster', async () => {
    const { res, bytes } = await download(`/api/orgs/${bigVillage.id}/roster.pdf?asOf=2026-03-02`, auditor.cookie);
    expectPdfA2b(bytes, 'roster-long');
    expect(res.status).toBe(200);
    const number = res.headers.get('x-document-number')!;
    const pages = pdfPages(bytes);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      expect(page).toContain(`第 ${i + 1} 页 共 ${pages.length} 页`);
      expect(page).toContain(`编号 ${number}`);
      // The diagonal watermark (downloader and Beijing time) is drawn as outlines: never in the text.
      expect(page).not.toContain('shenji');
      expect(page).toContain('长岭村');
      // The header row (both lines of the two-line headers) at the top of every page's table.
      expect(page).toMatch(/序号 姓名 性别 出生年月 年龄 民族 政治面貌/);
    });
    // …but on every page: the outlined mark is placed from each page's resources.
    expect(Buffer.from(bytes).toString('latin1').match(/\/QfMark \d+ 0 R/g)?.length).toBe(pages.length);
    // Extracted in reading layout too, the names the watermark crosses stay whole (issue 10 item 5).
    const file = join(dir, 'layout.pdf');
    writeFileSync(file, bytes);
    const layout = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(layout).not.toMatch(/shenji|审计/);
    for (const line of layout.split('\n').filter((l) => /^\s*\d+\s+\S+\s+[男女]\s/.test(l))) expect(line).toMatch(/^\s*\d+\s+\p{Script=Han}{3}\s+[男女]\s+\d{4}\.\d\d\s+\d+\s+汉族\s/u);
    // All 60 rows, numbered without gaps across pages.
    const numbers = pages.flatMap((p) => p.split('\n').filter((l) => /^\d+ \S+ [男女] /.test(l)).map((l) => Number(l.split(' ')[0])));
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The second page starts its table with row 2x, right after the repeated header.
    const page2 = pages[1]!;
    expect(page2.indexOf('序号 姓名')).toBeLessThan(page2.search(/\n\d+ \S+ [男女] /));
  });

  it('prints one section per village for a subtree', async () => {
    const { res, bytes } = await download(`/api/orgs/${t.rootOrgId}/roster.pdf?asOf=2026-03-02`, auditor.cookie);
    expect(res.status).toBe(200);
    const text = pdfPages(bytes).join('\n');
    expect(text).toContain('测试街道村（社区）“两委”成员花名册');
    expect(text).toContain('东风村 第2届');
    expect(text).toContain('青石社区 第1届');
    expect(text).toContain('长岭村 第3届');
    expect(text).toMatch(/1 陈静 女 1985\.02 41 汉族 中共党员 研究生（硕士） 党组织书记 2021\.01\.16/);
    expect(text).toContain('2 刘强 男 1979.09 46 汉族 中共党员 大学本科 居委会主任');
    expect(text).toMatch(/2 刘强 男 .* 居委会主任/);
    expect(text).toContain('长岭村（续）');
  });

  it('answers 404 outside the caller’s scope and 400 for a bad date', async () => {
    const secretary = await createUserAndLogin(t, { username: 'qingshi', role: 'secretary', orgUnitId: villageB.id });
    expect((await call(t.app, 'GET', `/api/orgs/${villageA.id}/roster.pdf`, { cookie: secretary.cookie })).status).toBe(404);
    const own = await download(`/api/orgs/${villageB.id}/roster.pdf?asOf=2026-03-02`, secretary.cookie);
    expect(own.res.status).toBe(200);
    expect(pdfPages(own.bytes).join('\n')).toContain('青石社区“两委”成员花名册');
    expect((await call(t.app, 'GET', `/api/orgs/${villageA.id}/roster.pdf?asOf=2026-02-30`, { cookie: auditor.cookie })).status).toBe(400);
    expect((await call(t.app, 'GET', `/api/orgs/${villageA.id}/roster.pdf`)).status).toBe(401);
    // The secretary may look up the own village's document (security review #11, finding 10).
    expect((await call(t.app, 'GET', `/api/documents/${own.res.headers.get('x-document-number')}`, { cookie: secretary.cookie })).status).toBe(200);
  });

  it('gives the same content hash for the same data, but a new number and file each time', async () => {
    const a = await download(`/api/orgs/${villageB.id}/roster.pdf?asOf=2026-03-02`, auditor.cookie);
    const b = await download(`/api/orgs/${villageB.id}/roster.pdf?asOf=2026-03-02`, auditor.cookie);
    const rows = await t.handle.db
      .selectFrom('document')
      .selectAll()
      .where('number', 'in', [a.res.headers.get('x-document-number')!, b.res.headers.get('x-document-number')!])
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.content_sha256).toBe(rows[1]!.content_sha256);
    expect(rows[0]!.file_sha256).not.toBe(rows[1]!.file_sha256);
    // A different date is different content.
    const c = await download(`/api/orgs/${villageB.id}/roster.pdf?asOf=2026-03-03`, auditor.cookie);
    const rowC = await t.handle.db.selectFrom('document').select('content_sha256').where('number', '=', c.res.headers.get('x-document-number')!).executeTakeFirstOrThrow();
    expect(rowC.content_sha256).not.toBe(rows[0]!.content_sha256);
  });
});

describe(`document registry (${engineLabel()})`, () => {
  it('looks a number up for auditors and verifies a copy', async () => {
    const { res, bytes } = await download(`/api/orgs/${villageA.id}/roster.pdf?asOf=2026-03-02`, office.cookie);
    const number = res.headers.get('x-document-number')!;
    const lookup = await call(t.app, 'GET', `/api/documents/${number.toLowerCase()}`, { cookie: auditor.cookie });
    expect(lookup.status).toBe(200);
    const { document } = (await lookup.json()) as { document: Record<string, unknown> };
    expect(document).toMatchObject({
      number,
      kind: 'roster',
      title: '东风村“两委”成员花名册',
      org: { id: villageA.id, name: '东风村' },
      createdBy: { displayName: 'dangjianban' },
      fileSha256: sha256Hex(bytes),
      byteSize: bytes.byteLength,
    });
    expect((await call(t.app, 'GET', '/api/documents/QF-2026-999999', { cookie: auditor.cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/documents/not-a-number', { cookie: auditor.cookie })).status).toBe(400);

    // Any signed-in user may check a copy.
    const secretary = await createUserAndLogin(t, { username: 'dongfeng', role: 'secretary', orgUnitId: villageA.id });
    const ok = await verify(bytes, secretary.cookie);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ match: true, fileSha256: sha256Hex(bytes), document: { number, title: '东风村“两委”成员花名册' } });
    const altered = bytes.slice();
    const at = altered.length - 20;
    altered[at] = altered[at]! ^ 1;
    const bad = await verify(altered, secretary.cookie);
    expect(bad.body).toMatchObject({ match: false, document: null });
    const noFile = await t.app.request(`${TEST_ORIGIN}/api/documents/verify`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: secretary.cookie }, body: new FormData() });
    expect(noFile.status).toBe(400);
    // A form validator: the Chinese message names the field; a JSON body is no upload.
    expect(((await noFile.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'validation', message: expect.stringContaining('文件') });
    expect((await call(t.app, 'POST', '/api/documents/verify', { cookie: secretary.cookie, json: { file: 'x' } })).status).toBe(400);
    const anonymous = await verify(bytes, '');
    expect(anonymous.status).toBe(401);
  });

  it('keeps documents of other subtrees out of reach', async () => {
    const other = await createOrg(t, t.rootOrgId, 'subdistrict', '外街道');
    const otherVillage = await createOrg(t, other.id, 'village', '外村');
    const outsider = await createUserAndLogin(t, { username: 'waibu', role: 'auditor', orgUnitId: other.id });
    const { res } = await download(`/api/orgs/${villageA.id}/roster.pdf`, office.cookie);
    const number = res.headers.get('x-document-number')!;
    expect((await call(t.app, 'GET', `/api/documents/${number}`, { cookie: outsider.cookie })).status).toBe(404);
    const own = await download(`/api/orgs/${otherVillage.id}/roster.pdf`, outsider.cookie);
    expect(own.res.status).toBe(200);
    expect(pdfPages(own.bytes).join('\n')).toContain('截至该日无在届班子');
  });
});

describe(`committee-structure PDF (${engineLabel()})`, () => {
  it('prints the title, figures, charts with Chinese labels, the per-village table with 合计, and the sentence', async () => {
    const { res, bytes } = await download(`/api/reports/committee-structure.pdf?org=${t.rootOrgId}&asOf=2026-03-02`, auditor.cookie);
    expect(res.status).toBe(200);
    expectPdfA2b(bytes, 'committee-structure');
    const number = res.headers.get('x-document-number')!;
    const pages = pdfPages(bytes);
    const text = pages.join('\n');
    expect(text).toContain('测试街道村（社区）“两委”班子结构分析');
    expect(text).toMatch(/指标 本届 上届 ±/);
    expect(squash(text)).toContain(squash('“两委”成员（名）'));
    // Chart titles and axis labels come through svg-to-pdfkit in Noto (else they would vanish).
    for (const label of ['年龄结构', '学历结构（最高学历）', '35岁及以下', '56岁及以上', '本科', '“一肩挑”情况']) expect(text).toContain(label);
    expect(text).toMatch(/合计 3个/);
    for (const name of ['东风村', '青石社区', '长岭村']) expect(text).toContain(name);
    const report = (await (await call(t.app, 'GET', `/api/reports/committee-structure?org=${t.rootOrgId}&asOf=2026-03-02`, { cookie: auditor.cookie })).json()) as { sentence: string; current: { members: number } };
    expect(squash(text)).toContain(squash(report.sentence));
    expect(text).toMatch(new RegExp(`合计 3个 ${report.current.members} `));
    pages.forEach((page, i) => expect(page).toContain(`第 ${i + 1} 页 共 ${pages.length} 页`));
    const doc = await t.handle.db.selectFrom('document').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(doc.kind).toBe('committee_structure');
    expect(doc.file_sha256).toBe(sha256Hex(bytes));
    expect(pdfFonts(bytes)).not.toMatch(/Helvetica/);
    const audit = await t.handle.db.selectFrom('audit_event').select('details').where('object_id', '=', number).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ kind: 'committee_structure', format: 'pdf' });
  });

  it('answers 404 for an org outside the scope', async () => {
    const secretary = await createUserAndLogin(t, { username: 'qingshi2', role: 'secretary', orgUnitId: villageB.id });
    expect((await call(t.app, 'GET', `/api/reports/committee-structure.pdf?org=${villageA.id}`, { cookie: secretary.cookie })).status).toBe(404);
    const whole = await call(t.app, 'GET', `/api/reports/committee-structure.pdf`, { cookie: secretary.cookie });
    expect(whole.status).toBe(200);
    await whole.arrayBuffer(); // read it: an unread stream would still be drawing when the database closes
  });
});
