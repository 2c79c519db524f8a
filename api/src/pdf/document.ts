// The page frame every Qingfeng PDF shares: A4, Noto Sans SC, a title block, the org name in the header,
// "第 X 页 共 Y 页" with the document number and check code in the footer, and a light diagonal watermark
// naming the downloader and the time on every page.
//
// Pages are not buffered: each page gets its header, footer and watermark when it is complete and is then
// written to the stream, so a 10,000-row roster streams to the client while it is drawn, in flat memory.
// The one thing unknown until the end, the page count Y, is printed through a small form XObject per page
// whose content is written when the document finishes (PDF objects may be written in any order).
import PDFDocument from 'pdfkit';
import { useFont, type FontWeight } from './font.ts';
import { beijingDocumentTime } from '../time.ts';

export const COLORS = {
  text: '#1f2328',
  muted: '#5b6472',
  rule: '#c9d1db',
  hairline: '#e3e8ee',
  headerFill: '#e9eef5',
  zebra: '#f6f8fa',
  accent: '#b4231f',
  watermark: '#8a94a3',
} as const;

export interface PdfOptions {
  title: string;
  /** Printed in the header of every page. */
  orgName: string;
  orientation?: 'portrait' | 'landscape';
  /**
   * Who downloads, and when: the watermark. null only for documents that must come out byte-identical
   * on every download (a signed pledge is the signer's own document, drawn from its stored record).
   */
  watermark: { name: string; at: Date } | null;
  /** Fixes the PDF's CreationDate/ModDate (and with them pdfkit's file ID, derived from the info); default now. */
  creationDate?: Date;
  stamp: PdfStamp;
}

/** What every page's footer prints besides the page numbers: known before drawing starts. */
export interface PdfStamp {
  /** Registry number, e.g. QF-2026-000123. */
  number: string;
  /** Short form of the content hash. */
  checkCode: string;
}

const MARGIN_X = 42;
const MARGIN_TOP = 58;
const MARGIN_BOTTOM = 54;
const FOOTER_SIZE = 8.5;

/** The parts of pdfkit's embedded font object used to write the page-count XObjects. */
interface EmbeddedFontLike {
  id: string;
  ascender: number;
  ref(): unknown;
  encode(text: string): [string[], unknown];
  widthOfString(text: string, size: number): number;
}

/** pdfkit's text state (not in its public types). */
interface TextState {
  _font: unknown;
  _fontSize: number;
  _fillColor?: [PDFKit.Mixins.ColorValue, number | undefined];
}

interface PageNumberSlot {
  ref: PDFKit.PDFKitReference;
  page: number;
  width: number;
}

const rgb = (hex: string) =>
  [1, 3, 5].map((i) => (parseInt(hex.slice(i, i + 2), 16) / 255).toFixed(3)).join(' ');

export class PdfBuilder {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly pageWidth: number;
  readonly pageHeight: number;
  private finished = false;
  private pageNumber = 1;
  private readonly mark: string | null;
  private readonly slots: PageNumberSlot[] = [];
  private readonly footerFont: EmbeddedFontLike;

