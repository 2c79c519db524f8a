import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { IMPORT_COLUMNS } from './excel.ts';
import { idChecksumChar, maskIdNumber } from './identity.ts';
import type { ImportChanges, ImportSummary } from './import.ts';
import type { ImportProblem } from './excel.ts';
import { testIdNumber } from './test-helpers.ts';
import { craftXlsx, deflateBomb } from '../../excel/xlsx-crafted.ts';

let t: TestContext;
let office = '';
let auditor = '';
const villages: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestContext();
  for (const name of ['一村', '二村', '三村']) villages[name] = (await createOrg(t, t.rootOrgId, 'village', name)).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'auditor', role: 'auditor' })).cookie;
});
afterAll(async () => {
  await t.close();
});

// ---- helpers ----

type Row = Partial<Record<(typeof IMPORT_COLUMNS)[number]['key'], string | number>>;

/** One post row with consistent defaults: override what the test is about. */
function row(o: Row & { n: number; birth?: string; female?: boolean }): Row {
  const birth = o.birth ?? '1980-01-01';
  const gender = o.female ? 'female' : 'male';
  return {
    village: '一村',
    ordinal: 11,
    electionDate: '2021-05-10',
    name: `人员${o.n}`,
    gender: o.female ? '女' : '男',
    idNumber: testIdNumber(birth, gender, o.n),
    birthDate: birth,
    ethnicity: '汉族',
    politicalStatus: '中共党员',
    partyJoinDate: '2005-07-01',
    educationFullTime: '高中',
    educationHighest: '大学专科',
    phone: '13800000000',
    isVeteran: '否',
    committee: '党组织委员会',
    position: '委员',
    startDate: '2021-05-10',
    how: '换届选举',
    ...o,
  };
}

const wrongChecksum = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

async function xlsx(rows: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
  for (const r of rows) ws.addRow(IMPORT_COLUMNS.map((c) => r[c.key] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function upload(path: string, file: Buffer, cookie = office) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), 'roster.xlsx');
  return t.app.request(`${TEST_ORIGIN}${path}`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie }, body: form });
}

interface Preview {
  ok: boolean;
  summary: ImportSummary;
  problems: ImportProblem[];
  changes: ImportChanges;
}
async function preview(file: Buffer): Promise<Preview> {
  const res = await upload('/api/roster/import/preview', file);
  expect(res.status).toBe(200);
  return (await res.json()) as Preview;
}

