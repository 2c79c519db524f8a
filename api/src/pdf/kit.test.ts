// The PDF kit on its own (no database): page frame, tables, charts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drawChart } from './chart.ts';
import { PdfBuilder, type PdfOptions } from './document.ts';
import { drawTable, type TableColumn } from './table.ts';
import { expectPdfA2b } from '../testing/pdfa.ts';

const dir = mkdtempSync(join(tmpdir(), 'qf-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function build(options: Partial<PdfOptions>, draw: (pdf: PdfBuilder) => Promise<void>) {
  const pdf = new PdfBuilder({
    title: '测试文档',
    orgName: '测试街道党工委',
    watermark: { name: '张审计', at: new Date('2026-03-01T17:30:00Z') },
    stamp: { number: 'QF-2026-000042', checkCode: 'ABCD-EF01-2345-6789' },
    ...options,
  });
  const chunks: Buffer[] = [];
  pdf.doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => pdf.doc.on('end', () => resolve()));
  await draw(pdf);
  pdf.finish();
  await ended;
  const bytes = Buffer.concat(chunks);
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  if (process.env.QF_PDF_DUMP) writeFileSync(join(process.env.QF_PDF_DUMP, `kit-${options.orientation ?? 'portrait'}.pdf`), bytes);
  const pages = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
  return { bytes, pages, file, fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' }) };
}

interface Row {
  n: number;
  name: string;
  note: string;
}
const columns: TableColumn<Row>[] = [
  { header: '序号', width: 2, align: 'center', value: (r) => String(r.n) },
  { header: '名称', width: 3, value: (r) => r.name },
  { header: '说明', width: 8, value: (r) => r.note, wrap: true },
  { header: '金额\n（元）', width: 3, align: 'right', value: (r) => (r.n * 1000).toLocaleString('en-US') },
];

describe('PDF kit', () => {
  it('frames every page, repeats the table header, wraps long cells and shrinks wide ones', async () => {
    const rows: Row[] = Array.from({ length: 90 }, (_, i) => ({
      n: i + 1,
      name: i === 5 ? '一个相当长的项目名称文字' : i === 6 ? '一个非常非常非常非常非常非常长的名称' : `项目${i + 1}`,
      note: i % 10 === 0 ? `第${i + 1}行的说明文字比较长，需要在单元格内换行显示，不能与相邻的单元格重叠，也不能被截断。` : '短说明',
    }));
    const { pages, fonts } = await build({}, async (pdf) => {
      pdf.titleBlock('测试文档标题', ['副标题一行']);
      pdf.heading('一、表格');
      await drawTable(pdf, columns, rows, { totalRows: [['', '合计', '', '4,095,000']], continuation: '一、表格（续）' });
      pdf.paragraph('表后的一段正文。'.repeat(20));
    });
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      expect(page).toContain('测试街道党工委');
      expect(page).toContain(`第 ${i + 1} 页 共 ${pages.length} 页`);
      expect(page).toContain('编号 QF-2026-000042');
      expect(page).toContain('校验码 ABCD-EF01-2345-6789');
      // The watermark is outlines, not text: extracting the page gives the document's words only.
      expect(page).not.toContain('张审计');
    });
    const all = pages.join('\n');
    // The header row on every page that has table rows, with the continuation caption after the first.
    const tablePages = pages.filter((p) => /\n\d+ 项目\d+ /.test(p));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const p of tablePages) expect(p).toMatch(/序号 名称 说明\s+金额\s+（元）/);
    expect(pages[1]).toContain('一、表格（续）');
    // A wrapped cell keeps all its text; a too-wide cell is shrunk, and beyond 60 % wraps over lines
    // (issue 10 item 7: never cut with "…").
    expect(all.replace(/\s+/g, '')).toContain('第1行的说明文字比较长，需要在单元格内换行显示，不能与相邻的单元格重叠，也不能被截断。');
    expect(all).toMatch(/6 一个相当长的项目名称文字 短说明 6,000/);
    expect(all).not.toContain('…');
    expect(all.replace(/\s+/g, '')).toContain('7一个非常非常非常非常非常非常长的名称短说明7,000');
    expect(all).toMatch(/合计 4,095,000/);
    expect(all).toMatch(/90 项目90 短说明 90,000/);
    expect(fonts).toMatch(/NotoSansSC-Bold/);
    expect(fonts).not.toMatch(/Helvetica/);
  });

  it('keeps font size across a page break inside a paragraph', async () => {
    const { pages, file } = await build({}, async (pdf) => {
      pdf.paragraph('这是一段很长的正文，用于检查跨页时字号保持不变。'.repeat(120), { size: 12 });
    });
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // Line heights of the paragraph on every page: the same size throughout.
    const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    const lines = html.split('<page ').slice(1).map((page) =>
      [...page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">[^<]*这是[^<]*<\/word>/g)].map((m) => Number(m[2]) - Number(m[1])),
    );
    expect(lines[0]!.length).toBeGreaterThan(10);
    expect(lines[1]!.length).toBeGreaterThan(3);
    for (const h of lines.flat()) expect(h).toBeCloseTo(lines[0]![0]!, 1);
  });

  it('draws echarts SVG with Chinese labels in Noto, landscape', async () => {
    const { pages, fonts } = await build({ orientation: 'landscape' }, async (pdf) => {
      pdf.titleBlock('图表');
      await drawChart(
        pdf,
        {
          title: { text: '年龄结构分布' },
          xAxis: { type: 'category', data: ['三十五岁以下', '三十六至四十五岁'] },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', data: [23, 40], label: { show: true, position: 'top' } }],
        },
        { x: pdf.left, y: pdf.y, width: 400, height: 240 },
      );
    });
    expect(pages).toHaveLength(1);
    for (const label of ['年龄结构分布', '三十五岁以下', '三十六至四十五岁', '23', '40']) expect(pages[0]).toContain(label);
    expect(fonts).not.toMatch(/Helvetica/);
  });

  it('is PDF/A-2b: with a chart, a table and the watermark; XML-special title characters keep the XMP well-formed', async () => {
    const { bytes } = await build({ title: '测试 & <文档> "一"', orgName: 'A&B街道' }, async (pdf) => {
      pdf.titleBlock('图表与表格');
      await drawChart(pdf, { xAxis: { type: 'category', data: ['一', '二'] }, yAxis: { type: 'value' }, series: [{ type: 'pie', data: [{ name: '甲', value: 1 }, { name: '乙', value: 2 }] }] }, { x: pdf.left, y: pdf.y, width: 300, height: 200 });
      pdf.spacer(210);
      await drawTable(pdf, columns, [{ n: 1, name: '一', note: '说明' }]);
    });
    const { xmp } = expectPdfA2b(bytes, 'kit');
    expect(xmp).toContain('测试 ＆ ＜文档＞ "一"');
    expect(xmp).toContain('<rdf:li>A＆B街道</rdf:li>');
  });

  it('with a fixed creation date (no watermark) draws the same bytes twice, the XMP dates from that date', async () => {
    const at = new Date('2021-06-30T16:30:00Z');
    const draw = async (pdf: PdfBuilder) => pdf.paragraph('承诺内容。');
    const a = await build({ watermark: null, creationDate: at }, draw);
    const b = await build({ watermark: null, creationDate: at }, draw);
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    const facts = expectPdfA2b(a.bytes, 'fixed');
    expect(facts.createDate).toBe('2021-06-30T16:30:00Z');
    expect(facts.modifyDate).toBe('2021-06-30T16:30:00Z');
  });
});
