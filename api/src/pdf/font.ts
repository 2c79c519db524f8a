// Noto Sans SC for every PDF. The TTFs stay inside node_modules (referenced by resolved path, never copied);
// each weight is read once per process into a Buffer, and each document parses it at most once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type FontWeight = 'regular' | 'bold';

export const FONT_PATHS: Record<FontWeight, string> = {
  regular: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
};

/** PostScript names: after a document has opened a weight, pdfkit caches it under this name. */
export const FONT_NAMES: Record<FontWeight, string> = {
  regular: 'NotoSansSC-Regular',
  bold: 'NotoSansSC-Bold',
};

const buffers: Partial<Record<FontWeight, Buffer>> = {};

/** The font file's bytes, read from disk once per process. */
export function fontBuffer(weight: FontWeight): Buffer {
  return (buffers[weight] ??= readFileSync(FONT_PATHS[weight]));
}

// Which weights each document has already opened. `doc.font(buffer)` parses the font every time it is
// called (~20 ms); once opened, selecting by the PostScript name is a cache hit in pdfkit's font table.
const opened = new WeakMap<PDFKit.PDFDocument, Set<FontWeight>>();

/** Selects a weight (and size) on the document, opening the font from the cached Buffer the first time. */
export function useFont(doc: PDFKit.PDFDocument, weight: FontWeight, size?: number): PDFKit.PDFDocument {
  let set = opened.get(doc);
  if (!set) opened.set(doc, (set = new Set()));
  if (set.has(weight)) doc.font(FONT_NAMES[weight]);
  else {
    doc.font(fontBuffer(weight));
    set.add(weight);
  }
  if (size !== undefined) doc.fontSize(size);
  return doc;
}

/**
 * For svg-to-pdfkit: every SVG text (echarts labels) uses Noto, bold when the SVG asks for it. Without
 * this, labels fall back to Helvetica, which has no Chinese glyphs, and vanish.
 */
export function svgFontCallback(doc: PDFKit.PDFDocument) {
  return (_family: string, bold: boolean): string => {
    const weight: FontWeight = bold ? 'bold' : 'regular';
    // Open the weight in this document first, so the name svg-to-pdfkit passes to doc.font() is a cache hit.
    useFont(doc, weight);
    return FONT_NAMES[weight];
  };
}
