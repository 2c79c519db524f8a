// Pledge PDFs on the shared kit: the signed pledge (deterministic: same record → same bytes), its
// certificate, a campaign's pledges combined, and the QR-code sheet of signing links for one village.
import QRCode from 'qrcode';
import SVGtoPDF from 'svg-to-pdfkit';
import { COLORS, PdfBuilder } from '../../pdf/document.ts';
import { checkCode } from '../../pdf/hash.ts';
import { AUTH_METHOD_LABELS } from './rules.ts';

/** `2026年12月2日 05:28`, Asia/Shanghai: how documents print a time. */
export function documentDateTime(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}

/** `2026-12-02 05:28:07` for certificates (seconds matter there). */
function tableDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** What a signed pledge page shows: everything comes from the stored record. */
export interface PledgePage {
  title: string;
  paragraphs: string[];
  campaignTitle: string;
  versionNo: number;
  signerName: string;
  orgName: string;
  signedAt: Date;
  verificationCode: string;
  verifyUrl: string;
  imagePng: Uint8Array;
}

async function drawQr(pdf: PdfBuilder, text: string, x: number, y: number, size: number): Promise<void> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
  const doc = pdf.doc;
  doc.save();
  SVGtoPDF(doc, svg, x, y, { width: size, height: size, warningCallback: () => {} });
  doc.restore();
  doc.fillColor(COLORS.text);
}

/** One signed pledge, from the top of the current page. */
export async function drawPledgePage(pdf: PdfBuilder, p: PledgePage): Promise<void> {
  const doc = pdf.doc;
  pdf.titleBlock(p.title, [`${p.campaignTitle}（第 ${p.versionNo} 版）`]);
  for (const para of p.paragraphs) {
    pdf.paragraph(para, { size: 11.5, indent: 23 });
    pdf.spacer(4);
  }
  // Signature block with the QR code beside it; kept together on one page.
  const blockHeight = 130;
  pdf.ensureSpace(blockHeight);
  pdf.spacer(14);
  const top = pdf.y;
  const qrSize = 86;
  const qrX = pdf.right - qrSize;
  const textX = pdf.left + 200;
  pdf.font('regular', 11.5);
  doc.fillColor(COLORS.text).text('承诺人（签名）：', textX - 96, top + 16, { lineBreak: false });
  doc.image(Buffer.from(p.imagePng), textX, top - 4, { fit: [160, 54] });
  doc.text(`姓名：${p.signerName}`, textX - 96, top + 60, { lineBreak: false });
  doc.text(`单位：${p.orgName}`, textX - 96, top + 78, { lineBreak: false });
  doc.text(`签署时间：${documentDateTime(p.signedAt)}`, textX - 96, top + 96, { lineBreak: false });
  await drawQr(pdf, p.verifyUrl, qrX, top, qrSize);
  pdf.font('regular', 8.5);
  doc.fillColor(COLORS.muted);
  doc.text('扫码核验', qrX, top + qrSize + 4, { width: qrSize, align: 'center', lineBreak: false });
  doc.text(`核验码 ${p.verificationCode}`, qrX - 40, top + qrSize + 16, { width: qrSize + 40, align: 'right', lineBreak: false });
  doc.fillColor(COLORS.text);
  pdf.y = top + blockHeight;
  pdf.font('regular', 8.5);
  doc.fillColor(COLORS.muted).text(`核验地址：${p.verifyUrl}`, pdf.left, pdf.y, { width: pdf.width });
  doc.fillColor(COLORS.text);
  pdf.font('regular', 10);
}

/**
 * The signed pledge as bytes. No per-download watermark and the signing time as the PDF's dates (from
 * which pdfkit derives the file ID): the same stored record always draws the same bytes, so the file
 * registered at signing and every later download have one SHA-256.
 */
export async function renderSignedPledge(p: PledgePage & { documentNumber: string; contentSha256: string; headerOrgName: string }): Promise<Buffer> {
  const pdf = new PdfBuilder({
    title: '廉洁自律承诺书',
    orgName: p.headerOrgName,
    watermark: null,
    creationDate: p.signedAt,
    stamp: { number: p.documentNumber, checkCode: checkCode(p.contentSha256) },
  });
  const chunks: Buffer[] = [];
  pdf.doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    pdf.doc.on('end', resolve);
    pdf.doc.on('error', reject);
  });
  await drawPledgePage(pdf, p);
  pdf.finish();
  await ended;
  return Buffer.concat(chunks);
}

export interface CertificateData {
  documentNumber: string;
  signerName: string;
  orgName: string;
  campaignTitle: string;
  templateName: string;
  versionNo: number;
  signedAt: Date;
  ip: string | null;
  userAgent: string | null;
  authMethod: 'password' | 'link';
  textSha256: string;
  imageSha256: string;
  documentFileSha256: string | null;
  verificationCode: string;
  verifyUrl: string;
  supersedesCode: string | null;
  supersededByCode: string | null;
  intact: boolean;
}

