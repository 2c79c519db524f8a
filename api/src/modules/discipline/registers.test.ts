import { expectPdfA2b } from '../../testing/pdfa.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, TEST_ORIGIN, usingPostgres, type TestContext } from '../../testing/harness.ts';
import { personBody } from '../roster/test-helpers.ts';
import { SANCTION_COLUMNS, TALK_COLUMNS } from './imports.ts';

let t: TestContext;
let inspector = '';
let auditor = '';
let village = 0;
const idOf: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestContext();
  village = (await createOrg(t, t.rootOrgId, 'village', '石村')).id;
  const office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  inspector = (await createUserAndLogin(t, { username: 'insp', role: 'inspector' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'aud', role: 'auditor' })).cookie;
  for (const [i, name] of ['赵一', '钱二'].entries()) {
    const body = personBody(village, { name, n: 400 + i });
    idOf[name] = body.idNumber;
    expect((await call(t.app, 'POST', '/api/people', { cookie: office, json: body })).status).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

async function xlsx(sheet: string, columns: readonly { key: string; header: string }[], rows: Record<string, string | number>[]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  ws.addRow(columns.map((c) => c.header));
  for (const r of rows) ws.addRow(columns.map((c) => r[c.key] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
function upload(path: string, file: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), 'ledger.xlsx');
  return t.app.request(`${TEST_ORIGIN}${path}`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: inspector }, body: form });
}
const lines = async (res: Response) => (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { result?: { summary: { create: number; unchanged: number } }; error?: { problems?: { row: number; message: string }[] } });

describe(`ledger import and registers (${engineLabel()})`, () => {
  it('imports talks and sanctions from Excel, all or nothing, and again changes nothing', async () => {
    const talks = await xlsx('谈话台账', TALK_COLUMNS, [
      { kind: '提醒谈话', date: '2021-05-10', name: '赵一', idNumber: idOf['赵一']!, leader: '王书记', topic: '工作作风' },
      { kind: '集体谈话', date: '2021-06-01', count: 35, leader: '王书记', topic: '廉洁教育' },
      { kind: '函询', date: '2021-09-24', name: '钱二', idNumber: idOf['钱二']!, leader: '王书记', topic: '信访函询' },
    ]);
    const first = await lines(await upload('/api/talks/import/commit', talks));
    expect(first.at(-1)?.result?.summary).toMatchObject({ create: 3, unchanged: 0 });
    const again = await lines(await upload('/api/talks/import/commit', talks));
    expect(again.at(-1)?.result?.summary).toMatchObject({ create: 0, unchanged: 3 });

    const bad = await xlsx('处分台账', SANCTION_COLUMNS, [
      { name: '赵一', idNumber: idOf['赵一']!, system: '党纪处分', type: '警告', violation: '廉洁纪律', authority: '街道纪工委', decisionDate: '2021-07-01', effectiveDate: '2021-07-01' },
      { name: '钱二', idNumber: idOf['钱二']!, system: '政务处分', type: '撤职', violation: '工作纪律', authority: '街道办事处', decisionDate: '2021-07-01', effectiveDate: '2021-07-01' },
    ]);
    const refused = await lines(await upload('/api/sanctions/import/commit', bad));
    expect(refused.at(-1)?.error?.problems?.[0]).toMatchObject({ row: 3 });
    expect(refused.at(-1)?.error?.problems?.[0]?.message).toContain('只能给予政务警告、记过、记大过');
    expect(await t.handle.db.selectFrom('sanction').select('id').execute()).toHaveLength(0);
    const good = await xlsx('处分台账', SANCTION_COLUMNS, [
      { name: '赵一', idNumber: idOf['赵一']!, system: '党纪处分', type: '警告', violation: '廉洁纪律', authority: '街道纪工委', caseNumber: '青纪〔2021〕9号', decisionDate: '2021-07-01', effectiveDate: '2021-07-01' },
    ]);
    expect((await lines(await upload('/api/sanctions/import/commit', good))).at(-1)?.result?.summary).toMatchObject({ create: 1 });
    const ev = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'discipline.imported').execute();
    expect(ev).toHaveLength(3);
  });

  it('prints the registers as PDF (checked with pdftotext) and Excel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-reg-'));
    for (const [path, words] of [
      ['/api/talks/register.pdf?from=2021-01-01&to=2022-01-01', ['测试街道谈话函询台账', '2021年1月1日至2021年12月31日', '共3条', '提醒谈话', '赵一', '35人', '信访函询']],
      ['/api/sanctions/register.pdf?from=2021-01-01&to=2022-01-01', ['测试街道处分台账', '党纪警告', '青纪〔2021〕9号', '2022-06-30', '影响期已满']],
    ] as const) {
      const res = await call(t.app, 'GET', path, { cookie: auditor });
      expect(res.status).toBe(200);
      const file = join(dir, 'r.pdf');
      const bytes = Buffer.from(await res.arrayBuffer());
      writeFileSync(file, bytes);
      expectPdfA2b(bytes, path.split('/')[2]!);
      if (process.env.QF_KEEP_PDF) writeFileSync(join(process.env.QF_KEEP_PDF, path.split('/')[2]! + '.pdf'), Buffer.from(await (await call(t.app, 'GET', path, { cookie: auditor })).arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/ +/g, '');
      for (const w of words) expect(text, w).toContain(w);
    }
    const x = await call(t.app, 'GET', '/api/sanctions/register.xlsx?from=2021-01-01&to=2022-01-01', { cookie: auditor });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    const ws = wb.getWorksheet('处分台账')!;
    const values: string[] = [];
    ws.eachRow((r) => values.push(r.values.toString()));
    expect(values.join('\n')).toContain('赵一');
    expect((await call(t.app, 'GET', '/api/talks/register.xlsx', { cookie: auditor })).status).toBe(200);
  });
});

