// Benchmark helpers of the 三重一大 register PDF (called by scripts/bench/decisions.ts, issue 6 must-have
// 10): our register document vs bare pdfkit drawing the same cells with the same font. No database.
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { PdfBuilder } from '../../pdf/document.ts';
import { FONT_PATHS } from '../../pdf/font.ts';
import { drawRegister } from '../../pdf/register.ts';
import type { RegisterRow } from './queries.ts';
import { REGISTER_PDF_COLUMNS } from './documents.ts';


export function syntheticRegisterRows(n: number): RegisterRow[] {
  const kinds = ['subdistrict_committee', 'village_party', 'joint_committees'] as const;
  const cats = ['major_decision', 'cadre_appointment', 'major_project', 'large_fund'] as const;
  const titles = ['研究道路硬化工程', '研究集体资金使用方案', '研究干部任免事项', '研究年度预算调整', '研究文化礼堂修缮', '研究土地流转方案'];
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    seq: 1 + (i % 5),
    org_name: `第${1 + (i % 400)}村`,
    meeting_kind: kinds[i % 3]!,
    held_on: `2021-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    held_time: '09:00:00',
    category: cats[i % 4]!,
    title: `${titles[i % titles.length]}（${i + 1}）`,
    amount_fen: i % 3 ? ((i * 7919) % 900000) * 100 : null,
    voting_method: 'show_of_hands',
    votes_for: 5 + (i % 3),
    votes_against: i % 7 === 0 ? 1 : 0,
    votes_abstain: 0,
    outcome: i % 29 === 0 ? 'deferred' : 'adopted',
    flags: i % 31 === 0 ? [{ rule: 'quorum', message: '到会人数未超过应到人数的半数', source: 'domain.md §6' }] : [],
    closed_at: new Date('2021-12-31T00:00:00Z'),
    implementation_result: '',
    expected: 7,
    present: 6 + (i % 2),
    amendments: 0,
  }));
}

function consume(doc: PDFKit.PDFDocument, hash: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const h = hash ? createHash('sha256') : null;
    let size = 0;
    doc.on('data', (chunk: Buffer) => {
      h?.update(chunk);
      size += chunk.length;
    });
    doc.on('end', () => resolve(size));
    doc.on('error', reject);
  });
}

export async function renderRegister(rows: RegisterRow[]): Promise<{ bytes: number; pages: number }> {
  const pdf = new PdfBuilder({
    title: '基准省2021年“三重一大”事项台账',
    orgName: '基准省',
    orientation: 'landscape',
    watermark: { name: '基准测试', at: new Date('2026-03-02T02:00:00Z') },
    stamp: { number: 'QF-2026-000001', checkCode: 'BENC-H000-0000-0000' },
  });
  const done = consume(pdf.doc, true);
  await drawRegister(pdf, { title: '基准省2021年“三重一大”事项台账', filters: [`共${rows.length}项`], columns: REGISTER_PDF_COLUMNS, rows });
  pdf.finish();
  return { bytes: await done, pages: pdf.pageCount };
}

/** Bare pdfkit: the same cells at the same positions and size, one text call each, no grid or frame. */
export async function renderBareRegister(rows: RegisterRow[]): Promise<number> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margins: { top: 58, bottom: 54, left: 42, right: 42 } });
  doc.font(FONT_PATHS.regular).fontSize(8.5);
  const width = doc.page.width - 84;
  const bottom = doc.page.height - 54;
  const total = REGISTER_PDF_COLUMNS.reduce((s, c) => s + c.width, 0);
  const xs: number[] = [];
  let x = 42;
  for (const c of REGISTER_PDF_COLUMNS) {
    xs.push(x + 3);
    x += (width * c.width) / total;
  }
  const rowHeight = 17.9;
  const done = consume(doc, false);
  doc.y = 58;
  for (let r = 0; r < rows.length; r++) {
    if (doc.y + rowHeight > bottom) {
      doc.addPage();
      doc.y = 58;
    }
    const y = doc.y;
    for (let i = 0; i < REGISTER_PDF_COLUMNS.length; i++) {
      const text = REGISTER_PDF_COLUMNS[i]!.value(rows[r]!, r);
      if (text) doc.text(text, xs[i], y, { lineBreak: false });
    }
    doc.y = y + rowHeight;
  }
  doc.end();
  return done;
}