/** The certificate: how, when and from where the pledge was signed, and the hashes to check it. */
export function drawCertificate(pdf: PdfBuilder, c: CertificateData): void {
  const doc = pdf.doc;
  pdf.titleBlock('承诺书签署证书', [`${c.campaignTitle} · 承诺书编号 ${c.documentNumber}`]);
  const rows: [string, string][] = [
    ['承诺人', c.signerName],
    ['单位', c.orgName],
    ['承诺书', `${c.templateName}（第 ${c.versionNo} 版）`],
    ['签署时间（北京时间）', tableDateTime(c.signedAt)],
    ['身份认证方式', AUTH_METHOD_LABELS[c.authMethod]],
    ['IP 地址', c.ip ?? '（未记录）'],
    ['浏览器（User-Agent）', c.userAgent ?? '（未记录）'],
    ['所签文本 SHA-256', c.textSha256],
    ['签名图像 SHA-256', c.imageSha256],
    ['承诺书 PDF 文件 SHA-256', c.documentFileSha256 ?? '（未登记）'],
    ['核验码', c.verificationCode],
    ['核验地址', c.verifyUrl],
    ['取代的签署', c.supersedesCode ? `核验码 ${c.supersedesCode}` : '无'],
    ['被取代', c.supersededByCode ? `是，新签署核验码 ${c.supersededByCode}` : '否（现行有效）'],
    ['记录完整性', c.intact ? '完整：按存储记录重新计算的哈希值一致' : '不一致：记录可能被改动'],
  ];
  const labelWidth = 150;
  for (const [label, value] of rows) {
    pdf.font('regular', 10);
    const h = Math.max(doc.heightOfString(value, { width: pdf.width - labelWidth }), 14) + 8;
    pdf.ensureSpace(h);
    const y = pdf.y;
    doc.fillColor(COLORS.muted).text(label, pdf.left, y, { width: labelWidth - 8 });
    doc.fillColor(COLORS.text).text(value, pdf.left + labelWidth, y, { width: pdf.width - labelWidth });
    pdf.y = y + h;
    doc.save().lineWidth(0.4).strokeColor(COLORS.hairline).moveTo(pdf.left, pdf.y - 4).lineTo(pdf.right, pdf.y - 4).stroke().restore();
  }
  pdf.spacer(10);
  pdf.paragraph(
    '说明：所签文本 SHA-256 按"qingfeng-pledge-v1"规范计算（活动、承诺人、版本及逐段正文，见系统文档）；签署记录在数据库中不可修改或删除，只能由新的签署取代。承诺书 PDF 由签署记录生成，每次下载的文件字节相同，可在核验页面上传比对。',
    { size: 9, color: COLORS.muted },
  );
}

export interface QrCard {
  name: string;
  orgName: string;
  url: string;
}

/** Eight cards a page (2 × 4): name, village, QR code of the personal link, how to use it, expiry. */
export async function drawQrSheet(pdf: PdfBuilder, info: { campaignTitle: string; orgName: string; expiresAt: Date }, cards: QrCard[]): Promise<void> {
  const doc = pdf.doc;
  pdf.titleBlock(`${info.orgName} 廉洁自律承诺书签署二维码`, [
    `${info.campaignTitle} · 每人一码，仅限本人使用 · 有效期至 ${documentDateTime(info.expiresAt)}`,
  ]);
  if (cards.length === 0) {
    pdf.paragraph('本村（社区）没有需要通过二维码签署的人员（均已签署，或本人有系统账号可登录签署）。');
    return;
  }
  const cols = 2;
  const cardW = pdf.width / cols;
  const cardH = 158;
  const qr = 96;
  let i = 0;
  let y = pdf.y;
  for (const card of cards) {
    const col = i % cols;
    if (col === 0) {
      pdf.ensureSpace(cardH);
      y = pdf.y;
    }
    const x = pdf.left + col * cardW;
    doc.save().lineWidth(0.6).dash(3, { space: 3 }).strokeColor(COLORS.rule).rect(x + 4, y + 4, cardW - 8, cardH - 8).stroke().restore();
    await drawQr(pdf, card.url, x + 14, y + 16, qr);
    const tx = x + 14 + qr + 12;
    const tw = cardW - (tx - x) - 12;
    pdf.font('bold', 14);
    doc.fillColor(COLORS.text).text(card.name, tx, y + 20, { width: tw, lineBreak: false });
    pdf.font('regular', 9);
    doc.text(card.orgName, tx, y + 42, { width: tw, lineBreak: false });
    doc.fillColor(COLORS.muted);
    doc.text('1. 扫码打开签署页面', tx, y + 64, { lineBreak: false });
    doc.text('2. 输入身份证号后6位', tx, y + 78, { lineBreak: false });
    doc.text('3. 阅读全文并手写签名', tx, y + 92, { lineBreak: false });
    pdf.font('regular', 7.5);
    doc.text('输错5次作废，请联系党建办重印', tx, y + 114, { lineBreak: false });
    doc.fillColor(COLORS.text);
    pdf.y = col === cols - 1 ? y + cardH : y;
    i++;
    if (i % 16 === 0) await pdf.breathe();
  }
  if (i % cols !== 0) pdf.y = y + cardH;
  pdf.font('regular', 10);
}
