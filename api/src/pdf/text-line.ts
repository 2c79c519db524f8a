// A fast path for the many short, single-line texts of a long table. pdfkit's doc.text() costs about
// ten content-stream writes per call (save, transform, BT, Tm, Tf, TJ, ET, restore, …) plus option
// handling and a second width measurement; a row of a roster is twelve such calls. Here a whole row
// becomes one text object written in one go. The glyphs still go through pdfkit's font (encode: the
// same layout cache, subset and ToUnicode map as doc.text), so the output is the same text, copyable
// and extractable. Uses pdfkit internals (doc._font, doc._fontSize, page.fonts): pdfkit is pinned
// to 0.20.2 in package.json, and when they are missing this falls back to doc.text().

interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

interface FontInternals {
  id: string;
  ascender: number;
  ref(): unknown;
  encode(text: string): [string[], GlyphPosition[]];
}

interface DocInternals {
  _font: FontInternals;
  _fontSize: number;
  page: { height: number; fonts: Record<string, unknown> };
}

const num = (n: number) => String(Math.round(n * 1000) / 1000);

export class LineBatch {
  private ops: string[] = [];
  private lastFont = '';
  private lastSize = 0;
  private readonly fast: boolean;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    const d = doc as unknown as Partial<DocInternals>;
    this.fast = typeof d._font?.encode === 'function' && typeof d._fontSize === 'number' && typeof doc.addContent === 'function';
  }

  /**
   * One line of text with its top-left at (x, top), in the current font, size and (at flush time) fill
   * colour — the same placement as doc.text(text, x, top, { lineBreak: false }).
   */
  add(text: string, x: number, top: number): void {
    const d = this.doc as unknown as DocInternals;
    const font = d._font;
    if (!this.fast || typeof font?.encode !== 'function') {
      this.flush();
      this.doc.text(text, x, top, { lineBreak: false });
      return;
    }
    const [encoded, positions] = font.encode(text);
    if (encoded.length === 0) return;
    let tj = '';
    let last = 0;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p.xOffset || p.yOffset) {
        // Mark positioning (not seen with Chinese, digits and Latin): let pdfkit place it glyph by glyph.
        this.flush();
        this.doc.text(text, x, top, { lineBreak: false });
        return;
      }
      const adjust = p.xAdvance - p.advanceWidth;
      if (adjust !== 0) {
        tj += `<${encoded.slice(last, i + 1).join('')}> ${num(-adjust)} `;
        last = i + 1;
      }
    }
    if (last < encoded.length) tj += `<${encoded.slice(last).join('')}>`;
    const size = d._fontSize;
    const page = d.page;
    if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref();
    let op = '';
    if (font.id !== this.lastFont || size !== this.lastSize) {
      op = `/${font.id} ${num(size)} Tf `;
      this.lastFont = font.id;
      this.lastSize = size;
    }
    // Text space is the PDF's own (y up, see flush); the baseline sits one ascender below the top.
    const baseline = page.height - top - (font.ascender / 1000) * size;
    this.ops.push(`${op}1 0 0 1 ${num(x)} ${num(baseline)} Tm [${tj}] TJ`);
  }

  /** Writes the pending lines as one text object. Call before changing the fill colour. */
  flush(): void {
    if (this.ops.length === 0) return;
    const height = (this.doc as unknown as DocInternals).page.height;
    // pdfkit's pages flip y (origin top-left); flip back for the text object, as doc.text() does.
    this.doc.addContent(`q 1 0 0 -1 0 ${num(height)} cm BT ${this.ops.join(' ')} ET Q`);
    this.ops = [];
    this.lastFont = '';
    this.lastSize = 0;
  }
}
