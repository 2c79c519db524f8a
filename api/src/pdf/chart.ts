// Charts in PDFs: echarts renders server-side to an SVG string, svg-to-pdfkit draws it as vectors.
import SVGtoPDF from 'svg-to-pdfkit';
import type { EChartsOption } from 'echarts';
import type { PdfBuilder } from './document.ts';
import { svgFontCallback } from './font.ts';

// echarts is large; load it the first time a chart is drawn, not when the API starts.
let echartsModule: Promise<typeof import('echarts')> | null = null;

const PX_PER_PT = 96 / 72;

export const CHART_COLORS = ['#3b6fb6', '#d9822b', '#4f9d69', '#b4231f', '#7a5cb8', '#5b6472'];

/** The chart as an SVG string, sized in pixels. */
export async function chartSvg(option: EChartsOption, widthPx: number, heightPx: number): Promise<string> {
  const echarts = await (echartsModule ??= import('echarts'));
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: widthPx, height: heightPx });
  try {
    chart.setOption({ animation: false, color: CHART_COLORS, textStyle: { fontFamily: 'Noto Sans SC' }, ...option });
    return withoutTextHalos(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * echarts outlines labels with a white halo drawn under the glyphs (`paint-order="stroke"`);
 * svg-to-pdfkit ignores paint-order and strokes over the fill, which hides the label. Drop the halo.
 */
function withoutTextHalos(svg: string): string {
  return svg.replace(/<text\b[^>]*paint-order="stroke"[^>]*>/g, (tag) =>
    tag.replace(/\s(?:stroke|stroke-width|stroke-miterlimit|paint-order)="[^"]*"/g, ''),
  );
}

/** Draws a chart at (x, y) in points; Chinese labels use the document's Noto font. */
export async function drawChart(pdf: PdfBuilder, option: EChartsOption, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  const svg = await chartSvg(option, Math.round(box.width * PX_PER_PT), Math.round(box.height * PX_PER_PT));
  const doc = pdf.doc;
  doc.save();
  SVGtoPDF(doc, svg, box.x, box.y, {
    width: box.width,
    height: box.height,
    fontCallback: svgFontCallback(doc),
    warningCallback: () => {},
  });
  doc.restore();
  // svg-to-pdfkit leaves its own font and colours selected.
  pdf.font('regular', 10);
  doc.fillColor('#1f2328');
}
