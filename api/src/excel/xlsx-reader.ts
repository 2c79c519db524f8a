// A small, fast reader for the cell values of one worksheet of an .xlsx file.
//
// Why not exceljs for reading: it builds a full object model (styles, formats, every cell object)
// and spends about 0.5 ms per 20-column row on two cores; an import must stay within 2× of a raw
// batched insert (issue 3, benchmark). This reader unzips with node:zlib and scans the sheet XML
// once: values only (shared strings, inline strings, numbers, booleans, formula results). Dates
// arrive as Excel serial numbers, which the importer converts. exceljs still writes every workbook
// (template, export), and the tests read those files back with exceljs.
import { inflateRawSync } from 'node:zlib';

export class XlsxReadError extends Error {}

interface ZipEntry {
  method: number;
  compressedSize: number;
  offset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function zipEntries(buf: Buffer): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxReadError('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new XlsxReadError('bad zip directory');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || offset === 0xffffffff) throw new XlsxReadError('zip64 is not supported');
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength).replace(/^\/+/, '');
    entries.set(name, { method, compressedSize, offset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryText(buf: Buffer, e: ZipEntry): string {
  if (buf.readUInt32LE(e.offset) !== LOCAL) throw new XlsxReadError('bad zip entry');
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data.toString('utf8');
  if (e.method === 8) return inflateRawSync(data).toString('utf8');
  throw new XlsxReadError(`unsupported zip compression ${e.method}`);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]!,
  );
}

/** The text of a string item: plain <t>, or rich-text runs; phonetic hints (<rPh>) are not text. */
function itemText(xml: string): string {
  const body = xml.includes('<rPh') ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  for (const m of body.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)) out += m[1];
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
export function readXlsxSheet(data: Uint8Array, preferred: string): XlsxSheet {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const entries = zipEntries(buf);
  const text = (name: string) => {
    const e = entries.get(name);
    return e ? entryText(buf, e) : null;
  };
  const workbook = text('xl/workbook.xml');
  const rels = text('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new XlsxReadError('not an xlsx workbook');
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = attr(m[1]!, 'Id');
    const target = attr(m[1]!, 'Target');
    if (id && target) targets.set(id, resolveTarget(target));
  }
  const sheets: { name: string; path: string }[] = [];
  for (const m of workbook.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = unescapeXml(attr(m[1]!, 'name') ?? '');
    const rid = attr(m[1]!, 'r:id');
    const path = rid ? targets.get(rid) : undefined;
    if (path) sheets.push({ name, path });
  }
  const sheet = sheets.find((s) => s.name === preferred) ?? sheets[0];
  if (!sheet) throw new XlsxReadError('no worksheet');
  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook);

  const sharedXml = text('xl/sharedStrings.xml');
  const shared: string[] = [];
  if (sharedXml) for (const m of sharedXml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) shared.push(m[1] === undefined ? '' : itemText(m[1]));

  const xml = text(sheet.path);
  if (xml === null) throw new XlsxReadError('worksheet missing');
  return { name: sheet.name, rows: readRows(xml, shared), date1904 };
}

/**
 * The rows of a worksheet's XML. A hand-written scan (indexOf, no regular expression per cell):
 * this loop runs for every cell of an import.
 */
function readRows(xml: string, shared: readonly string[]): XlsxSheet['rows'] {
  const rows: XlsxSheet['rows'] = [];
  const dataStart = xml.indexOf('<sheetData');
  if (dataStart < 0) return rows;
  const dataEnd = xml.indexOf('</sheetData>', dataStart);
  let pos = dataStart;
  let lastRow = 0;
  const end = dataEnd < 0 ? xml.length : dataEnd;
  for (;;) {
    const rowStart = nextTag(xml, '<row', pos, end);
    if (rowStart < 0) break;
    const rowTagEnd = xml.indexOf('>', rowStart);
    const rowAttrs = xml.slice(rowStart + 4, rowTagEnd);
    const r = attr(rowAttrs, 'r');
    const rowNumber = r ? Number(r) : lastRow + 1;
    lastRow = rowNumber;
    if (xml.charCodeAt(rowTagEnd - 1) === 47 /* '/' */) {
      pos = rowTagEnd + 1;
      continue;
    }
    const rowEnd = xml.indexOf('</row>', rowTagEnd);
    const cells: XlsxCell[] = [];
    let cpos = rowTagEnd + 1;
    let lastCol = 0;
    for (;;) {
      const cStart = nextTag(xml, '<c', cpos, rowEnd);
      if (cStart < 0) break;
      const cTagEnd = xml.indexOf('>', cStart);
      const attrs = xml.slice(cStart + 2, cTagEnd);
      const ref = attr(attrs, 'r');
      const col = ref ? columnOf(ref) : lastCol + 1;
      lastCol = col;
      if (xml.charCodeAt(cTagEnd - 1) === 47) {
        cpos = cTagEnd + 1;
        continue;
      }
      const cEnd = xml.indexOf('</c>', cTagEnd);
      const inner = xml.slice(cTagEnd + 1, cEnd);
      cpos = cEnd + 4;
      const type = attrs.includes('t="') ? attr(attrs, 't') : undefined;
      let value: XlsxCell = null;
      if (type === 'inlineStr') value = itemText(inner);
      else {
        const vs = inner.indexOf('<v>');
        if (vs >= 0) {
          const v = inner.slice(vs + 3, inner.indexOf('</v>', vs));
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
      cells[col] = value;
    }
    rows.push({ rowNumber, cells });
    pos = rowEnd + 6;
  }
  return rows;
}
