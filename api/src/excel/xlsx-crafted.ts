// Tests only: tiny hand-built .xlsx files, well-formed or hostile (security review #11, finding 2).
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface CraftedEntry {
  name: string;
  /** Stored as is (method 0) or deflated (8); `raw` gives the compressed bytes directly. */
  data?: string | Buffer;
  raw?: Buffer;
  method?: 0 | 8;
}

/** A zip archive with these entries (no data descriptors, no zip64). */
export function craftZip(entries: readonly CraftedEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const plain = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const method = e.raw ? 8 : (e.method ?? 8);
    const body = e.raw ?? (method === 8 ? deflateRawSync(plain) : plain);
    const crc = e.raw ? 0 : crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.raw ? 0 : plain.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.raw ? 0 : plain.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}

const WORKBOOK = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/** A one-sheet workbook whose sheet XML is `sheetData` inside <worksheet>, or whose sheet entry is given raw. */
export function craftXlsx(o: { sheetData?: string; sheet?: Omit<CraftedEntry, 'name'>; sharedStrings?: string; extra?: CraftedEntry[] }): Buffer {
  const sheet: CraftedEntry = o.sheet
    ? { name: 'xl/worksheets/sheet1.xml', ...o.sheet }
    : { name: 'xl/worksheets/sheet1.xml', data: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${o.sheetData ?? ''}</sheetData></worksheet>` };
  return craftZip([
    { name: 'xl/workbook.xml', data: WORKBOOK },
    { name: 'xl/_rels/workbook.xml.rels', data: RELS },
    ...(o.sharedStrings === undefined ? [] : [{ name: 'xl/sharedStrings.xml', data: o.sharedStrings }]),
    sheet,
    ...(o.extra ?? []),
  ]);
}

/**
 * Deflate data that inflates to `megabytes` MB of spaces from about 1 KB per MB: one fully flushed
 * block of 1 MB repeated, then an empty final block. Nothing of that size is ever held here.
 */
export function deflateBomb(megabytes: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024, 0x20), { finishFlush: constants.Z_FULL_FLUSH });
  return Buffer.concat([...Array.from({ length: megabytes }, () => block), Buffer.from([0x03, 0x00])]);
}
