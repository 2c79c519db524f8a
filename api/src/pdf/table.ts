// Tables for rosters and reports. Built for long tables: short cells are drawn on one line without
// pdfkit's line wrapper (text layout is what costs time), shrunk to fit when a value is too wide;
// only columns marked `wrap` are measured and wrapped. The header row is repeated on every page.
import { COLORS, type PdfBuilder } from './document.ts';
import { LineBatch } from './text-line.ts';

export type Align = 'left' | 'center' | 'right';

export interface TableColumn<R> {
  /** Header text; '\n' splits it over two lines. */
  header: string;
  /** Relative width: the columns share the page's content width in these proportions. */
  width: number;
  align?: Align;
  value: (row: R, index: number) => string;
  /** Wrap long values onto several lines (measured per cell, so slower). Default: one line, shrunk to fit. */
  wrap?: boolean;
}

export interface TableOptions<R> {
  fontSize?: number;
  /** Height of a one-line row. */
  rowHeight?: number;
  /** Light fill on every other row. */
  zebra?: boolean;
  /** Rows drawn bold on the header colour after the body, e.g. 合计. One string per column. */
  totalRows?: string[][];
  /** Shown instead of an empty body. */
  emptyText?: string;
  /** Printed above the repeated header when the table continues on a new page, e.g. '东风村（续）'. */
  continuation?: string;
}

const PAD_X = 3;
const headerLinesOf = (col: { header: string }) => col.header.split('\n');
/** Yield to the event loop (and to a slow consumer) every so many rows: one big PDF must not stall other requests. */
const YIELD_EVERY = 250;

interface Cell {
  x: number;
  w: number;
  align: Align;
}

