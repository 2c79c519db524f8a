import { expectPdfA2b } from '../../testing/pdfa.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, login, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { DEMO_PASSWORD, seedDemo } from '../../demo/seed.ts';
import { IMPORT_COLUMNS, IMPORT_SHEET } from './import.ts';

let t: TestContext;
let office = '';
let auditor = '';
let secretary = '';
const dir = mkdtempSync(join(tmpdir(), 'qf-decisions-'));

beforeAll(async () => {
  t = await createTestContext();
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  office = await login(t.app, 'dangjianban', DEMO_PASSWORD);
  auditor = await login(t.app, 'shenji', DEMO_PASSWORD);
  secretary = await login(t.app, 'cunshuji', DEMO_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

async function download(path: string, cookie = auditor) {
  const res = await call(t.app, 'GET', path, { cookie });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}
function pdfText(bytes: Uint8Array, name: string): string {
  const file = join(process.env.QF_PDF_DUMP ?? dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}
const squash = (s: string) => s.replace(/\s+/g, '');

describe(`register and minutes (${engineLabel()})`, () => {
  it('the register PDF lists the year with its totals and flags, as a registered document', async () => {
    const { res, bytes } = await download(`/api/decisions/register.pdf?org=${t.rootOrgId}&year=2021`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const number = res.headers.get('x-document-number')!;
    expectPdfA2b(bytes, 'decision-register');
    const text = squash(pdfText(bytes, 'register-2021'));
    expect(text).toContain('青岚街道2021年“三重一大”事项台账');
    expect(text).toContain('共87项，其中已作出决定85项、缓议2项');
    expect(text).toContain('已作出决定85项');
    expect(text).toContain('研究辖区停车管理收费方案（续议）');
    expect(text).toContain('到会人数不足三分之二');
    expect(text).toContain('主要负责人未末位表态');
    expect(text).toContain(number);
    const doc = await t.handle.db.selectFrom('document').select(['kind', 'file_sha256']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(doc.kind).toBe('decision_register');
    expect(doc.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the register Excel has one row per item and the totals', async () => {
    const { res, bytes } = await download(`/api/decisions/register.xlsx?org=${t.rootOrgId}&year=2021`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('台账')!;
    const titles: string[] = [];
    ws.eachRow((row) => {
      const v = row.getCell(7).value;
      if (typeof v === 'string') titles.push(v);
    });
    // Header + 87 items + the totals row's label.
    expect(titles.filter((x) => x.startsWith('研究') || x.startsWith('村') || x.includes('方案') || x.includes('工程'))).toHaveLength(87);
    expect(titles).toContain('已作出决定85项');
    const audit = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'export.downloaded').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ document: 'decision_register.xlsx', year: 2021, rows: 87 });
  });

  it('the minutes print attendance, opinions in speaking order, votes, flags and signature lines', async () => {
    const flagged = await call(t.app, 'GET', `/api/reports/decisions/items?org=${t.rootOrgId}&year=2021&rule=principal_not_last`, { cookie: office });
    const item = ((await flagged.json()) as { items: { meeting_id: number }[] }).items[0]!;
    const { res, bytes } = await download(`/api/decisions/meetings/${item.meeting_id}/minutes.pdf`);
    expect(res.status).toBe(200);
    expectPdfA2b(bytes, 'decision-minutes');
    const text = squash(pdfText(bytes, 'minutes'));
    expect(text).toContain('青岚街道党工委会议记录');
    expect(text).toContain('应到人员：7人');
    expect(text).toContain('林志远（主要负责人）');
    expect(text).toMatch(/1林志远党工委书记同意/);
    expect(text).toContain('主要负责人林志远第1个表态');
    expect(text).toContain('主持人（签字）');
    expect(text).toContain('已关闭');
  });

  it('secretaries get their own village only: another org’s register and minutes are 404', async () => {
    expect((await download(`/api/decisions/register.pdf?org=${t.rootOrgId}&year=2021`, secretary)).res.status).toBe(404);
    const meetings = await call(t.app, 'GET', `/api/decisions/meetings?org=${t.rootOrgId}&kind=subdistrict_committee&pageSize=1`, { cookie: office });
    const id = ((await meetings.json()) as { items: { id: number }[] }).items[0]!.id;
    expect((await download(`/api/decisions/meetings/${id}/minutes.pdf`, secretary)).res.status).toBe(404);
  });
});

describe(`register import (${engineLabel()})`, () => {
  async function workbook(rows: (string | number | null)[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(IMPORT_SHEET);
    ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const upload = (path: string, file: Buffer, cookie = office) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)]), 'register.xlsx');
    return t.app.request(`${TEST_ORIGIN}${path}`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie }, body: form });
  };
  const decided2019 = async () => ((await (await call(t.app, 'GET', `/api/reports/decisions?org=${t.rootOrgId}&year=2019`, { cookie: office })).json()) as { decisions: number }).decisions;

  it('offers a template with the columns', async () => {
    const { res, bytes } = await download('/api/decisions/register/template.xlsx', office);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(wb.getWorksheet(IMPORT_SHEET)!.getRow(1).getCell(1).value).toMatch(/单位/);
  });

  it('a file with a problem is refused as a whole, named by row and column', async () => {
    const file = await workbook([
      ['青岚街道', '党工委会议', '2019-03-08', '09:00', '会议室', '重大项目安排', '研究A工程', 100000, '举手表决', 7, 0, 0, '通过', ''],
      ['柳河村', '党工委会议', '2019-03-09', null, null, '重大事项决策', '研究B', null, null, null, null, null, '通过', ''],
      ['不存在村', '村党组织会议', '2019-13-01', null, null, '什么类别', '研究C', null, null, null, null, null, null, ''],
    ]);
    const res = await upload('/api/decisions/register/import/preview', file);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { problems: { row: number; column: string; message: string }[] };
    expect(body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: '会议类型' }),
        expect.objectContaining({ row: 4, column: '会议日期' }),
        expect.objectContaining({ row: 4, column: '议题类别' }),
      ]),
    );
    const commit = await upload('/api/decisions/register/import/commit', file);
    const lines = (await commit.text()).trim().split('\n').map((l) => JSON.parse(l) as { error?: { code: string } });
    expect(lines.at(-1)!.error!.code).toBe('invalid_file');
    expect(await decided2019()).toBe(0);
  });

  it('imports a year’s register all at once, with progress and one audit event; a second run finds the duplicates', async () => {
    const file = await workbook([
      ['青岚街道', '党工委会议', '2019-03-08', '09:00', '会议室', '重大项目安排', '研究A工程', 100000, '举手表决', 7, 0, 0, '通过', '已完工'],
      ['青岚街道', '党工委会议', '2019-03-08', '09:00', '会议室', '重要干部任免', '研究干部任免', null, '无记名投票', 6, 1, 0, '通过', ''],
      ['柳河村', '两委联席会议', '2019-05-10', null, null, '大额度资金使用', '村集体资金使用', 60000, '举手表决', 5, 0, 0, '通过', ''],
      ['柳河村', '两委联席会议', '2019-05-10', null, null, '一般事项', '一般事项', null, null, null, null, null, null, ''],
    ]);
    const res = await upload('/api/decisions/register/import/commit', file);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { phase?: string; result?: { summary: { items: number; meetings: number; decided: number } } });
    expect(lines.some((l) => l.phase === 'items')).toBe(true);
    expect(lines.at(-1)!.result!.summary).toMatchObject({ items: 4, meetings: 2, decided: 3 });
    expect(await decided2019()).toBe(3);
    const audit = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'decision.imported').execute();
    expect(audit).toHaveLength(1);
    const again = await upload('/api/decisions/register/import/preview', file);
    const body = (await again.json()) as { problems: { message: string }[] };
    expect(body.problems).toHaveLength(4);
    expect(body.problems[0]!.message).toContain('已登记同名议题');
    // Imported meetings have no attendance yet: the flags say so.
    const items = await call(t.app, 'GET', `/api/reports/decisions/items?org=${t.rootOrgId}&year=2019&counted=yes`, { cookie: office });
    const list = ((await items.json()) as { items: { flags: { rule: string }[] }[] }).items;
    expect(list.every((i) => i.flags.some((f) => f.rule === 'no_members' || f.rule === 'quorum' || f.rule === 'quorum_two_thirds'))).toBe(true);
  });

  it('only the office imports', async () => {
    const file = await workbook([]);
    expect((await upload('/api/decisions/register/import/preview', file, auditor)).status).toBe(403);
    expect((await upload('/api/decisions/register/import/preview', file, secretary)).status).toBe(403);
  });
});