  constructor(readonly options: PdfOptions) {
    // Every document the kit draws is a record that may be archived: PDF/A-2b (see ARCHITECTURE.md, PDF/A).
    // pdfkit's `subset` adds the pdfaid XMP and an sRGB output intent; it writes XMP only from PDF 1.4 on,
    // and PDF/A-2 is PDF 1.7. `font: null`: no standard-14 Helvetica loaded before ours (never embedded).
    const created = options.creationDate ?? new Date();
    this.doc = new PDFDocument({
      size: 'A4',
      layout: options.orientation ?? 'portrait',
      margins: { top: MARGIN_TOP, bottom: MARGIN_BOTTOM, left: MARGIN_X, right: MARGIN_X },
      pdfVersion: '1.7',
      subset: 'PDF/A-2b',
      font: null as unknown as string,
      info: {
        Title: xmpSafe(options.title),
        Author: xmpSafe(options.orgName),
        Creator: '清风 Qingfeng',
        Producer: '清风 Qingfeng',
        CreationDate: created,
        ModDate: created,
      },
      displayTitle: true,
      lang: 'zh-CN',
    });
    // PDF/A: every Info entry has its XMP twin; pdfkit writes xmp:CreateDate but not ModifyDate.
    this.doc.appendXML(
      `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:ModifyDate>${created.toISOString().split('.')[0]}Z</xmp:ModifyDate></rdf:Description>`,
    );
    this.pageWidth = this.doc.page.width;
    this.pageHeight = this.doc.page.height;
    this.left = MARGIN_X;
    this.right = this.pageWidth - MARGIN_X;
    this.top = MARGIN_TOP;
    this.bottom = this.pageHeight - MARGIN_BOTTOM;
    this.width = this.right - this.left;
    this.font('regular', 10);
    this.doc.fillColor(COLORS.text);
    // pdfkit's current font object after selecting the regular weight (not in its public types).
    this.footerFont = (this.doc as unknown as { _font: EmbeddedFontLike })._font;
    this.mark = options.watermark && `${options.watermark.name}  ${beijingDocumentTime(options.watermark.at)}`;
    // Every new page, whoever asks for it (our tables, or pdfkit's own line wrapper via
    // continueOnNewPage), first completes the current one: pdfkit writes it out right after.
    const addPage = this.doc.addPage.bind(this.doc);
    this.doc.addPage = (pageOptions?: PDFKit.PDFDocumentOptions) => {
      // Text flowing on from the last page (pdfkit's wrapper) keeps its font, size and colour.
      const state = this.doc as unknown as TextState;
      const { _font, _fontSize, _fillColor } = state;
      this.completePage();
      addPage(pageOptions);
      this.pageNumber++;
      state._font = _font;
      state._fontSize = _fontSize;
      if (_fillColor) this.doc.fillColor(_fillColor[0], _fillColor[1]);
      return this.doc;
    };
  }

  get y(): number {
    return this.doc.y;
  }
  set y(value: number) {
    this.doc.y = value;
  }

  font(weight: FontWeight, size?: number): this {
    useFont(this.doc, weight, size);
    return this;
  }

  /** Space left on the current page. */
  remaining(): number {
    return this.bottom - this.doc.y;
  }

  addPage(): void {
    this.doc.addPage();
    this.doc.x = this.left;
    this.doc.y = this.top;
  }

  /** Starts a new page unless `height` still fits; true when a page was added. */
  ensureSpace(height: number): boolean {
    if (this.doc.y + height <= this.bottom) return false;
    this.addPage();
    return true;
  }

  spacer(height: number): void {
    this.doc.y += height;
  }

  /** The document title, centred, with a red rule under it and optional centred lines below. */
  titleBlock(title: string, subtitles: string[] = []): void {
    const doc = this.doc;
    this.font('bold', 18);
    doc.fillColor(COLORS.text).text(title, this.left, this.doc.y, { width: this.width, align: 'center' });
    doc.y += 4;
    const ruleY = doc.y;
    doc.save().lineWidth(1.2).strokeColor(COLORS.accent).moveTo(this.left, ruleY).lineTo(this.right, ruleY).stroke().restore();
    doc.y = ruleY + 7;
    if (subtitles.length) {
      this.font('regular', 9.5);
      doc.fillColor(COLORS.muted);
      for (const line of subtitles) doc.text(line, this.left, doc.y, { width: this.width, align: 'center' });
      doc.fillColor(COLORS.text);
    }
    doc.y += 10;
  }

  /** A section heading; moves to a new page when fewer than `keepWith` points would follow it. */
  heading(text: string, options: { size?: number; keepWith?: number } = {}): void {
    const size = options.size ?? 12;
    this.ensureSpace(size * 1.6 + (options.keepWith ?? 60));
    const doc = this.doc;
    this.font('bold', size);
    const y = doc.y;
    doc.save().rect(this.left, y + 2, 3, size).fill(COLORS.accent).restore();
    doc.fillColor(COLORS.text).text(text, this.left + 8, y, { width: this.width - 8, lineBreak: false });
    doc.y = y + size * 1.5 + 4;
    doc.x = this.left;
  }

  /** Wrapped body text (pdfkit breaks CJK lines between characters). */
  paragraph(text: string, options: { size?: number; color?: string; indent?: number } = {}): void {
    const doc = this.doc;
    this.font('regular', options.size ?? 10.5);
    // Keep at least two lines together; longer text flows on to the next page.
    const height = doc.heightOfString(text, { width: this.width, lineGap: 3 });
    this.ensureSpace(Math.min(height, 2 * (doc.currentLineHeight(true) + 3)));
    doc.fillColor(options.color ?? COLORS.text).text(text, this.left, doc.y, { width: this.width, lineGap: 3, indent: options.indent ?? 0 });
    doc.fillColor(COLORS.text);
    doc.x = this.left;
  }