type Line = { phase?: string; done?: number; total?: number; result?: { summary: ImportSummary }; error?: { code: string; message: string; problems?: ImportProblem[] } };
async function commit(file: Buffer): Promise<Line[]> {
  const res = await upload('/api/roster/import/commit', file);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
  const text = await res.text();
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

async function counts() {
  const n = async (table: 'person' | 'term' | 'post') =>
    Number((await t.handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { person: await n('person'), term: await n('term'), post: await n('post') };
}

/** A good file: two villages, 一肩挑 in 一村, a person on both committees in 二村. */
function goodRows(): Row[] {
  return [
    row({ n: 1, name: '一村书记', position: '书记' }),
    row({ n: 1, name: '一村书记', committee: '村（居）民委员会', position: '主任' }),
    row({ n: 2, name: '一村委员', female: true, birth: '1992-02-29', educationHighest: '大学本科', educationFullTime: '大学本科' }),
    row({ n: 3, name: '一村村委', committee: '村民委员会', position: '副主任', politicalStatus: '群众', partyJoinDate: '' }),
    row({ n: 4, name: '二村书记', village: '二村', electionDate: '2021-05-12', startDate: '', position: '书记' }),
    row({ n: 5, name: '二村主任', village: '二村', electionDate: '2021-05-12', startDate: '2021-05-12', committee: '村（居）民委员会', position: '主任' }),
    row({ n: 6, name: '二村交叉', village: '二村', electionDate: '2021-05-12', startDate: '2021-05-12' }),
    row({ n: 6, name: '二村交叉', village: '二村', electionDate: '2021-05-12', startDate: '2021-05-12', committee: '村（居）民委员会' }),
  ];
}

describe(`Excel template (${engineLabel()})`, () => {
  it('has Chinese headers, drop-down lists, instructions and an example row', async () => {
    const res = await call(t.app, 'GET', '/api/roster/template.xlsx', { cookie: office });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['花名册', '填写说明', '示例', '代码表']);
    const ws = wb.getWorksheet('花名册')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(IMPORT_COLUMNS.map((c) => c.header));
    const lists = wb.getWorksheet('代码表')!;
    /** The values a cell's drop-down offers, read from the range its validation points at. */
    const dropDown = (header: string, rowNumber = 2) => {
      const col = IMPORT_COLUMNS.findIndex((c) => c.header === header) + 1;
      const dv = ws.getRow(rowNumber).getCell(col).dataValidation;
      expect(dv?.type, header).toBe('list');
      const m = /^'?代码表'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(dv!.formulae[0]));
      expect(m, String(dv!.formulae[0])).not.toBeNull();
      const out: string[] = [];
      for (let r = Number(m![2]); r <= Number(m![4]); r++) out.push(String(lists.getCell(`${m![1]}${r}`).value));
      return out;
    };
    expect(dropDown('性别')).toEqual(['男', '女']);
    expect(dropDown('最高学历')).toEqual(['研究生（博士）', '研究生（硕士）', '大学本科', '大学专科', '中等专科', '高中', '初中', '小学及以下']);
    expect(dropDown('全日制学历', 500)).toContain('大学专科');
    expect(dropDown('政治面貌')).toEqual(expect.arrayContaining(['中共党员', '中共预备党员', '共青团员', '群众', '无党派人士']));
    expect(dropDown('班子')).toEqual(['党组织委员会', '村（居）民委员会']);
    expect(dropDown('职务')).toEqual(['书记', '副书记', '主任', '副主任', '委员']);
    expect(dropDown('民族')).toHaveLength(58);
    expect(dropDown('产生方式')).toEqual(['换届选举', '补选', '任命']);
    // The ID number column is text, so Excel keeps all 18 digits.
    expect(ws.getColumn(IMPORT_COLUMNS.findIndex((c) => c.key === 'idNumber') + 1).numFmt).toBe('@');
    expect(String(wb.getWorksheet('填写说明')!.getCell('A1').value)).toMatch(/导入说明/);
    const example = wb.getWorksheet('示例')!.getRow(2).values as unknown[];
    expect(example[4]).toBe('张示例');
    // The example's ID number uses the fictional region code 990101 and a valid checksum.
    const exampleId = example.find((v) => typeof v === 'string' && /^\d{17}[\dX]$/.test(v)) as string;
    expect(exampleId.startsWith('990101')).toBe(true);
    expect(idChecksumChar(exampleId.slice(0, 17))).toBe(exampleId[17]);
  });
});

describe(`Excel import (${engineLabel()})`, () => {
  it('lists every problem by row and column and imports nothing from a file with bad rows', async () => {
    const before = await counts();
    const bad = [
      ...goodRows(),
      row({ n: 10, name: '错号', idNumber: wrongChecksum(testIdNumber('1980-01-01', 'male', 10)) }), // row 10
      row({ n: 11, name: '错生日', birthDate: '1980-01-02' }), // row 11
      row({ n: 12, name: '第二书记', position: '书记', startDate: '2022-01-01' }), // row 12
      row({ n: 13, name: '没有村', village: '不存在村' }), // row 13
      row({ n: 14, name: '届前', startDate: '2021-05-01' }), // row 14
      row({ n: 15, name: '倒序', startDate: '2022-01-01', endDate: '2021-12-31' }), // row 15
      row({ n: 2, name: '一村委员', female: true, birth: '1992-02-29', educationHighest: '大学本科', educationFullTime: '大学本科', position: '副书记', startDate: '2022-01-01' }), // row 16
      row({ n: 17, name: '坏职务', position: '主任' }), // row 17
    ];
    const file = await xlsx(bad);
    const p = await preview(file);
    expect(p.ok).toBe(false);
    const found = p.problems.map((x) => `${x.row}|${x.column}|${x.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        '10|公民身份号码|公民身份号码校验位不正确',
        '11|出生日期|出生日期与公民身份号码不一致（号码中为 1980-01-01）',
        '12|职务|同一时间只能有一名党组织书记：与一村书记的任职（2021-05-10至今）重叠',
        '13|村（社区）|辖区内没有名为“不存在村”的村（社区）',
        '14|任职开始|任职开始日期（2021-05-01）早于第11届届期开始日期（2021-05-10）',
        '15|任职结束|任职结束日期应晚于开始日期',
        '16|任职开始|一村委员同一时间已在党组织委员会任委员（2021-05-10至今），同一人在同一班子不能同时担任两个职务',
        '17|职务|党组织委员会没有“主任”这一职务（可选：书记、副书记、委员）',
      ]),
    );
    // The first secretary's row is flagged too (the clash is mutual), and nothing else.
    expect(found.filter((f) => f.startsWith('2|'))).toEqual(['2|职务|同一时间只能有一名党组织书记：与第二书记的任职（2022-01-01至今）重叠']);
    const lines = await commit(file);
    const last = lines[lines.length - 1]!;
    expect(last.error?.code).toBe('invalid_file');
    expect(last.error?.problems?.length).toBe(p.problems.length);
    expect(await counts()).toEqual(before);
    const audit = await t.handle.db.selectFrom('audit_event').select('id').where('kind', '=', 'roster.imported').execute();
    expect(audit).toHaveLength(0);
  });

  it('imports a good file in one go, with progress, and the derived facts follow', async () => {
    const file = await xlsx(goodRows());
    const p = await preview(file);
    expect(p.problems).toEqual([]);
    expect(p.summary).toEqual({
      rows: 8,
      people: { create: 6, update: 0, unchanged: 0 },
      terms: { create: 2, unchanged: 0, closed: 0 },
      posts: { create: 8, update: 0, unchanged: 0, endedWithTerm: 0 },
    });
    expect(await counts()).toEqual({ person: 0, term: 0, post: 0 }); // preview writes nothing
    const lines = await commit(file);
    expect(lines.filter((l) => l.phase).map((l) => l.phase)).toEqual(expect.arrayContaining(['parse', 'validate', 'people', 'terms', 'posts']));
    expect(lines.find((l) => l.phase === 'posts' && l.done === 8)).toMatchObject({ total: 8 });
    expect(lines[lines.length - 1]!.result?.summary.posts.create).toBe(8);
    expect(await counts()).toEqual({ person: 6, term: 2, post: 8 });

    const roster = (await (await call(t.app, 'GET', `/api/orgs/${villages['一村']}/roster?asOf=2022-01-01`, { cookie: office })).json()) as {
      party: { name: string; dualRole: boolean; age: number }[];
      residents: { name: string; position: string }[];
    };
    expect(roster.party.map((r) => [r.name, r.dualRole])).toEqual([
      ['一村书记', true],
      ['一村委员', false],
    ]);
    expect(roster.residents.map((r) => [r.name, r.position])).toEqual([
      ['一村书记', 'director'],
      ['一村村委', 'deputy_director'],
    ]);
    const two = (await (await call(t.app, 'GET', `/api/orgs/${villages['二村']}/roster?asOf=2022-01-01`, { cookie: office })).json()) as { party: { name: string; crossServing: boolean }[] };
    expect(two.party.find((r) => r.name === '二村交叉')!.crossServing).toBe(true);
    // An empty 任职开始 defaults to the election date; an empty 出生日期 would come from the ID number.
    const secretary = await t.handle.db.selectFrom('post as p').innerJoin('person as pe', 'pe.id', 'p.person_id').select(['p.start_date', 'p.how']).where('pe.name', '=', '二村书记').executeTakeFirstOrThrow();
    expect(secretary).toEqual({ start_date: '2021-05-12', how: 'elected' });

    const audit = await t.handle.db.selectFrom('audit_event').select('details').where('kind', '=', 'roster.imported').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ rows: 8, peopleCreated: 6, termsCreated: 2, postsCreated: 8 });
    expect(JSON.stringify(audit[0]!.details)).not.toMatch(/\d{17}[\dX]/);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await t.handle.db.selectFrom('person').select(['id', 'updated_at']).orderBy('id').execute();
    const file = await xlsx(goodRows());
    const p = await preview(file);
    expect(p.ok).toBe(true);
    expect(p.summary).toEqual({
      rows: 8,
      people: { create: 0, update: 0, unchanged: 6 },
      terms: { create: 0, unchanged: 2, closed: 0 },
      posts: { create: 0, update: 0, unchanged: 8, endedWithTerm: 0 },
    });
    const lines = await commit(file);
    expect(lines[lines.length - 1]!.result).toBeDefined();
    expect(await counts()).toEqual({ person: 6, term: 2, post: 8 });
    expect(await t.handle.db.selectFrom('person').select(['id', 'updated_at']).orderBy('id').execute()).toEqual(before);
  });

  it('updates a person matched by ID number; an empty optional cell keeps the stored value', async () => {
    const rows = goodRows();
    rows[2] = { ...rows[2]!, phone: '13900000000' };
    rows[3] = { ...rows[3]!, phone: '' };
    const p = await preview(await xlsx(rows));
    expect(p.summary.people).toEqual({ create: 0, update: 1, unchanged: 5 });
    expect(p.changes.people).toEqual([{ row: 4, name: '一村委员', action: 'update', fields: ['联系电话'] }]);
  });

  it('a new term closes the previous one and ends its open posts', async () => {
    const rows = [row({ n: 30, name: '新书记', ordinal: 12, electionDate: '2026-01-05', startDate: '2026-01-05', position: '书记' })];
    const file = await xlsx(rows);
    const p = await preview(file);
    expect(p.problems).toEqual([]);
    expect(p.summary.terms).toEqual({ create: 1, unchanged: 0, closed: 1 });
    expect(p.summary.posts.endedWithTerm).toBe(4);
    expect(p.changes.closedTerms).toEqual([{ village: '一村', ordinal: 11, endDate: '2026-01-05' }]);
    await commit(file);
    const ended = await t.handle.db
      .selectFrom('post as p')
      .innerJoin('term as tm', 'tm.id', 'p.term_id')
      .select(['p.end_date', 'p.end_reason'])
      .where('tm.ordinal', '=', 11)
      .where('p.org_unit_id', '=', villages['一村']!)
      .execute();
    expect(ended.every((e) => e.end_date === '2026-01-05' && e.end_reason === '届满')).toBe(true);
    // Importing the first file again still changes nothing (its posts now end with their term).
    const again = await preview(await xlsx(goodRows()));
    expect(again.summary.posts).toEqual({ create: 0, update: 0, unchanged: 8, endedWithTerm: 0 });
  });

  it('batches large imports (more rows than one statement may carry)', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 1200; i++) rows.push(row({ n: i % 400, birth: `19${70 + Math.floor(i / 400)}-03-0${1 + (i % 3)}`, village: '三村', name: `三村委员${i}` }));
    // Unique people: (birth date, n) pairs.
    const ids = new Set(rows.map((r) => r.idNumber));
    expect(ids.size).toBe(1200);
    const lines = await commit(await xlsx(rows));
    expect(lines[lines.length - 1]!.result?.summary).toMatchObject({ people: { create: 1200 }, posts: { create: 1200 } });
    expect(lines.filter((l) => l.phase === 'posts').map((l) => l.done)).toEqual([0, 1000, 1200]);
    const n = await t.handle.db.selectFrom('post').select((eb) => eb.fn.countAll<number>().as('n')).where('org_unit_id', '=', villages['三村']!).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1200);
  });
});

describe(`hostile uploads (${engineLabel()})`, () => {
  // Security review #11, finding 2: each file used to hang or exhaust the process. Now a clear 4xx,
  // before anything is written, and the app keeps answering.
  it('answers 4xx for a sheet missing </c> or </row> and for a zip bomb, on preview and commit', async () => {
    const before = await counts();
    const cases = [
      { file: craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></row>' }), status: 400, code: 'invalid_file' },
      { file: craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></c>' }), status: 400, code: 'invalid_file' },
      { file: craftXlsx({ sheet: { raw: deflateBomb(300) } }), status: 413, code: 'file_too_large' },
    ];
    for (const c of cases) {
      expect(c.file.length).toBeLessThan(400 * 1024);
      for (const path of ['/api/roster/import/preview', '/api/roster/import/commit']) {
        const res = await upload(path, c.file);
        expect(res.status, path).toBe(c.status);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe(c.code);
        expect(body.error.message).toMatch(/文件/);
      }
    }
    expect(await counts()).toEqual(before);
    expect((await call(t.app, 'GET', '/api/health')).status).toBe(200);
  }, 30_000);
});

describe(`Excel export (${engineLabel()})`, () => {
  async function exportFile(cookie: string, org = t.rootOrgId, asOf = '2025-01-01') {
    const res = await call(t.app, 'GET', `/api/orgs/${org}/roster.xlsx?asOf=${asOf}`, { cookie });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  }

  it('round-trips: an exported roster imports back without changes', async () => {
    const file = await exportFile(office);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.buffer as ArrayBuffer);
    const ws = wb.getWorksheet('花名册')!;
    expect(ws.rowCount).toBe(1 + 8 + 1200);
    const sum = wb.getWorksheet('汇总')!;
    const last = sum.getRow(sum.rowCount).values as unknown[];
    expect(last[1]).toBe('合计');
    expect(last[4]).toBe(6 + 1200); // distinct members
    const p = await preview(file);
    expect(p.problems).toEqual([]);
    expect(p.summary.people).toEqual({ create: 0, update: 0, unchanged: 1206 });
    expect(p.summary.posts).toEqual({ create: 0, update: 0, unchanged: 1208, endedWithTerm: 0 });
  });

  it('masks ID numbers in an auditor’s export and audits every download', async () => {
    const file = await exportFile(auditor, villages['二村']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.buffer as ArrayBuffer);
    const ws = wb.getWorksheet('花名册')!;
    const idCol = IMPORT_COLUMNS.findIndex((c) => c.key === 'idNumber') + 1;
    const ids = [2, 3, 4, 5].map((r) => String(ws.getRow(r).getCell(idCol).value));
    expect(ids).toContain(maskIdNumber(testIdNumber('1980-01-01', 'male', 4)));
    expect(ids.every((id) => /^\*{14}[\dX]{4}$/.test(id))).toBe(true);
    // 出生年月 only, no day (security review #11, finding 4).
    const birthCol = IMPORT_COLUMNS.findIndex((c) => c.key === 'birthDate') + 1;
    expect([2, 3, 4, 5].map((r) => String(ws.getRow(r).getCell(birthCol).value)).every((d) => /^\d{4}-\d{2}$/.test(d))).toBe(true);
    const events = await t.handle.db.selectFrom('audit_event').select(['actor_username', 'details']).where('kind', '=', 'export.downloaded').orderBy('id').execute();
    expect(events.map((e) => e.actor_username)).toEqual(['office', 'auditor']);
    expect(events[1]!.details).toMatchObject({ document: 'roster.xlsx', rows: 4, fullIdNumbers: false });
  });

  it('leads with the office 花名册: title, one row per person with combined posts, dates as dates, print set-up, signature; 汇总 states its date (issue 10 item 11)', async () => {
    const file = await exportFile(office, villages['一村'], '2025-01-01');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.buffer as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['两委成员花名册', '花名册', '汇总']);
    const ws = wb.getWorksheet('两委成员花名册')!;
    expect(String(ws.getCell('A1').value)).toBe('一村“两委”成员花名册');
    expect(String(ws.getCell('A2').value)).toMatch(/^截至2025年1月1日　共\d+人$/);
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['序号', '村（社区）', '姓名']);
    const col = (h: string) => header.indexOf(h) + 1;
    const secretary = ws.getRows(4, ws.rowCount - 3)!.find((r) => r.getCell(col('姓名')).value === '一村书记')!;
    expect(secretary.getCell(col('职务')).value).toBe('党组织书记、村委会主任');
    expect(secretary.getCell(col('任职时间')).value).toEqual(new Date('2021-05-10T00:00:00Z'));
    expect(secretary.getCell(col('出生日期')).value).toBeInstanceOf(Date);
    expect(secretary.getCell(col('出生日期')).numFmt).toBe('yyyy-mm-dd');
    expect(secretary.getCell(col('序号')).border?.top?.style).toBe('thin');
    expect(secretary.getCell(col('姓名')).font?.name).toBe('宋体');
    // One row per person: the secretary's two posts are one row.
    expect(ws.getRows(4, ws.rowCount - 3)!.filter((r) => r.getCell(col('姓名')).value === '一村书记')).toHaveLength(1);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', printTitlesRow: '3:3' });
    expect(String(ws.getRow(ws.rowCount).getCell(1).value)).toMatch(/^制表单位：一村　+制表人：　+审核人：　+日期：2026年3月2日$/);
    const sum = wb.getWorksheet('汇总')!;
    expect(String(sum.getCell('A2').value)).toContain('统计时点：截至2025年1月1日');
  });
});
