// A small, fast reader for the cell values of one worksheet of an .xlsx file.
//
// Why not exceljs for reading: it builds a full object model (styles, formats, every cell object)
// and spends about 0.5 ms per 20-column row on two cores; an import must stay within 2× of a raw
// batched insert (issue 3, benchmark). This reader unzips with node:zlib and scans the sheet XML
// once: values only (shared strings, inline strings, numbers, booleans, formula results). Dates
// arrive as Excel serial numbers, which the importer converts. exceljs still writes every workbook
// (template, export), and the tests read those files back with exceljs.
//
// Uploads are hostile until read (security review #11, finding 2): a 1.5 KB sheet missing `</c>` used to
// loop forever, one missing `</row>` grew memory until the process died, and a 1.1 MB zip bomb took
// 1.4 GB. So every scan below moves strictly forward and refuses a missing end tag; decompression stops
// as soon as an entry passes its share of the budget (total bytes, a ratio to its compressed size) —
// the bytes are never inflated first and checked afterwards; the entry count, rows and cells are
// capped; and the whole read has a time budget.
import { inflateRawSync } from 'node:zlib';

/** Why a file could not be read; `message` is Chinese and shown to the user as is. */
export class XlsxReadError extends Error {
  constructor(
    message: string,
    /** 'too_large': a limit of the budget was hit; 'invalid': not a readable .xlsx. */
    readonly kind: 'invalid' | 'too_large' = 'invalid',
  ) {
    super(message);
  }
}

export interface XlsxLimits {
  /** Sum of the uncompressed sizes of the parts read (workbook, relationships, strings, the sheet). */
  maxUncompressedBytes: number;
  /** Entries in the zip directory (an .xlsx has a few dozen). */
  maxEntries: number;
  /** Uncompressed : compressed, per entry, once an entry is past 1 MB (XML compresses 5–30×). */
  maxRatio: number;
  /** Rows with content and cells with a value. */
  maxRows: number;
  maxCells: number;
  /** Wall-clock budget for the whole read, in ms. */
  timeBudgetMs: number;
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  // 200,000 roster rows (the import maximum) are about 150 MB of sheet XML.
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxEntries: 2_000,
  maxRatio: 200,
  maxRows: 250_000,
  maxCells: 6_000_000,
  timeBudgetMs: 20_000,
};

const MB = 1024 * 1024;
const tooLarge = (what: string) => new XlsxReadError(`文件过大：${what}，请拆分后分批导入`, 'too_large');
const malformed = (what: string) => new XlsxReadError(`文件已损坏或不是有效的 Excel 文件（${what}）`);

/** The work budget of one read: bytes inflated so far and a deadline, checked as the scans go. */
class Budget {
  private inflated = 0;
  private readonly deadline: number;
  private ticks = 0;
  constructor(readonly limits: XlsxLimits) {
    this.deadline = Date.now() + limits.timeBudgetMs;
  }
  /** Bytes an entry of this compressed size may inflate to. */
  allowance(compressedSize: number): number {
    const left = this.limits.maxUncompressedBytes - this.inflated;
    return Math.max(0, Math.min(left, Math.max(MB, compressedSize * this.limits.maxRatio)));
  }
  spend(bytes: number): void {
    this.inflated += bytes;
  }
  /** Called in every loop; looks at the clock every 4096 calls. */
  tick(): void {
    if ((++this.ticks & 4095) === 0 && Date.now() > this.deadline) throw tooLarge('读取超过时间限制');
  }
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function zipEntries(buf: Buffer, limits: XlsxLimits): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxReadError('无法读取文件：请上传 .xlsx 格式的 Excel 文件');
  const count = buf.readUInt16LE(eocd + 10);
  if (count > limits.maxEntries) throw tooLarge(`压缩包内有 ${count} 个文件`);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw malformed('压缩包目录');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || offset === 0xffffffff) throw malformed('不支持 ZIP64');
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength).replace(/^\/+/, '');
    entries.set(name, { method, compressedSize, offset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryText(buf: Buffer, e: ZipEntry, budget: Budget): string {
  if (e.offset + 30 > buf.length || buf.readUInt32LE(e.offset) !== LOCAL) throw malformed('压缩包条目');
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  if (start + e.compressedSize > buf.length) throw malformed('压缩包条目');
  const data = buf.subarray(start, start + e.compressedSize);
  const allowance = budget.allowance(e.compressedSize);
  let out: Buffer;
  if (e.method === 0) {
    if (data.length > allowance) throw tooLarge(`解压后超过 ${budget.limits.maxUncompressedBytes / MB} MB`);
    out = data;
  } else if (e.method === 8) {
    try {
      // zlib stops as soon as the output passes maxOutputLength: nothing beyond it is ever inflated.
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, allowance) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLarge(`解压后超过 ${budget.limits.maxUncompressedBytes / MB} MB，或压缩比异常（疑似压缩炸弹）`);
      throw malformed('压缩数据');
    }
  } else throw malformed(`压缩方式 ${e.method}`);
  budget.spend(out.length);
  return out.toString('utf8');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]!,
  );
}