  /**
   * Set by whoever consumes the stream: resolves when the consumer wants more bytes. Long drawing loops
   * call breathe(), so a slow client slows the drawing instead of piling pages up in memory.
   */
  waitForDemand: (() => Promise<void>) | null = null;

  /** Table rows drawn since the last breathe(), across all tables of the document. */
  rowsSinceBreath = 0;

  /** Lets other requests run, and waits while the consumer is still busy with what it has. */
  async breathe(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.waitForDemand) await this.waitForDemand();
  }

  /** Pages so far (the final count once finished). */
  get pageCount(): number {
    return this.pageNumber;
  }

  /** Completes the last page, writes the page counts, and ends the document (the stream then ends). */
  finish(): void {
    if (this.finished) throw new Error('PDF already finished');
    this.finished = true;
    this.completePage();
    this.writePageNumbers();
    this.doc.end();
  }

  /** Header, footer and watermark on the current page, on top of its content. */
  private completePage(): void {
    const doc = this.doc;
    const { x, y } = doc;
    this.drawHeader();
    this.drawFooter();
    this.drawWatermark();
    doc.x = x;
    doc.y = y;
  }

  private drawHeader(): void {
    const doc = this.doc;
    const y = this.top - 26;
    this.font('regular', 8.5);
    doc.fillColor(COLORS.muted);
    doc.text(this.options.orgName, this.left, y, { lineBreak: false });
    const title = this.options.title;
    doc.text(title, this.right - doc.widthOfString(title), y, { lineBreak: false });
    doc.save().lineWidth(0.6).strokeColor(COLORS.rule).moveTo(this.left, this.top - 12).lineTo(this.right, this.top - 12).stroke().restore();
    doc.fillColor(COLORS.text);
  }

  private drawFooter(): void {
    const doc = this.doc;
    const { stamp } = this.options;
    const lineY = this.bottom + 14;
    const y = lineY + 7;
    doc.save().lineWidth(0.6).strokeColor(COLORS.rule).moveTo(this.left, lineY).lineTo(this.right, lineY).stroke().restore();
    this.font('regular', FOOTER_SIZE);
    doc.fillColor(COLORS.muted);
    doc.text(`编号 ${stamp.number}`, this.left, y, { lineBreak: false });
    const code = `校验码 ${stamp.checkCode}`;
    doc.text(code, this.right - doc.widthOfString(code), y, { lineBreak: false });
    doc.fillColor(COLORS.text);
    this.placePageNumber(y);
  }

  /**
   * Places this page's "第 X 页 共 Y 页": a form XObject drawn at the footer's centre line, whose content
   * is written in finish(), when Y is known. Its box spans the footer between number and check code.
   */
  private placePageNumber(topY: number): void {
    const doc = this.doc;
    const width = 200;
    const ref = doc.ref({
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, -FOOTER_SIZE, width, FOOTER_SIZE * 2],
      Resources: { Font: { [this.footerFont.id]: this.footerFont.ref() } },
    });
    const name = `QfPage${this.pageNumber}`;
    (doc.page as unknown as { xobjects: Record<string, unknown> }).xobjects[name] = ref;
    const baseline = topY + (this.footerFont.ascender / 1000) * FOOTER_SIZE;
    // pdfkit's page space has y pointing down; flip back so the form's text stands upright.
    doc.save();
    doc.transform(1, 0, 0, -1, (this.left + this.right - width) / 2, baseline);
    doc.addContent(`/${name} Do`);
    doc.restore();
    this.slots.push({ ref, page: this.pageNumber, width });
  }

  private writePageNumbers(): void {
    const font = this.footerFont;
    const total = this.pageNumber;
    for (const slot of this.slots) {
      const text = `第 ${slot.page} 页 共 ${total} 页`;
      const [glyphs] = font.encode(text);
      const dx = (slot.width - font.widthOfString(text, FOOTER_SIZE)) / 2;
      slot.ref.end(`BT /${font.id} ${FOOTER_SIZE} Tf ${rgb(COLORS.muted)} rg ${dx.toFixed(2)} 0 Td <${glyphs.join('')}> Tj ET`);
    }
    this.slots.length = 0;
  }

  /**
   * Light, diagonal, repeated: hard to crop out, easy to read through. Drawn as glyph outlines (one form
   * XObject per document, placed six times a page), not as text: copying or extracting the page's text
   * gives the document's own words only, never "察邹德胜".
   */
  private drawWatermark(): void {
    const doc = this.doc;
    if (this.mark === null) return;
    const mark = (this.markForm ??= this.buildMarkForm(this.mark));
    const cols = this.pageWidth > this.pageHeight ? 3 : 2;
    const rows = this.pageWidth > this.pageHeight ? 2 : 3;
    (doc.page as unknown as { xobjects: Record<string, unknown> }).xobjects.QfMark = mark.ref;
    doc.save();
    doc.fillOpacity(0.16);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const cx = (this.pageWidth * (c + 0.5)) / cols;
        const cy = (this.pageHeight * (r + 0.5)) / rows;
        doc.save();
        doc.rotate(-30, { origin: [cx, cy] });
        // Page space has y pointing down; the form's outlines are in font space (y up).
        doc.transform(1, 0, 0, -1, cx - mark.width / 2, cy + 5);
        doc.addContent('/QfMark Do');
        doc.restore();
      }
    }
    doc.restore();
    doc.fillColor(COLORS.text).fillOpacity(1);
  }

  private markForm: { ref: PDFKit.PDFKitReference; width: number } | null = null;

  /** The watermark text as filled outlines in a form XObject (written once, used on every page). */
  private buildMarkForm(mark: string): { ref: PDFKit.PDFKitReference; width: number } {
    const size = 15;
    this.font('regular', size);
    const font = (this.doc as unknown as { _font: { font: FontkitFont } })._font.font;
    const scale = size / font.unitsPerEm;
    const run = font.layout(mark);
    const n = (v: number) => (Math.round(v * 100) / 100).toString();
    const ops: string[] = [`${rgb(COLORS.watermark)} rg`];
    let pen = 0;
    run.glyphs.forEach((glyph, i) => {
      const at = (x: number, y: number) => `${n(pen + x * scale)} ${n(y * scale)}`;
      let last: [number, number] = [0, 0];
      for (const { command, args } of glyph.path.commands) {
        if (command === 'moveTo') ops.push(`${at(args[0]!, args[1]!)} m`);
        else if (command === 'lineTo') ops.push(`${at(args[0]!, args[1]!)} l`);
        else if (command === 'bezierCurveTo') ops.push(`${at(args[0]!, args[1]!)} ${at(args[2]!, args[3]!)} ${at(args[4]!, args[5]!)} c`);
        else if (command === 'quadraticCurveTo') {
          // PDF has cubic curves only: the quadratic's control point, two thirds of the way from each end.
          const [qx, qy, x, y] = args as [number, number, number, number];
          const c1 = [last[0] + ((qx - last[0]) * 2) / 3, last[1] + ((qy - last[1]) * 2) / 3];
          const c2 = [x + ((qx - x) * 2) / 3, y + ((qy - y) * 2) / 3];
          ops.push(`${at(c1[0]!, c1[1]!)} ${at(c2[0]!, c2[1]!)} ${at(x, y)} c`);
        } else if (command === 'closePath') ops.push('h');
        if (command !== 'closePath') last = [args[args.length - 2]!, args[args.length - 1]!];
      }
      pen += run.positions[i]!.xAdvance * scale;
    });
    ops.push('f');
    const ref = this.doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, -size, pen, size * 1.2] });
    ref.end(ops.join('\n'));
    return { ref, width: pen };
  }
}

/**
 * pdfkit copies Title and Author into the XMP packet unescaped; `&` or `<` there would make the packet
 * ill-formed XML. Their full-width forms read the same and keep Info and XMP identical, as PDF/A requires.
 */
function xmpSafe(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ({ '&': '＆', '<': '＜', '>': '＞' })[ch]!);
}

/** The parts of fontkit's font (inside pdfkit's embedded font) used to outline the watermark. */
interface FontkitFont {
  unitsPerEm: number;
  layout(text: string): {
    glyphs: { path: { commands: { command: string; args: number[] }[] } }[];
    positions: { xAdvance: number }[];
  };
}
