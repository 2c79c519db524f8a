// The baseline of the benchmark's combined-PDF figure (scripts/bench/pledges.ts): the same pledge pages
// drawn by pdfkit alone — same font files, signature image and QR code, no page frame, registry or stream.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import SVGtoPDF from 'svg-to-pdfkit';
import { fontBuffer } from '../../pdf/font.ts';

/** The same pages as the combined PDF, drawn by pdfkit alone (same font file, image and QR code). */
export async function barePledgePdf(pages: { name: string; code: string; url: string; png: Uint8Array }[], PARAGRAPHS: readonly string[]): Promise<number> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 58, bottom: 54, left: 42, right: 42 } });
  let bytes = 0;
  doc.on('data', (c: Buffer) => (bytes += c.length));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.registerFont('regular', fontBuffer('regular'));
  doc.registerFont('bold', fontBuffer('bold'));
  for (const [i, p] of pages.entries()) {
    if (i > 0) doc.addPage();
    doc.font('bold').fontSize(18).text('廉洁自律承诺书', { align: 'center' });
    doc.font('regular').fontSize(9.5).text('基准测试承诺书签署活动（第 1 版）', { align: 'center' });
    doc.moveDown();
    for (const para of PARAGRAPHS) doc.fontSize(11.5).text(para, { indent: 23, lineGap: 3 });
    const y = doc.y + 14;
    doc.image(Buffer.from(p.png), 242, y, { fit: [160, 54] });
    doc.fontSize(11.5).text(`姓名：${p.name}`, 146, y + 60);
    doc.text('签署时间：2024年3月2日 09:00', 146, y + 96);
    SVGtoPDF(doc, await QRCode.toString(p.url, { type: 'svg', margin: 0 }), 467, y, { width: 86, height: 86 });
    doc.fontSize(8.5).text(`核验码 ${p.code}`, 427, y + 102);
    doc.fontSize(8.5).text('编号 QF-2024-000001', 42, 800, { lineBreak: false });
  }
  doc.end();
  await done;
  return bytes;
}

