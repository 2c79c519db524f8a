// The committee-structure report as an .xlsx workbook (exceljs): figures with 本届 / 上届 / ±,
// one row per village with a 合计 row, the distributions, and the generated sentence.
import ExcelJS from 'exceljs';
import { beijingDocumentTime } from '../../time.ts';
import { FIGURE_KEYS, FIGURE_LABELS, villageTermLabel, type CommitteeStructureReport, type FigureKey, type StructureFigures } from './rules.ts';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};

function numFmt(key: FigureKey): string | undefined {
  if (key === 'dualRoleRatio') return '0.0%';
  if (key === 'averageAge') return '0.0';
  return undefined;
}

function labelWithUnit(key: FigureKey): string {
  const { label, unit } = FIGURE_LABELS[key];
  return `${label}（${unit}）`;
}

function styleTable(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, columns: number, headerRows = 1) {
  for (let r = fromRow; r <= toRow; r++) {
    const row = ws.getRow(r);
    for (let c = 1; c <= columns; c++) {
      const cell = row.getCell(c);
      cell.border = THIN;
      if (r < fromRow + headerRows) {
        cell.fill = HEADER_FILL;
        cell.font = { bold: true };
        cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      }
    }
  }
}

/** How the as-of date was chosen, in words for the sheet's subtitle. */
export function asOfDescription(report: CommitteeStructureReport): string {
  return report.asOf
    ? `统计时点：截至${report.asOf}（上届按各自换届选举日期统计）`
    : '统计时点：本届按各村（社区）换届选举日期统计，上届按各自换届选举日期统计';
}

function figureValue(f: StructureFigures | null, key: FigureKey): number | null {
  return f ? f[key] : null;
}

export async function buildCommitteeStructureWorkbook(report: CommitteeStructureReport, meta: { generatedAt: Date; generatedBy: string }) {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风 Qingfeng';
  wb.created = meta.generatedAt;
  const title = `${report.org.name}村（社区）“两委”班子结构分析`;

  // ---- 1. figures ----
  const ws = wb.addWorksheet('结构统计');
  ws.columns = [{ width: 30 }, { width: 14 }, { width: 14 }, { width: 14 }];
  ws.mergeCells('A1:D1');
  ws.getCell('A1').value = title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A1').alignment = { horizontal: 'center' };
  ws.mergeCells('A2:D2');
  ws.getCell('A2').value = asOfDescription(report);
  ws.addRow([]);
  ws.addRow(['指标', '本届', '上届', '±']);
  const firstTableRow = 4;
  ws.addRow(['有在届班子的村（社区）（个）', report.villages.current, report.villages.previous, report.villages.current - report.villages.previous]);
  for (const key of FIGURE_KEYS) {
    const row = ws.addRow([
      labelWithUnit(key),
      report.current[key],
      report.change ? report.previous[key] : null,
      report.change ? report.change[key] : null,
    ]);
    const fmt = numFmt(key);
    if (fmt) for (const c of [2, 3, 4]) row.getCell(c).numFmt = fmt;
  }
  styleTable(ws, firstTableRow, ws.rowCount, 4);
  ws.addRow([]);
  const sentenceLabel = ws.addRow(['表述']);
  sentenceLabel.getCell(1).font = { bold: true };
  const sentenceRow = ws.addRow([report.sentence]);
  ws.mergeCells(sentenceRow.number, 1, sentenceRow.number, 4);
  sentenceRow.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  sentenceRow.height = 90;
  ws.addRow([]);
  ws.addRow([`生成时间：${beijingDocumentTime(meta.generatedAt)}　生成人：${meta.generatedBy}`]);

  // ---- 2. per village ----
  const wv = wb.addWorksheet('分村情况');
  const groupWidth = 2 + FIGURE_KEYS.length;
  const headerTop = ['序号', '村（社区）', '本届', ...Array(groupWidth - 1).fill(null), '上届', ...Array(groupWidth - 1).fill(null)];
  const headerSub = [null, null, ...['届次', '换届日期', ...FIGURE_KEYS.map(labelWithUnit)], ...['届次', '换届日期', ...FIGURE_KEYS.map(labelWithUnit)]];
  wv.addRow(headerTop);
  wv.addRow(headerSub);
  wv.mergeCells(1, 1, 2, 1);
  wv.mergeCells(1, 2, 2, 2);
  wv.mergeCells(1, 3, 1, 2 + groupWidth);
  wv.mergeCells(1, 3 + groupWidth, 1, 2 + 2 * groupWidth);
  wv.getColumn(1).width = 6;
  wv.getColumn(2).width = 18;
  for (let c = 3; c <= 2 + 2 * groupWidth; c++) wv.getColumn(c).width = 12;
  wv.getRow(2).height = 45;
  const fmtRow = (row: ExcelJS.Row) => {
    FIGURE_KEYS.forEach((key, i) => {
      const fmt = numFmt(key);
      if (!fmt) return;
      row.getCell(5 + i).numFmt = fmt;
      row.getCell(5 + groupWidth + i).numFmt = fmt;
    });
  };
  report.byVillage.forEach((v, i) => {
    const row = wv.addRow([
      i + 1,
      v.name,
      villageTermLabel(v),
      v.currentTerm?.electionDate ?? v.pendingTerm?.electionDate ?? null,
      ...FIGURE_KEYS.map((k) => figureValue(v.current, k)),
      v.previousTerm ? `第${v.previousTerm.ordinal}届` : null,
      v.previousTerm?.electionDate ?? null,
      ...FIGURE_KEYS.map((k) => figureValue(v.previous, k)),
    ]);
    fmtRow(row);
  });
  const total = wv.addRow([
    null,
    '合计',
    `${report.villages.current}个`,
    null,
    ...FIGURE_KEYS.map((k) => report.current[k]),
    report.villages.previous ? `${report.villages.previous}个` : null,
    null,
    ...FIGURE_KEYS.map((k) => (report.change ? report.previous[k] : null)),
  ]);
  total.font = { bold: true };
  fmtRow(total);
  styleTable(wv, 1, wv.rowCount, 2 + 2 * groupWidth, 2);
  wv.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];
  wv.addRow([]);
  wv.addRow(['注：合计按人数去重统计（同一人在两个村（社区）任职只计一次）；平均年龄按周岁计算。']);

  // ---- 3. distributions ----
  const wd = wb.addWorksheet('结构分布');
  wd.columns = [{ width: 22 }, { width: 12 }, { width: 12 }, { width: 12 }];
  const section = (heading: string, items: { label: string; current: number; previous: number }[]) => {
    const h = wd.addRow([heading]);
    h.getCell(1).font = { bold: true };
    const start = wd.addRow(['类别', '本届', '上届', '±']).number;
    for (const it of items) wd.addRow([it.label, it.current, report.change ? it.previous : null, report.change ? it.current - it.previous : null]);
    styleTable(wd, start, wd.rowCount, 4);
    wd.addRow([]);
  };
  section('年龄结构（周岁）', report.ageBands);
  section('学历结构（最高学历）', report.education);
  section('性别结构', report.gender);

  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** A download name like 两委班子结构分析-青岚街道-2021-01-16.xlsx, as a Content-Disposition value. */
export function xlsxDisposition(report: CommitteeStructureReport): string {
  const name = `两委班子结构分析-${report.org.name}-${report.asOf ?? '换届日'}.xlsx`;
  return `attachment; filename="committee-structure.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
