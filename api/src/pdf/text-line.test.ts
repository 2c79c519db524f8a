import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import PDFDocument from 'pdfkit';
import { useFont } from './font.ts';
import { LineBatch } from './text-line.ts';

const dir = mkdtempSync(join(tmpdir(), 'qf-text-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES: [string, number, number, number][] = [
  ['李建国 男 1975.06', 40, 60, 8.5],
  ['AVA Wo. 3703**********123X', 40, 90, 8.5],
  ['研究生（硕士） 中共预备党员', 200, 120, 11],
  ['“两委”成员花名册 Ty', 90, 300, 16],
];

async function render(fast: boolean): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  useFont(doc, 'regular');
  const batch = new LineBatch(doc);
  for (const [text, x, y, size] of LINES) {
    doc.fontSize(size);
    if (fast) batch.add(text, x, y);
    else doc.text(text, x, y, { lineBreak: false });
  }
  batch.flush();
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** Every word pdftotext finds, with its box. */
function words(pdf: Buffer): { word: string; xMin: number; yMin: number; xMax: number }[] {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({
    word: m[4]!,
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
  }));
}

describe('LineBatch (fast single-line text)', () => {
  it('places the same glyphs at the same positions as doc.text, kerning included', async () => {
    const fast = words(await render(true));
    const slow = words(await render(false));
    expect(fast.map((w) => w.word)).toEqual(slow.map((w) => w.word));
    expect(fast.map((w) => w.word).join(' ')).toContain('3703**********123X');
    expect(fast.map((w) => w.word)).toContain('“两委”成员花名册');
    fast.forEach((w, i) => {
      expect(w.xMin).toBeCloseTo(slow[i]!.xMin, 1);
      expect(w.xMax).toBeCloseTo(slow[i]!.xMax, 1);
      expect(w.yMin).toBeCloseTo(slow[i]!.yMin, 1);
    });
  });
});