export async function drawTable<R>(pdf: PdfBuilder, columns: TableColumn<R>[], rows: readonly R[], options: TableOptions<R> = {}): Promise<void> {
  const doc = pdf.doc;
  const fontSize = options.fontSize ?? 8.5;
  const rowHeight = options.rowHeight ?? Math.round(fontSize * 2.1 * 10) / 10;
  const zebra = options.zebra ?? true;

  const totalWeight = columns.reduce((s, c) => s + c.width, 0);
  const cells: Cell[] = [];
  let x = pdf.left;
  for (const col of columns) {
    const w = (pdf.width * col.width) / totalWeight;
    cells.push({ x, w, align: col.align ?? 'left' });
    x += w;
  }
  const tableRight = pdf.left + pdf.width;

  // Line metrics, to centre one line of text vertically in a row.
  pdf.font('regular', fontSize);
  const lineHeight = doc.currentLineHeight();
  const textDy = (rowHeight - lineHeight) / 2;

  const headerLines = Math.max(1, ...columns.map((c) => c.header.split('\n').length));
  const headerHeight = rowHeight + (headerLines - 1) * fontSize * 1.25;

  let segmentTop = 0; // y where the table starts on the current page
  // Row rules of the current page, stroked as one path when the page's part of the table is closed
  // (a path cannot stay open across text objects, so they are collected as y positions).
  let rowRules: number[] = [];

  // Cell texts of a row go out together as one text object (see text-line.ts).
  const lines = new LineBatch(doc);

  /** One line of text in a cell, shrunk to fit when too wide. */
  const cellText = (text: string, cell: Cell, y: number) => {
    const avail = cell.w - 2 * PAD_X;
    let width = doc.widthOfString(text);
    let size = fontSize;
    if (width > avail) {
      // Shrink first; a value that would still not fit at 60 % is cut with an ellipsis.
      size = Math.max(fontSize * 0.6, (fontSize * avail) / width);
      doc.fontSize(size);
      width = doc.widthOfString(text);
      while (width > avail && text.length > 1) {
        text = `${text.slice(0, -2)}…`;
        width = doc.widthOfString(text);
      }
    }
    const tx = cell.align === 'left' ? cell.x + PAD_X : cell.align === 'right' ? cell.x + cell.w - PAD_X - width : cell.x + (cell.w - width) / 2;
    // A shrunk line keeps its vertical centre.
    lines.add(text, tx, y + ((fontSize - size) * lineHeight) / fontSize / 2);
    if (size !== fontSize) doc.fontSize(fontSize);
  };

  const drawHeader = () => {
    const y = doc.y;
    segmentTop = y;
    doc.rect(pdf.left, y, pdf.width, headerHeight).fill(COLORS.headerFill);
    doc.fillColor(COLORS.text);
    pdf.font('bold', fontSize);
    columns.forEach((col, i) => {
      const cell = cells[i]!;
      const count = headerLinesOf(col).length;
      const blockTop = y + (headerHeight - count * fontSize * 1.25) / 2 - (lineHeight - fontSize * 1.25) / 2;
      headerLinesOf(col).forEach((line, j) => cellText(line, { ...cell, align: 'center' }, blockTop + j * fontSize * 1.25));
    });
    lines.flush();
    pdf.font('regular', fontSize);
    doc.y = y + headerHeight;
    rule(doc.y, 0.6);
  };

  const rule = (y: number, width = 0.4) => {
    doc.save().lineWidth(width).strokeColor(COLORS.rule).moveTo(pdf.left, y).lineTo(tableRight, y).stroke().restore();
  };

  /** Vertical rules and the outer frame for the part of the table on this page. */
  const closeSegment = () => {
    const bottom = doc.y;
    doc.save();
    if (rowRules.length) {
      doc.lineWidth(0.3).strokeColor(COLORS.rule);
      for (const y of rowRules) doc.moveTo(pdf.left, y).lineTo(tableRight, y);
      doc.stroke();
      rowRules = [];
    }
    doc.lineWidth(0.4).strokeColor(COLORS.rule);
    for (const cell of cells.slice(1)) doc.moveTo(cell.x, segmentTop).lineTo(cell.x, bottom);
    doc.stroke();
    doc.lineWidth(0.8).rect(pdf.left, segmentTop, pdf.width, bottom - segmentTop).stroke();
    doc.restore();
  };

  const newPage = () => {
    closeSegment();
    pdf.addPage();
    if (options.continuation) {
      pdf.font('bold', fontSize + 1);
      doc.fillColor(COLORS.muted).text(options.continuation, pdf.left, doc.y, { lineBreak: false });
      doc.fillColor(COLORS.text);
      doc.y += (fontSize + 1) * 1.6;
    }
    drawHeader();
  };

  // Header plus at least one row on this page.
  pdf.ensureSpace(headerHeight + rowHeight);
  drawHeader();
  doc.fillColor(COLORS.text);

  if (rows.length === 0 && options.emptyText) {
    const y = doc.y;
    doc.fillColor(COLORS.muted).text(options.emptyText, pdf.left + PAD_X, y + textDy, { lineBreak: false });
    doc.fillColor(COLORS.text);
    doc.y = y + rowHeight;
  }

  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const values = columns.map((col) => col.value(row, r));
    let height = rowHeight;
    // Wrap columns: a value that fits on one line (the usual case) needs no line wrapper — measured by its
    // width and drawn as a plain line; only longer values are laid out by pdfkit's wrapper (much slower).
    // Other columns: a value too long for its cell even shrunk to 60 % wraps over lines rather than being
    // cut with "…" (a long village name must print whole). Measured only when it could be too long: no
    // glyph is wider than 1 em, so a value of n characters fits when n × 60 % of the size fits.
    const wraps = columns.map((col, i) => {
      const text = values[i];
      if (!text) return false;
      const avail = cells[i]!.w - 2 * PAD_X;
      if (col.wrap) return text.includes('\n') || doc.widthOfString(text) > avail;
      return text.length * fontSize * 0.6 > avail && doc.widthOfString(text) * 0.6 > avail;
    });
    if (wraps.some(Boolean)) {
      columns.forEach((_col, i) => {
        if (!wraps[i]) return;
        const h = doc.heightOfString(values[i]!, { width: cells[i]!.w - 2 * PAD_X, lineGap: 1 });
        height = Math.max(height, h + 2 * textDy);
      });
    }
    if (doc.y + height > pdf.bottom) newPage();
    const y = doc.y;
    if (zebra && r % 2 === 1) {
      doc.rect(pdf.left, y, pdf.width, height).fill(COLORS.zebra);
      doc.fillColor(COLORS.text);
    }
    for (let i = 0; i < values.length; i++) {
      const text = values[i]!;
      if (!text) continue;
      const cell = cells[i]!;
      if (wraps[i] && height > rowHeight) {
        lines.flush();
        doc.text(text, cell.x + PAD_X, y + textDy, { width: cell.w - 2 * PAD_X, align: cell.align, lineGap: 1 });
      } else cellText(text, cell, y + textDy);
    }
    lines.flush();
    doc.y = y + height;
    if (r < rows.length - 1) rowRules.push(doc.y);
    // Counted per document, not per table: a roster of many villages draws many short tables.
    if (++pdf.rowsSinceBreath >= YIELD_EVERY) {
      pdf.rowsSinceBreath = 0;
      await pdf.breathe();
    }
  }

  for (const total of options.totalRows ?? []) {
    if (doc.y + rowHeight > pdf.bottom) newPage();
    const y = doc.y;
    doc.rect(pdf.left, y, pdf.width, rowHeight).fill(COLORS.headerFill);
    rowRules.push(y);
    doc.fillColor(COLORS.text);
    pdf.font('bold', fontSize);
    total.forEach((text, i) => {
      if (text && cells[i]) cellText(text, cells[i]!, y + textDy);
    });
    lines.flush();
    pdf.font('regular', fontSize);
    doc.y = y + rowHeight;
  }
  closeSegment();
  doc.x = pdf.left;
  doc.y += 8;
}
