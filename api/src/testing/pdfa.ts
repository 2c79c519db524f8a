// PDF/A-2b checks for tests of archival documents (issue 9, must-have 5). These are the properties we can
// check without a PDF/A validator (veraPDF is not installed here): qpdf finds no structural error, the
// XMP packet is well-formed and identifies PDF/A-2B, the sRGB output intent carries an ICC profile, no
// encryption, every font embedded (no standard-14 Helvetica), Info and XMP agree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
interface QpdfObject {
  value?: JsonValue;
  stream?: { dict: Record<string, JsonValue>; data?: string };
}

/** What the checks found, for tests that look further (e.g. the dates of a signed pledge). */
export interface PdfAFacts {
  xmp: string;
  createDate: string;
  modifyDate: string;
}

const pdfDate = (d: string) => d.replace(/^D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');

/** Asserts the PDF/A-2b properties of a document and returns its XMP facts. */
export function expectPdfA2b(bytes: Uint8Array, label = 'pdf'): PdfAFacts {
  const dir = mkdtempSync(join(tmpdir(), 'qf-pdfa-'));
  try {
    const file = join(dir, `${label.replace(/[^\w-]/g, '_')}.pdf`);
    writeFileSync(file, bytes);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1'), label).toBe('%PDF-1.7');

    // Exit 0 only when qpdf finds neither errors (2) nor warnings (3): execFileSync throws otherwise.
    const check = execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect(check, label).toContain('File is not encrypted');
    expect(check, label).toContain('No syntax or stream encoding errors found');

    const json = JSON.parse(
      execFileSync('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=inline', '--decode-level=generalized', file], { encoding: 'utf8', maxBuffer: 256 << 20 }),
    ) as { qpdf: [unknown, Record<string, QpdfObject>] };
    const objects = json.qpdf[1];
    const obj = (ref: JsonValue | undefined): QpdfObject => {
      expect(typeof ref, `${label}: reference`).toBe('string');
      const o = objects[`obj:${ref as string}`];
      expect(o, `${label}: ${ref as string}`).toBeDefined();
      return o!;
    };
    const dict = (o: QpdfObject) => (o.value ?? o.stream?.dict) as Record<string, JsonValue>;
    const data = (o: QpdfObject) => Buffer.from(o.stream?.data ?? '', 'base64');
    const str = (v: JsonValue | undefined) => String(v).replace(/^[ub]:/, '');

    const trailer = dict(objects.trailer!);
    expect(trailer['/Encrypt'], `${label}: no encryption`).toBeUndefined();
    expect(Array.isArray(trailer['/ID']), `${label}: file ID`).toBe(true);
    const root = dict(obj(trailer['/Root']));

    // The output intent: GTS_PDFA1 with an RGB ICC profile (N 3, the 'acsp' signature at byte 36).
    const intents = root['/OutputIntents'] as JsonValue[];
    expect(intents, `${label}: OutputIntents`).toHaveLength(1);
    const intent = dict(obj(intents[0]));
    expect(intent['/S'], label).toBe('/GTS_PDFA1');
    expect(str(intent['/OutputConditionIdentifier']), label).toBe('sRGB IEC61966-2.1');
    const profile = obj(intent['/DestOutputProfile']);
    expect(profile.stream?.dict['/N'], `${label}: ICC components`).toBe(3);
    const icc = data(profile);
    expect(icc.subarray(36, 40).toString('latin1'), `${label}: ICC profile`).toBe('acsp');
    expect(icc.subarray(16, 20).toString('latin1'), `${label}: ICC colour space`).toBe('RGB ');

    // The XMP packet: uncompressed, well-formed, PDF/A-2B, and its twins of the Info entries agree.
    const metadata = obj(root['/Metadata']);
    expect(metadata.stream?.dict['/Filter'], `${label}: XMP not filtered`).toBeUndefined();
    const xmp = data(metadata).toString('utf8');
    execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'], { input: xmp });
    expect(xmp, label).toMatch(/<pdfaid:part>2<\/pdfaid:part>/);
    expect(xmp, label).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const info = dict(obj(trailer['/Info']));
    // pdfkit writes each Info value as an indirect object.
    const infoString = (key: string) => {
      const v = info[key];
      return str(typeof v === 'string' && /^\d+ \d+ R$/.test(v) ? obj(v).value : v);
    };
    const createDate = /<xmp:CreateDate>([^<]+)</.exec(xmp)?.[1] ?? '';
    const modifyDate = /<xmp:ModifyDate>([^<]+)</.exec(xmp)?.[1] ?? '';
    expect(createDate, `${label}: CreateDate`).toBe(pdfDate(infoString('/CreationDate')));
    expect(modifyDate, `${label}: ModifyDate`).toBe(pdfDate(infoString('/ModDate')));
    expect(xmp, `${label}: dc:title`).toContain(`<rdf:li xml:lang="x-default">${infoString('/Title')}</rdf:li>`);
    expect(xmp, `${label}: pdf:Producer`).toContain(`<pdf:Producer>${infoString('/Producer')}</pdf:Producer>`);

    // Every font embedded; none of the standard 14 (they are never embedded).
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter((l) => l.trim());
    expect(fonts.length, `${label}: fonts`).toBeGreaterThan(0);
    for (const line of fonts) {
      expect(line, `${label}: embedded font`).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+0$/);
      expect(line, label).not.toMatch(/Helvetica|Times|Courier|Symbol|ZapfDingbats/);
    }
    return { xmp, createDate, modifyDate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
