import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, login, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { DEMO_PASSWORD, seedDemo } from '../../demo/seed.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectPdfA2b } from '../../testing/pdfa.ts';
import type { DrillDown } from './rules.ts';

// The reference report's sentences of section (七), figure for figure (domain.md §2, §5, §6, §7).
const COMMITTEE =
  '圆满完成20个村(社区)“两委”换届选举,共产生104名村(社区)“两委”成员,其中35岁以下年轻干部23名,女性成员47名,其中女性主职干部5名;' +
  '“两委”成员平均年龄43岁,较上届平均年龄下降5岁;“两委”成员中大专及以上学历61名,较上届新增13名;“一肩挑”比例达100%。';
const INTEGRITY =
  '2021年,街道领导班子成员开展集体谈话29次、1774人次,个别谈话64人次(提醒谈话58次、诫勉谈话2人次、警示谈话4人次);给予辖区31名党员党纪处分(警告20人、严重警告7人、开除党籍4人)。';

let t: TestContext;
let jijian = '';
let shenji = '';
beforeAll(async () => {
  t = await createTestContext();
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  jijian = await login(t.app, 'jijian', DEMO_PASSWORD);
  shenji = await login(t.app, 'shenji', DEMO_PASSWORD);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const get = async <T>(path: string, cookie = jijian, status = 200) => {
  const r = await call(t.app, 'GET', path, { cookie });
  expect(r.status, path).toBe(status);
  return (await r.json()) as T;
};

type Summary = {
  figures: Record<string, unknown> & { partySanctions: Record<string, number>; committeeStructure: Record<string, unknown> | null };
  paragraphs: { key: string; text: string; parts: (string | { figure: string; text: string })[] }[];
  drillDowns: Record<string, DrillDown>;
  checks: { check: string; count: number; records: { href: string }[] }[];
};

describe(`annual summary on the demo (${engineLabel()})`, () => {
  it('reproduces the reference figures and sentences for 2021', async () => {
    const s = await get<Summary>(`/api/reports/annual-summary?year=2021&org=${t.rootOrgId}`);
    expect(s.figures).toMatchObject({
      decisions: 85,
      collectiveTalks: 29,
      collectiveTalkParticipants: 1774,
      individualTalks: 64,
      reminderTalks: 58,
      admonishments: 2,
      warningTalks: 4,
      partySanctionedPersons: 31,
      pledgesPhrase: '200余份',
    });
    expect(s.figures.partySanctions).toEqual({ warning: 20, serious_warning: 7, removal_from_post: 0, probation: 0, expulsion: 4 });
    expect(s.figures.committeeStructure).toMatchObject({ members: 104, age35OrUnder: 23, female: 47, femalePrincipals: 5, collegeOrAbove: 61, dualRoleRatio: 1 });
    const text = Object.fromEntries(s.paragraphs.map((p) => [p.key, p.text]));
    expect(text.committee).toBe(COMMITTEE);
    expect(text.decisions).toBe('2021年,集体研究“三重一大”事项85项。');
    expect(text.integrity).toBe(INTEGRITY);
    expect(text.pledges).toBe('与机关干部、村居“两委”成员签订廉洁自律承诺书200余份。');
    // Every number of the 两委 sentence is a link, in the reference's order.
    const linked = s.paragraphs.find((p) => p.key === 'committee')!.parts.filter((p) => typeof p !== 'string').map((p) => (p as { text: string }).text);
    expect(linked).toEqual(['20', '104', '23', '47', '5', '43', '5', '61', '13', '100']);
  });

  it('every drill-down returns exactly the records its figure counts', async () => {
    const s = await get<Summary>('/api/reports/annual-summary?year=2021');
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.figures)) if (typeof v === 'number') values[k] = v;
    for (const [k, v] of Object.entries(s.figures.partySanctions)) values[`partySanctions.${k}`] = v;
    const ff = s.figures.fourForms as unknown as Record<string, { count: number }>;
    for (const k of ['first', 'second', 'third', 'fourth']) values[`fourForms.${k}`] = ff[k]!.count;
    let checked = 0;
    for (const [figure, d] of Object.entries(s.drillDowns)) {
      if (figure.startsWith('committee.')) continue; // the structure table, not a list of records
      const expected = values[figure];
      expect(expected, figure).toBeTypeOf('number');
      const query = new URLSearchParams({ ...d.query, pageSize: '200' });
      const list = await get<{ total: number; items: { participants?: number | null }[] }>(`${d.api}?${query}`);
      if (figure === 'collectiveTalkParticipants') {
        expect(list.items.length).toBe(list.total);
        expect(list.items.reduce((n, r) => n + (r.participants ?? 0), 0), figure).toBe(expected);
      } else expect(list.total, figure).toBe(expected);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('lists the checks on the records with links, and lets auditors read it; secretaries may not', async () => {
    const s = await get<Summary>('/api/reports/annual-summary?year=2021', shenji);
    expect(s.checks.map((c) => c.check)).toEqual(['talkWithoutLeader', 'sanctionWithoutEffectiveDate', 'inquiryOverdue', 'itemNotClosed', 'campaignOpen']);
    for (const c of s.checks) {
      expect(c.records.length).toBe(Math.min(c.count, 20));
      for (const r of c.records) expect(r.href).toMatch(/^\/[a-z/-]+\/\d+$/);
    }
    const secretary = await login(t.app, 'cunshuji', DEMO_PASSWORD);
    await get('/api/reports/annual-summary?year=2021', secretary, 403);
    // The party work office reads neither talks nor sanctions, so not the summary either (domain.md §10).
    const office = await login(t.app, 'dangjianban', DEMO_PASSWORD);
    for (const path of ['/api/reports/annual-summary?year=2021', '/api/reports/annual-summary.pdf?year=2021', '/api/reports/annual-summary.docx?year=2021', '/api/reports/integrity?year=2021'])
      expect((await call(t.app, 'GET', path, { cookie: office })).status, path).toBe(403);
    await get('/api/reports/annual-summary?year=1999', jijian, 400);
    await get('/api/reports/annual-summary?year=2021&org=999999', jijian, 404);
  });
});

describe(`annual summary documents (${engineLabel()})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  it('the Word file unzips, its XML is well-formed, and it holds the title, a figure and the 公文 fonts', async () => {
    const r = await call(t.app, 'GET', '/api/reports/annual-summary.docx?year=2021', { cookie: shenji });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('wordprocessingml');
    const file = join(dir, 's.docx');
    writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    const out = join(dir, 'docx');
    execFileSync('unzip', ['-q', '-o', file, '-d', out]);
    const names = (readdirSync(out, { recursive: true }) as string[]).filter((n) => n.endsWith('.xml') || n.endsWith('.rels'));
    expect(names).toContain(join('word', 'document.xml'));
    expect(names).toContain('[Content_Types].xml');
    // Python's expat: a parse error exits non-zero and fails the test.
    for (const name of names) execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])', join(out, name)]);
    const doc = readFileSync(join(out, 'word', 'document.xml'), 'utf8');
    const text = doc.replace(/<[^>]+>/g, '');
    expect(text).toMatch(/^.{2,30}2021年党风廉政建设情况/);
    expect(text).toContain('集体谈话29次、1774人次');
    expect(text).toContain('一、主要情况');
    expect(text).toContain('（一）');
    expect(doc).toContain('仿宋_GB2312');
    expect(doc).toContain('w:firstLine="640"');
    expect(doc).toContain('w:tblBorders');
    const footer = names.find((n) => n.startsWith(join('word', 'footer')))!;
    expect(readFileSync(join(out, footer), 'utf8')).toContain('PAGE');
    const registered = await t.handle.db.selectFrom('document').select(['kind', 'file_sha256']).where('kind', '=', 'annual_summary_docx').execute();
    expect(registered).toHaveLength(1);
    expect(registered[0]!.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the export centre lists the issued documents with filters, and the registry recognises the Word file', async () => {
    const all = await get<{ total: number; items: { number: string; kind: string; fileSha256: string | null; createdByUsername: string | null }[]; kinds: string[] }>('/api/exports/documents', shenji);
    const docx = all.items.find((d) => d.kind === 'annual_summary_docx')!;
    expect(docx.createdByUsername).toBe('shenji');
    expect(all.kinds).toContain('annual_summary_docx');
    const byKind = await get<{ total: number }>('/api/exports/documents?kind=annual_summary_docx', shenji);
    expect(byKind.total).toBe(1);
    expect((await get<{ total: number }>('/api/exports/documents?who=%E7%BA%AA%E5%B7%A5%E5%A7%94', shenji)).total).toBe(all.items.filter((d) => d.createdByUsername === 'jijian').length);
    expect((await get<{ total: number }>('/api/exports/documents?kind=annual_summary_docx&from=2000-01-01&to=2000-01-02', shenji)).total).toBe(0);
    const form = new FormData();
    form.set('file', new File([readFileSync(join(dir, 's.docx'))], 's.docx'));
    const r = await t.app.request(`${TEST_ORIGIN}/api/documents/verify`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: shenji }, body: form });
    const v = (await r.json()) as { match: boolean; document: { number: string } | null };
    expect(v.match).toBe(true);
    expect(v.document?.number).toBe(docx.number);
  });

  it('the PDF carries the paragraphs (pdftotext)', async () => {
    const r = await call(t.app, 'GET', '/api/reports/annual-summary.pdf?year=2021', { cookie: jijian });
    expect(r.status).toBe(200);
    const file = join(dir, 's.pdf');
    const bytes = Buffer.from(await r.arrayBuffer());
    writeFileSync(file, bytes);
    if (process.env.QF_PDF_DUMP) writeFileSync(join(process.env.QF_PDF_DUMP, 'annual-summary.pdf'), bytes);
    expectPdfA2b(bytes, 'annual-summary');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('2021年党风廉政建设情况');
    expect(text).toContain('集体研究“三重一大”事项85项');
    expect(text).toContain('签订廉洁自律承诺书200余份');
  });
});