// PGlite has one connection: two commits cannot overlap there.
describe.runIf(usingPostgres())('ledger import under concurrency (postgresql)', () => {
  it('two simultaneous commits of one file record each row once', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      kind: '提醒谈话',
      date: `2023-03-${String((i % 28) + 1).padStart(2, '0')}`,
      name: i % 2 ? '赵一' : '钱二',
      idNumber: idOf[i % 2 ? '赵一' : '钱二']!,
      leader: '王书记',
      topic: `并发导入${i}`,
    }));
    const talks = await xlsx('谈话台账', TALK_COLUMNS, rows);
    const sanctions = await xlsx('处分台账', SANCTION_COLUMNS, [
      { name: '钱二', idNumber: idOf['钱二']!, system: '党纪处分', type: '警告', violation: '廉洁纪律', authority: '街道纪工委', decisionDate: '2023-04-01', effectiveDate: '2023-04-01' },
    ]);
    const [a, b, c, d] = await Promise.all([
      (async () => lines(await upload('/api/talks/import/commit', talks)))(),
      (async () => lines(await upload('/api/talks/import/commit', talks)))(),
      (async () => lines(await upload('/api/sanctions/import/commit', sanctions)))(),
      (async () => lines(await upload('/api/sanctions/import/commit', sanctions)))(),
    ]);
    // One commit writes the rows; the other waits for it and then finds them all recorded.
    expect([a.at(-1)?.result?.summary, b.at(-1)?.result?.summary].map((s) => s?.create).sort()).toEqual([0, 40]);
    expect([c.at(-1)?.result?.summary, d.at(-1)?.result?.summary].map((s) => s?.create).sort()).toEqual([0, 1]);
    const db = t.handle.db;
    expect(await db.selectFrom('talk').select('id').where('topic', 'like', '并发导入%').execute()).toHaveLength(40);
    expect(await db.selectFrom('sanction').select('id').where('effective_date', '=', '2023-04-01').execute()).toHaveLength(1);
  });
});
