// Excel exports every module uses (exceljs): a sheet from a column list — header row (bold, filled,
// frozen, autofilter), widths, a Chinese font, dates as real Excel dates, optional title rows, borders
// and a bold totals row — and the download response. See ARCHITECTURE.md, "Shared pieces for modules".
import ExcelJS from 'exceljs';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The font of every cell: present on every Chinese Windows and in WPS. */
export const CHINESE_FONT = '宋体';
export const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
export const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};
export const DATE_FORMAT = 'yyyy-mm-dd';

export const colLetter = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : colLetter(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/** Text format for a column Excel would otherwise mangle (ID numbers lose digits as numbers). */
export function textFormat(col: ExcelJS.Column): void {
  col.numFmt = '@';
}

/** Header row 1 (bold, filled, centred; required columns in red), the widths, and the frozen header. */
export function writeHeader(ws: ExcelJS.Worksheet, headers: readonly { header: string; width: number; required?: boolean }[]): void {
  ws.columns = headers.map((h) => ({ header: h.header, width: h.width }));
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center' };
  headers.forEach((h, i) => {
    const cell = row.getCell(i + 1);
    cell.fill = HEADER_FILL;
    if (h.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** 'YYYY-MM-DD' → a Date at UTC midnight: exceljs writes it as that day's serial number, with no time-zone shift. */
export function excelDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`);
}

export type SheetValue = string | number | boolean | Date | null | undefined;

export interface SheetColumn<R> {
  header: string;
  /** Width in characters (a Chinese character counts about 2). */
  width: number;
  /**
   * 'date': the value is 'YYYY-MM-DD' and becomes an Excel date; 'text': stored as text (ID and phone
   * numbers); default: as given (numbers stay numbers).
   */
  type?: 'date' | 'text';
  align?: 'left' | 'center' | 'right';
  /** Wrap long text within the cell. */
  wrap?: boolean;
  value: (row: R, index: number) => SheetValue;
}

export interface SheetOptions {
  /** A bold title row above the table (merged across it), then any subtitle lines (filters, as-of date). */
  title?: string;
  subtitles?: readonly string[];
  /** Filter drop-downs on the header row. Default true. */
  autoFilter?: boolean;
  /** Thin borders on every table cell. Default true. */
  borders?: boolean;
  /** Bold rows after the body, on the header colour (e.g. 合计); one value per column. */
  totals?: readonly (readonly SheetValue[])[];
  /** Lines after the table (notes, signatures), one per row. */
  footer?: readonly string[];
  /** Landscape A4 print set-up with the header row repeated on every printed page. Default true. */
  print?: boolean;
}

/**
 * Adds a sheet holding one table: the optional title block, the header row (frozen, with filters), the
 * rows, and the totals. Returns the sheet and the row number of its header.
 */
export function addTableSheet<R>(wb: ExcelJS.Workbook, name: string, columns: readonly SheetColumn<R>[], rows: Iterable<R>, options: SheetOptions = {}): { ws: ExcelJS.Worksheet; headerRow: number } {
  const ws = wb.addWorksheet(name);
  const n = columns.length;
  ws.columns = columns.map((c) => ({ width: c.width }));
  const font: Partial<ExcelJS.Font> = { name: CHINESE_FONT, size: 10.5 };
  let r = 1;
  if (options.title) {
    ws.mergeCells(r, 1, r, n);
    const cell = ws.getCell(r, 1);
    cell.value = options.title;
    cell.font = { name: CHINESE_FONT, size: 16, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
    ws.getRow(r).height = 28;
    r++;
  }
  for (const line of options.subtitles ?? []) {
    ws.mergeCells(r, 1, r, n);
    const cell = ws.getCell(r, 1);
    cell.value = line;
    cell.font = font;
    cell.alignment = { horizontal: 'left', vertical: 'middle' };
    r++;
  }
  const headerRow = r;
  const head = ws.getRow(headerRow);
  columns.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.value = c.header;
    cell.font = { ...font, bold: true };
    cell.fill = HEADER_FILL;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (c.type === 'date') col.numFmt = DATE_FORMAT;
    if (c.type === 'text') textFormat(col);
  });
  const borders = options.borders ?? true;
  const style = (row: ExcelJS.Row, bold = false) => {
    for (let i = 1; i <= n; i++) {
      const cell = row.getCell(i);
      cell.font = bold ? { ...font, bold: true } : font;
      const c = columns[i - 1]!;
      if (c.align || c.wrap) cell.alignment = { vertical: 'middle', ...(c.align && { horizontal: c.align }), ...(c.wrap && { wrapText: true }) };
      if (borders) cell.border = THIN_BORDER;
    }
  };
  if (borders) for (let i = 1; i <= n; i++) head.getCell(i).border = THIN_BORDER;
  const toCell = (c: SheetColumn<R>, v: SheetValue): ExcelJS.CellValue => {
    if (v === undefined || v === null || v === '') return null;
    // A whole date becomes an Excel date; a partial one (出生年月 'YYYY-MM' for masked roles) stays text.
    if (c.type === 'date' && typeof v === 'string' && v.length === 10) return excelDate(v);
    return v;
  };
  let i = 0;
  for (const row of rows) {
    const index = i++;
    style(ws.addRow(columns.map((c) => toCell(c, c.value(row, index)))));
  }
  for (const total of options.totals ?? []) {
    const row = ws.addRow(columns.map((c, j) => toCell(c, total[j])));
    style(row, true);
    for (let j = 1; j <= n; j++) row.getCell(j).fill = HEADER_FILL;
  }
  for (const line of options.footer ?? []) ws.addRow([line]).getCell(1).font = font;
  ws.views = [{ state: 'frozen', ySplit: headerRow }];
  if (options.autoFilter ?? true) ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: n } };
  if (options.print ?? true)
    ws.pageSetup = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${headerRow}:${headerRow}`, horizontalCentered: true };
  return { ws, headerRow };
}

export function newWorkbook(at?: Date): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风';
  if (at) wb.created = at;
  return wb;
}

export async function workbookBytes(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Content-Disposition for a Chinese file name, with an ASCII fallback for old clients. */
export function attachmentDisposition(fileName: string, asciiName = 'export.xlsx'): string {
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The download response of an .xlsx file. */
export function xlsxResponse(c: Context<AppEnv>, file: Uint8Array | Buffer, fileName: string, asciiName = 'export.xlsx'): Response {
  return c.body(new Uint8Array(file), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': attachmentDisposition(fileName, asciiName), 'Cache-Control': 'no-store' });
}
