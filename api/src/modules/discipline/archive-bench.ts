// The benchmark's baseline for the archive PDF (pnpm bench, figure 10d): the same sections and rows
// drawn by bare pdfkit with the same font — no kit (no registry, hash, watermark, table layout). Here
// rather than in scripts/ because pdfkit resolves from the api package.
import PDFDocument from 'pdfkit';
import { fontBuffer } from '../../pdf/font.ts';
import type { ArchiveData } from './archive.ts';

/** The archive's sections drawn by pdfkit alone: same font, title, headings and one line per row. */
export async function bareArchivePdf(d: ArchiveData): Promise<number> {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 58, bottom: 54, left: 42, right: 42 } });
  let bytes = 0;
  doc.on('data', (c: Buffer) => (bytes += c.length));
  const done = new Promise<void>((resolve) => doc.on('end', resolve));
  doc.registerFont('regular', fontBuffer('regular'));
  doc.registerFont('bold', fontBuffer('bold'));
  doc.font('bold').fontSize(18).text(`${d.person.name}廉政档案`, { align: 'center' });
  const section = (title: string, lines: string[]) => {
    doc.moveDown().font('bold').fontSize(12).text(title);
    doc.font('regular').fontSize(9);
    for (const l of lines) doc.text(l);
  };
  const p = d.person;
  section('一、基本情况', [p.name, p.birth_date, p.id_number, p.org_name]);
  section('二、任职情况（历届）', d.posts.map((r) => `${r.org_name} 第${r.term_ordinal}届 ${r.start_date} ${r.end_date ?? '至今'}`));
  section('三、谈话函询', d.talks.map((r) => `${r.talk_date} ${r.kindLabel} ${r.leader_name} ${r.topic}`));
  section('四、处分及影响期', d.sanctions.map((r) => `${r.label} ${r.authority} ${r.effective_date} ${r.influence_end ?? '永久'}`));
  section('五、参与“三重一大”决策及个人意见', d.decisions.map((r) => `${r.held_on} ${r.title} ${r.opinionLabel}`));
  section('六、廉洁自律承诺', d.pledges.map((r) => `${r.campaign_title} ${r.signed_at} ${r.verification_code}`));
  section('七、任职资格', [d.eligibility.eligible ? '未发现影响任职资格的情形。' : d.eligibility.reasons.map((r) => r.text).join('；')]);
  doc.end();
  await done;
  return bytes;
}