/** Index of `close` at or after `from` (and before `limit`), or a malformed-file error naming the tag. */
function closing(xml: string, close: string, from: number, limit = xml.length): number {
  const i = xml.indexOf(close, from);
  if (i < 0 || i >= limit) throw malformed(`缺少 ${close}`);
  return i;
}

/**
 * The text of a string item: plain <t>, or rich-text runs; phonetic hints (<rPh>) are not text.
 * A forward scan (no lazy regular expression, which is quadratic on a missing end tag).
 */
function itemText(xml: string, budget: Budget): string {
  let out = '';
  let pos = 0;
  // The next phonetic run at or after pos (-1: none left), found once and moved past, never rescanned.
  let ph = nextTag(xml, '<rPh', 0, xml.length);
  for (;;) {
    budget.tick();
    const t = nextTag(xml, '<t', pos, xml.length);
    if (t < 0) break;
    if (ph >= 0 && ph < t) {
      pos = closing(xml, '</rPh>', ph) + 6;
      ph = nextTag(xml, '<rPh', pos, xml.length);
      continue;
    }
    const tagEnd = closing(xml, '>', t);
    if (xml.charCodeAt(tagEnd - 1) === 47 /* <t/> */) {
      pos = tagEnd + 1;
      continue;
    }
    const end = closing(xml, '</t>', tagEnd);
    out += xml.slice(tagEnd + 1, end);
    pos = end + 4;
  }
  return unescapeXml(out);
}

/** An attribute's value from a tag's attribute text (which starts with whitespace after the tag name). */
function attr(attrs: string, name: string): string | undefined {
  // One scan for `name="`, accepting a hit only after whitespace (so `t` does not match `r:t`).
  const needle = `${name}="`;
  for (let i = attrs.indexOf(needle); i >= 0; i = attrs.indexOf(needle, i + 1)) {
    const before = attrs.charCodeAt(i - 1);
    if (before === 32 || before === 10 || before === 9 || before === 13) {
      const start = i + needle.length;
      return attrs.slice(start, attrs.indexOf('"', start));
    }
  }
  return undefined;
}

/** The next `<name` tag (followed by a space, '>' or '/') at or after `from`, before `to`; -1 when none. */
function nextTag(xml: string, name: string, from: number, to: number): number {
  let i = from;
  for (;;) {
    i = xml.indexOf(name, i);
    if (i < 0 || i >= to) return -1;
    const next = xml.charCodeAt(i + name.length);
    if (next === 32 || next === 62 || next === 47 || next === 9 || next === 10 || next === 13) return i;
    i += name.length;
  }
}

/** Column number (1-based) from a cell reference like "AB12". */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

export type XlsxCell = string | number | boolean | null;

export interface XlsxSheet {
  name: string;
  /** Rows that have at least one cell element, with their 1-based row numbers; cells[col] is 1-based. */
  rows: { rowNumber: number; cells: XlsxCell[] }[];
  /** The workbook counts dates from 1904 (old Mac Excel). */
  date1904: boolean;
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/** Reads the sheet named `preferred`, or the first sheet when there is none by that name. */
export function readXlsxSheet(data: Uint8Array, preferred: string, limits: XlsxLimits = DEFAULT_XLSX_LIMITS): XlsxSheet {
  try {
    return readSheet(data, preferred, new Budget(limits));
  } catch (err) {
    if (err instanceof XlsxReadError) throw err;
    // Offsets past the end, bad numbers in the directory, …: a damaged file, not a fault of ours.
    throw malformed('结构错误');
  }
}

function readSheet(data: Uint8Array, preferred: string, budget: Budget): XlsxSheet {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const entries = zipEntries(buf, budget.limits);
  const text = (name: string) => {
    const e = entries.get(name);
    return e ? entryText(buf, e, budget) : null;
  };
  const workbook = text('xl/workbook.xml');
  const rels = text('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new XlsxReadError('无法读取文件：请上传 .xlsx 格式的 Excel 文件');
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    budget.tick();
    const id = attr(m[1]!, 'Id');
    const target = attr(m[1]!, 'Target');
    if (id && target) targets.set(id, resolveTarget(target));
  }
  const sheets: { name: string; path: string }[] = [];
  for (const m of workbook.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    budget.tick();
    const name = unescapeXml(attr(m[1]!, 'name') ?? '');
    const rid = attr(m[1]!, 'r:id');
    const path = rid ? targets.get(rid) : undefined;
    if (path) sheets.push({ name, path });
  }
  const sheet = sheets.find((s) => s.name === preferred) ?? sheets[0];
  if (!sheet) throw new XlsxReadError('无法读取文件：工作簿中没有工作表');
  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook);

