// The benchmark's baseline for the archive PDF (pnpm bench, figure 10d): bare pdfkit drawing the same
// pages from the same data — the title, the seven headings and every table cell of archiveSections()
// at its column's position (one text call per cell, no wrapping), the header row again on each new
// page, the same font and sizes — like the roster PDF's baseline (api/src/pdf/bench.ts). No kit: no
// registry, hash, watermark, header/footer, grid or fills. Here rather than in scripts/ because pdfkit
// resolves from the api package.
import PDFDocument from 'pdfkit';
import { FONT_PATHS } from '../../pdf/font.ts';
import type { ArchiveData } from './archive.ts';
import { archiveSections, archiveTitle, eligibilityText } from './archive-pdf.ts';

const TOP = 58;
const BOTTOM = 54;
const X = 42;
const FONT_SIZE = 8.5;
const ROW_HEIGHT = Math.round(FONT_SIZE * 2.1 * 10) / 10;

/** Draws the archive with bare pdfkit; resolves with its size in bytes and pages. */
export async function bareArchivePdf(d: ArchiveData): Promise<{ bytes: number; pages: number }> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: TOP, bottom: BOTTOM, left: X, right: X } });
  let bytes = 0;
  doc.on('data', (c: Buffer) => (bytes += c.length));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  const width = doc.page.width - 2 * X;
  const bottom = doc.page.height - BOTTOM;
  let pages = 1;
  const newPage = () => {
    doc.addPage();
    pages++;
    doc.y = TOP;
  };
  doc.font(FONT_PATHS.bold).fontSize(18).text(archiveTitle(d), X, TOP, { align: 'center', width });
  doc.font(FONT_PATHS.regular).fontSize(9.5).text(`${d.person.org_name}`, { align: 'center', width });
  for (const s of archiveSections(d)) {
    if (doc.y + 3 * ROW_HEIGHT > bottom) newPage();
    doc.moveDown();
    doc.font(FONT_PATHS.bold).fontSize(12).text(s.heading, X, doc.y, { lineBreak: false });
    doc.y += 12 * 1.6;
    doc.font(FONT_PATHS.regular).fontSize(FONT_SIZE);
    const total = s.columns.reduce((sum, c) => sum + c.width, 0);
    const xs: number[] = [];
    let x = X;
    for (const c of s.columns) {
      xs.push(x + 3);
      x += (width * c.width) / total;
    }
    const header = () => {
      s.columns.forEach((c, i) => doc.text(c.header, xs[i], doc.y, { lineBreak: false }));
      doc.y += ROW_HEIGHT;
    };
    header();
    if (s.rows.length === 0 && s.emptyText) {
      doc.text(s.emptyText, xs[0], doc.y, { lineBreak: false });
      doc.y += ROW_HEIGHT;
    }
    const widths = s.columns.map((c) => (width * c.width) / total - 6);
    const lineHeight = doc.currentLineHeight();
    s.rows.forEach((row, r) => {
      const values = s.columns.map((c) => c.value(row, r));
      // Cells marked wrap are wrapped by pdfkit to their column's width, as on our pages: the row is as
      // tall as its tallest cell.
      let height = ROW_HEIGHT;
      s.columns.forEach((c, i) => {
        if (c.wrap && values[i]) height = Math.max(height, doc.heightOfString(values[i]!, { width: widths[i]!, lineGap: 1 }) + ROW_HEIGHT - lineHeight);
      });
      if (doc.y + height > bottom) {
        newPage();
        header();
      }
      const y = doc.y;
      s.columns.forEach((c, i) => {
        const text = values[i];
        if (!text) return;
        if (c.wrap) doc.text(text, xs[i], y, { width: widths[i]!, lineGap: 1 });
        else doc.text(text, xs[i], y, { lineBreak: false });
      });
      doc.y = y + height;
    });
  }
  doc.moveDown();
  doc.font(FONT_PATHS.bold).fontSize(12).text('七、任职资格', X, doc.y, { lineBreak: false });
  doc.y += 12 * 1.6;
  doc.font(FONT_PATHS.regular).fontSize(10.5).text(eligibilityText(d), X, doc.y, { width });
  doc.end();
  await done;
  return { bytes, pages };
}
