// Hostile uploads (security review #11, finding 2): each of these used to hang the process, exhaust its
// memory or inflate a bomb in full. Now each ends the read with a clear error, within the budget.
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { DEFAULT_XLSX_LIMITS, readXlsxSheet, XlsxReadError } from './xlsx-reader.ts';
import { craftXlsx, craftZip, deflateBomb } from './xlsx-crafted.ts';

const read = (file: Buffer, limits = DEFAULT_XLSX_LIMITS) => readXlsxSheet(new Uint8Array(file), '花名册', limits);

function failure(fn: () => unknown): XlsxReadError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(XlsxReadError);
    return err as XlsxReadError;
  }
  throw new Error('expected the read to fail');
}

describe('xlsx reader on hostile files', () => {
  it('reads a well-formed crafted sheet (shared, inline and phonetic text)', () => {
    const sheet = read(
      craftXlsx({
        sharedStrings: '<sst><si><t>张三</t></si><si/><si><r><t>李</t></r><rPh><t>リ</t></rPh><r><t xml:space="preserve">四</t></r></si></sst>',
        sheetData: '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c><c r="C1" t="inlineStr"><is><t>王&amp;五</t></is></c><c r="D1"><v>42</v></c></row><row r="3"/>',
      }),
    );
    expect(sheet.rows).toEqual([{ rowNumber: 1, cells: [undefined, '张三', '李四', '王&五', 42] }]);
  });

  it('refuses a cell without </c> (used to loop forever)', () => {
    const err = failure(() => read(craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></row>' })));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/文件已损坏.*<\/c>/);
    // A later row's </c> does not count for this cell either.
    expect(failure(() => read(craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></row><row r="2"><c r="A2"><v>2</v></c></row>' }))).kind).toBe('invalid');
  });

  it('refuses a row without </row> (used to grow memory until the process died)', () => {
    const err = failure(() => read(craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></c>' })));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/<\/row>/);
  });

  it('refuses other unterminated tags, absurd references and broken zips', () => {
    for (const sheetData of ['<row r="1"', '<row r="1"><c r="A1"', '<row r="1"><c r="A1" t="inlineStr"><is><t>x</is></c></row>', '<row r="1e9"><c r="A1"><v>1</v></c></row>', '<row r="1"><c r="ZZZZZZ1"><v>1</v></c></row>'])
      expect(failure(() => read(craftXlsx({ sheetData }))).kind, sheetData).toBe('invalid');
    expect(failure(() => read(craftXlsx({ sharedStrings: '<sst><si><t>x</t>', sheetData: '' }))).kind).toBe('invalid');
    expect(failure(() => read(Buffer.from('PK not really a zip'))).kind).toBe('invalid');
    const truncated = craftXlsx({ sheetData: '<row r="1"><c r="A1"><v>1</v></c></row>' });
    expect(failure(() => read(Buffer.concat([truncated.subarray(0, 60), truncated.subarray(truncated.length - 22)]))).kind).toBe('invalid');
    expect(failure(() => read(craftXlsx({ sheet: { raw: Buffer.from('not deflate data at all') } }))).kind).toBe('invalid');
  });

  it('stops inflating a zip bomb at the ratio cap (never inflates it in full)', () => {
    const bomb = deflateBomb(400); // 400 MB of spaces from ~400 KB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = failure(() => read(craftXlsx({ sheet: { raw: bomb } })));
    expect(err.kind).toBe('too_large');
    expect(err.message).toMatch(/压缩炸弹/);
    // The crafted data really is a bomb: inflating it with a generous cap produces far more than allowed.
    expect(() => inflateRawSync(bomb, { maxOutputLength: bomb.length * DEFAULT_XLSX_LIMITS.maxRatio })).toThrow(/maxOutputLength|larger than/);
  });

  it('caps the total uncompressed bytes across entries, the entry count, rows, cells and time', () => {
    const limits = { ...DEFAULT_XLSX_LIMITS, maxUncompressedBytes: 64 * 1024 };
    const big = '<row r="1"><c r="A1" t="inlineStr"><is><t>' + 'x'.repeat(80 * 1024) + '</t></is></c></row>';
    expect(failure(() => read(craftXlsx({ sheetData: big }), limits)).kind).toBe('too_large');
    // Stored (uncompressed) entries count against the same budget.
    expect(failure(() => read(craftXlsx({ sheet: { data: `<worksheet><sheetData>${big}</sheetData></worksheet>`, method: 0 } }), limits)).kind).toBe('too_large');

    const many = craftZip(Array.from({ length: 60 }, (_, i) => ({ name: `junk/${i}.xml`, data: 'x' })));
    expect(failure(() => read(many, { ...DEFAULT_XLSX_LIMITS, maxEntries: 50 })).message).toMatch(/60 个文件/);

    const rows = Array.from({ length: 30 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>1</v></c><c r="B${i + 1}"><v>2</v></c></row>`).join('');
    expect(failure(() => read(craftXlsx({ sheetData: rows }), { ...DEFAULT_XLSX_LIMITS, maxRows: 20 })).message).toMatch(/超过 20 行/);
    expect(failure(() => read(craftXlsx({ sheetData: rows }), { ...DEFAULT_XLSX_LIMITS, maxCells: 40 })).message).toMatch(/超过 40 个单元格/);

    const long = Array.from({ length: 5_000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>1</v></c></row>`).join('');
    expect(failure(() => read(craftXlsx({ sheetData: long }), { ...DEFAULT_XLSX_LIMITS, timeBudgetMs: -1 })).message).toMatch(/时间限制/);
  });
});