  const sharedXml = text('xl/sharedStrings.xml');
  const shared = sharedXml ? readSharedStrings(sharedXml, budget) : [];

  const xml = text(sheet.path);
  if (xml === null) throw malformed('缺少工作表');
  return { name: sheet.name, rows: readRows(xml, shared, budget), date1904 };
}

/** The shared string table: one entry per <si>, in order. */
function readSharedStrings(xml: string, budget: Budget): string[] {
  const shared: string[] = [];
  let pos = 0;
  for (;;) {
    budget.tick();
    const si = nextTag(xml, '<si', pos, xml.length);
    if (si < 0) return shared;
    const tagEnd = closing(xml, '>', si);
    if (xml.charCodeAt(tagEnd - 1) === 47 /* <si/> */) {
      shared.push('');
      pos = tagEnd + 1;
      continue;
    }
    const end = closing(xml, '</si>', tagEnd);
    shared.push(itemText(xml.slice(tagEnd + 1, end), budget));
    pos = end + 5;
  }
}

/** Largest row and column numbers of a worksheet (Excel 2007+: 1,048,576 × XFD). */
const MAX_ROW_NUMBER = 1_048_576;
const MAX_COLUMN = 16_384;

/**
 * The rows of a worksheet's XML. A hand-written scan (indexOf, no regular expression per cell):
 * this loop runs for every cell of an import. Every step moves forward; a tag without its end is an error.
 */
function readRows(xml: string, shared: readonly string[], budget: Budget): XlsxSheet['rows'] {
  const { maxRows, maxCells } = budget.limits;
  const rows: XlsxSheet['rows'] = [];
  const dataStart = xml.indexOf('<sheetData');
  if (dataStart < 0) return rows;
  const dataEnd = xml.indexOf('</sheetData>', dataStart);
  let pos = dataStart;
  let lastRow = 0;
  let cellCount = 0;
  const end = dataEnd < 0 ? xml.length : dataEnd;
  for (;;) {
    budget.tick();
    const rowStart = nextTag(xml, '<row', pos, end);
    if (rowStart < 0) break;
    const rowTagEnd = closing(xml, '>', rowStart, end);
    const rowAttrs = xml.slice(rowStart + 4, rowTagEnd);
    const r = attr(rowAttrs, 'r');
    const rowNumber = r ? Number(r) : lastRow + 1;
    if (!Number.isInteger(rowNumber) || rowNumber < 1 || rowNumber > MAX_ROW_NUMBER) throw malformed(`行号 ${String(r).slice(0, 12)}`);
    lastRow = rowNumber;
    if (xml.charCodeAt(rowTagEnd - 1) === 47 /* '/' */) {
      pos = rowTagEnd + 1;
      continue;
    }
    const rowEnd = closing(xml, '</row>', rowTagEnd, end);
    const cells: XlsxCell[] = [];
    let cpos = rowTagEnd + 1;
    let lastCol = 0;
    for (;;) {
      budget.tick();
      const cStart = nextTag(xml, '<c', cpos, rowEnd);
      if (cStart < 0) break;
      const cTagEnd = closing(xml, '>', cStart, rowEnd);
      const attrs = xml.slice(cStart + 2, cTagEnd);
      const ref = attr(attrs, 'r');
      const col = ref ? columnOf(ref) : lastCol + 1;
      if (col < 1 || col > MAX_COLUMN) throw malformed(`单元格 ${String(ref).slice(0, 12)}`);
      lastCol = col;
      if (xml.charCodeAt(cTagEnd - 1) === 47) {
        cpos = cTagEnd + 1;
        continue;
      }
      // The cell must end inside its row: a missing </c> used to send this loop back to the start.
      const cEnd = closing(xml, '</c>', cTagEnd, rowEnd);
      const inner = xml.slice(cTagEnd + 1, cEnd);
      cpos = cEnd + 4;
      const type = attrs.includes('t="') ? attr(attrs, 't') : undefined;
      let value: XlsxCell = null;
      if (type === 'inlineStr') value = itemText(inner, budget);
      else {
        const vs = inner.indexOf('<v>');
        if (vs >= 0) {
          const v = inner.slice(vs + 3, closing(inner, '</v>', vs));
          if (type === 's') value = shared[Number(v)] ?? null;
          else if (type === 'str') value = unescapeXml(v);
          else if (type === 'b') value = v === '1';
          else if (type === 'e') value = null;
          else {
            const n = Number(v);
            value = v !== '' && Number.isFinite(n) ? n : unescapeXml(v);
          }
        }
      }
      if (value !== null && ++cellCount > maxCells) throw tooLarge(`超过 ${maxCells} 个单元格`);
      cells[col] = value;
    }
    if (rows.length >= maxRows) throw tooLarge(`超过 ${maxRows} 行`);
    rows.push({ rowNumber, cells });
    pos = rowEnd + 6;
  }
  return rows;
}
