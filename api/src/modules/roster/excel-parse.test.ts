// Reading uploaded workbooks (no database): cell types Excel produces, aliases, header variants.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildTemplate, IMPORT_COLUMNS, parseRosterWorkbook } from './excel.ts';
import { testIdNumber } from './test-helpers.ts';
import { ETHNICITY_LIST } from './labels.ts';

const id = testIdNumber('1980-01-01', 'male', 1);

function baseRow(): unknown[] {
  return ['一村', 11, '2021-05-10', '张三', '男', id, '1980-01-01', '汉族', '中共党员', '2005-07-01', '高中', '大学专科', '13800000000', '否', '党组织委员会', '书记', '2021-05-10', '', '', '换届选举'];
}

async function file(rows: unknown[][], o: { headers?: string[]; sheet?: string; sharedStrings?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(o.sheet ?? '花名册');
  ws.addRow(o.headers ?? IMPORT_COLUMNS.map((c) => c.header));
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer({ useSharedStrings: o.sharedStrings ?? true } as ExcelJS.XlsxWriteOptions));
}

describe('reading the roster sheet', () => {
  it('reads text cells, with or without shared strings', async () => {
    for (const sharedStrings of [true, false]) {
      const r = await parseRosterWorkbook(await file([baseRow()], { sharedStrings }));
      expect(r.problems).toEqual([]);
      expect(r.rows[0]).toEqual({
        row: 2,
        village: '一村',
        ordinal: 11,
        electionDate: '2021-05-10',
        person: {
          name: '张三',
          gender: 'male',
          idNumber: id,
          birthDate: '1980-01-01',
          ethnicity: '01',
          politicalStatus: 'cpc_member',
          partyJoinDate: '2005-07-01',
          educationFullTime: 'high_school',
          educationHighest: 'associate',
          phone: '13800000000',
          isVeteran: false,
        },
        committee: 'party',
        position: 'secretary',
        startDate: '2021-05-10',
        endDate: null,
        endReason: null,
        how: 'elected',
      });
    }
  });

  it('reads real Excel dates, numbers and rich text', async () => {
    const row = baseRow();
    row[2] = new Date(Date.UTC(2021, 4, 10));
    row[6] = new Date(Date.UTC(1980, 0, 1));
    row[3] = { richText: [{ text: '张' }, { text: '三', font: { bold: true } }] };
    row[12] = 13800000000;
    row[16] = '2021年5月10日';
    row[17] = '2023/2/1';
    row[18] = '辞职 & 调离';
    const r = await parseRosterWorkbook(await file([row]));
    expect(r.problems).toEqual([]);
    expect(r.rows[0]).toMatchObject({ electionDate: '2021-05-10', startDate: '2021-05-10', endDate: '2023-02-01', endReason: '辞职 & 调离' });
    expect(r.rows[0]!.person).toMatchObject({ name: '张三', birthDate: '1980-01-01', phone: '13800000000' });
  });

  it('explains an ID number Excel has turned into a number', async () => {
    const row = baseRow();
    row[5] = 370302198001011234;
    const r = await parseRosterWorkbook(await file([row]));
    expect(r.problems).toEqual([{ row: 2, column: '公民身份号码', message: '公民身份号码被 Excel 存成了数字，末几位可能已丢失：请把该列设为文本后重新填写' }]);
  });

  it('accepts common aliases, and fills birth date and gender from the ID number when empty', async () => {
    const row = baseRow();
    row[1] = '第11届';
    row[4] = '';
    row[6] = '';
    row[8] = '党员';
    row[11] = '大专';
    row[14] = '村委会';
    row[15] = '主任';
    row[19] = '';
    const r = await parseRosterWorkbook(await file([row]));
    expect(r.problems).toEqual([]);
    expect(r.rows[0]).toMatchObject({ ordinal: 11, committee: 'residents', position: 'director', how: null });
    expect(r.rows[0]!.person).toMatchObject({ gender: 'male', birthDate: '1980-01-01', politicalStatus: 'cpc_member', educationHighest: 'associate' });
  });

  it('finds columns by header in any order, tolerating * and half-width parentheses', async () => {
    const headers = IMPORT_COLUMNS.map((c) => (c.required ? `*${c.header}` : c.header).replace('（', '(').replace('）', ')'));
    const order = headers.map((_, i) => i).reverse();
    const r = await parseRosterWorkbook(await file([order.map((i) => baseRow()[i])], { headers: order.map((i) => headers[i]!), sheet: 'Sheet1' }));
    expect(r.problems).toEqual([]);
    expect(r.rows[0]!.village).toBe('一村');
  });

  it('names missing columns, unreadable files and empty sheets', async () => {
    const r = await parseRosterWorkbook(await file([], { headers: ['村（社区）', '姓名'] }));
    expect(r.problems.map((p) => p.message)).toContain('缺少必填列“公民身份号码”');
    await expect(parseRosterWorkbook(new TextEncoder().encode('not a workbook'))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/无法读取文件/) });
    expect((await parseRosterWorkbook(await file([]))).problems[0]!.message).toMatch(/没有数据/);
  });

  it('reports each bad cell with its column', async () => {
    const row = baseRow();
    row[1] = '十一';
    row[2] = '2021-13-01';
    row[7] = '火星族';
    row[13] = '也许';
    const r = await parseRosterWorkbook(await file([baseRow(), row]));
    expect(r.rows).toHaveLength(1);
    expect(r.problems.map((p) => `${p.row}|${p.column}`)).toEqual(['3|届次', '3|换届日期', '3|民族', '3|退役军人']);
  });

  it('reads the downloaded template as an empty roster (the example row is on its own sheet)', async () => {
    const r = await parseRosterWorkbook(await buildTemplate());
    expect(r.problems).toEqual([{ row: 2, column: '', message: '“花名册”工作表中没有数据' }]);
  });
});

describe('民族 in code order (issue 10 item 2)', () => {
  it('lists 汉族 first, then by code, in the code list and the template’s 代码表', async () => {
    const codes = ETHNICITY_LIST.map(([code]) => code);
    expect(codes[0]).toBe('01');
    expect(ETHNICITY_LIST[0]![1]).toBe('汉族');
    expect([...codes].sort()).toEqual(codes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await buildTemplate()) as unknown as ArrayBuffer);
    const lists = wb.getWorksheet('代码表')!;
    let col = 0;
    lists.getRow(1).eachCell((cell, n) => {
      if (cell.value === 'ethnicity') col = n;
    });
    const names = Array.from({ length: ETHNICITY_LIST.length }, (_, i) => String(lists.getRow(i + 2).getCell(col).value));
    expect(names.slice(0, 3)).toEqual(['汉族', '蒙古族', '回族']);
    expect(names).toEqual(ETHNICITY_LIST.map(([, name]) => name));
  });
});
