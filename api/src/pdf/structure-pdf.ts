// 两委班子结构分析: the figures (本届 / 上届 / ±), four charts, the per-village table with its 合计 row,
// and the generated sentence. Data: the reports module's getCommitteeStructure, drawn as it is.
import type { EChartsOption } from 'echarts';
import { asOfDescription } from '../modules/reports/excel.ts';
import { FIGURE_KEYS, FIGURE_LABELS, formatPercent, villageTermLabel, type CommitteeStructureReport, type FigureKey, type StructureFigures, type VillageRow } from '../modules/reports/rules.ts';
import { drawChart, CHART_COLORS } from './chart.ts';
import type { PdfBuilder } from './document.ts';
import { chineseDate } from './roster-pdf.ts';
import { drawTable, type TableColumn } from './table.ts';

export function structureTitle(report: Pick<CommitteeStructureReport, 'org'>): string {
  return `${report.org.name}村（社区）“两委”班子结构分析`;
}

const DASH = '—';

function formatFigure(key: FigureKey, value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (key === 'averageAge') return value.toFixed(1);
  if (key === 'dualRoleRatio') return formatPercent(value);
  return String(value);
}

function formatChange(key: FigureKey, value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (value === 0) return '0';
  const sign = value > 0 ? '+' : '−';
  const abs = Math.abs(value);
  if (key === 'averageAge') return `${sign}${abs.toFixed(1)}`;
  if (key === 'dualRoleRatio') return `${sign}${formatPercent(abs)}`;
  return `${sign}${abs}`;
}

interface FigureLine {
  label: string;
  current: string;
  previous: string;
  change: string;
}

function figureLines(report: CommitteeStructureReport): FigureLine[] {
  const hasPrevious = report.change !== null;
  const v = report.villages;
  const lines: FigureLine[] = [
    {
      label: '有在届班子的村（社区）（个）',
      current: String(v.current),
      previous: hasPrevious ? String(v.previous) : DASH,
      change: hasPrevious ? formatChange('members', v.current - v.previous) : DASH,
    },
  ];
  for (const key of FIGURE_KEYS) {
    const { label, unit } = FIGURE_LABELS[key];
    lines.push({
      label: `${label}（${unit}）`,
      current: formatFigure(key, report.current[key]),
      previous: hasPrevious ? formatFigure(key, report.previous[key]) : DASH,
      change: hasPrevious ? formatChange(key, report.change?.[key]) : DASH,
    });
  }
  return lines;
}

const FIGURE_COLUMNS: TableColumn<FigureLine>[] = [
  { header: '指标', width: 10, value: (r) => r.label },
  { header: '本届', width: 4, align: 'right', value: (r) => r.current },
  { header: '上届', width: 4, align: 'right', value: (r) => r.previous },
  { header: '±', width: 4, align: 'right', value: (r) => r.change },
];

type VillageLine = { index: number; village: VillageRow };

const villageFigure = (key: FigureKey) => (r: VillageLine) => {
  const f = r.village.current;
  if (!f) return DASH;
  if (key === 'dualRoleVillages') return f.dualRoleVillages > 0 ? '是' : '否';
  return formatFigure(key, f[key]);
};

const VILLAGE_COLUMNS: TableColumn<VillageLine>[] = [
  { header: '序号', width: 2.6, align: 'center', value: (r) => String(r.index + 1) },
  { header: '村（社区）', width: 7, value: (r) => r.village.name },
  { header: '届次', width: 4.4, align: 'center', value: (r) => villageTermLabel(r.village) },
  { header: '换届日期', width: 5.2, align: 'center', value: (r) => r.village.currentTerm?.electionDate ?? r.village.pendingTerm?.electionDate ?? DASH },
  { header: '成员', width: 3, align: 'right', value: villageFigure('members') },
  { header: '35岁\n以下', width: 3, align: 'right', value: villageFigure('age35OrUnder') },
  { header: '女性', width: 3, align: 'right', value: villageFigure('female') },
  { header: '女性\n主职', width: 3, align: 'right', value: villageFigure('femalePrincipals') },
  { header: '平均\n年龄', width: 3.2, align: 'right', value: villageFigure('averageAge') },
  { header: '大专\n及以上', width: 3.4, align: 'right', value: villageFigure('collegeOrAbove') },
  { header: '一肩挑', width: 3.2, align: 'center', value: villageFigure('dualRoleVillages') },
  { header: '交叉\n任职', width: 3, align: 'right', value: villageFigure('crossServing') },
  { header: '党员', width: 3, align: 'right', value: villageFigure('partyMembers') },
];

function totalLine(report: CommitteeStructureReport): string[] {
  const c: StructureFigures = report.current;
  return [
    '',
    '合计',
    `${report.villages.current}个`,
    '',
    formatFigure('members', c.members),
    formatFigure('age35OrUnder', c.age35OrUnder),
    formatFigure('female', c.female),
    formatFigure('femalePrincipals', c.femalePrincipals),
    formatFigure('averageAge', c.averageAge),
    formatFigure('collegeOrAbove', c.collegeOrAbove),
    `${c.dualRoleVillages}个`,
    formatFigure('crossServing', c.crossServing),
    formatFigure('partyMembers', c.partyMembers),
  ];
}

const baseChart = (title: string): EChartsOption => ({
  title: { text: title, left: 'center', top: 4, textStyle: { fontSize: 14, fontWeight: 'bold', color: '#1f2328' } },
  grid: { left: 48, right: 16, top: 56, bottom: 36, containLabel: false },
  textStyle: { fontSize: 11 },
});

// Value labels on bars, but none on empty bars (rows of zeros only clutter the axis).
const barLabel = { show: true, position: 'top' as const, fontSize: 10, formatter: (p: { value: unknown }) => (p.value ? String(p.value) : '') };

function seriesPair(report: CommitteeStructureReport, items: { current: number; previous: number }[]) {
  const series: NonNullable<EChartsOption['series']> = [{ name: '本届', type: 'bar', data: items.map((i) => i.current), label: barLabel, barMaxWidth: 26 }];
  if (report.change) series.push({ name: '上届', type: 'bar', data: items.map((i) => i.previous), label: barLabel, barMaxWidth: 26 });
  return series;
}

export function ageChart(report: CommitteeStructureReport): EChartsOption {
  return {
    ...baseChart('年龄结构'),
    legend: { top: 26, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: report.ageBands.map((b) => b.label), axisLabel: { fontSize: 10, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: seriesPair(report, report.ageBands),
  };
}

export function educationChart(report: CommitteeStructureReport): EChartsOption {
  // Short labels: eight levels have to fit under one chart.
  const short: Record<string, string> = { doctorate: '博士', master: '硕士', bachelor: '本科', associate: '大专', secondary_vocational: '中专', high_school: '高中', junior_high: '初中', primary_or_below: '小学及\n以下' };
  return {
    ...baseChart('学历结构（最高学历）'),
    legend: { top: 26, textStyle: { fontSize: 11 } },
    xAxis: { type: 'category', data: report.education.map((e) => short[e.key] ?? e.label), axisLabel: { fontSize: 10, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: seriesPair(report, report.education),
  };
}

export function genderChart(report: CommitteeStructureReport): EChartsOption {
  // Labels inside the slices: outside labels do not fit two pies in half a page. Empty slices are left
  // out (the legend still names both).
  const pie = (name: string, center: string, items: { label: string; value: number }[]) => ({
    name,
    type: 'pie' as const,
    radius: ['0%', '52%'],
    center: [center, '60%'],
    label: { position: 'inside' as const, formatter: '{b} {c}名\n{d}%', fontSize: 10, color: '#ffffff' },
    data: items.filter((i) => i.value > 0).map((i) => ({ name: i.label, value: i.value })),
  });
  const series = [pie('本届', report.change ? '27%' : '50%', report.gender.map((g) => ({ label: g.label, value: g.current })))];
  if (report.change) series.push(pie('上届', '73%', report.gender.map((g) => ({ label: g.label, value: g.previous }))));
  return {
    ...baseChart(report.change ? '性别结构（左：本届　右：上届）' : '性别结构（本届）'),
    legend: { top: 26, data: report.gender.map((g) => g.label), textStyle: { fontSize: 11 } },
    color: [CHART_COLORS[0]!, CHART_COLORS[3]!],
    series,
  };
}

/** Villages with and without 一肩挑: one bar per village (height = members) when they fit, else a pie. */
export function dualRoleChart(report: CommitteeStructureReport): EChartsOption {
  const withTerm = report.byVillage.filter((v) => v.current);
  if (withTerm.length > 0 && withTerm.length <= 40) {
    const value = (v: VillageRow, dual: boolean) => ((v.current!.dualRoleVillages > 0) === dual ? v.current!.members : '-');
    return {
      ...baseChart('“一肩挑”情况（按村，柱高为成员数）'),
      legend: { top: 26, textStyle: { fontSize: 11 } },
      grid: { left: 40, right: 12, top: 56, bottom: 70 },
      color: [CHART_COLORS[2]!, '#b8c0cc'],
      xAxis: { type: 'category', data: withTerm.map((v) => v.name), axisLabel: { fontSize: 9, rotate: 45, interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '已“一肩挑”', type: 'bar', stack: 'v', data: withTerm.map((v) => value(v, true)), barMaxWidth: 18 },
        { name: '未“一肩挑”', type: 'bar', stack: 'v', data: withTerm.map((v) => value(v, false)), barMaxWidth: 18 },
      ],
    };
  }
  const dual = report.current.dualRoleVillages;
  return {
    ...baseChart('“一肩挑”情况'),
    legend: { top: 26, textStyle: { fontSize: 11 } },
    color: [CHART_COLORS[2]!, '#b8c0cc'],
    series: [
      {
        type: 'pie',
        radius: ['30%', '55%'],
        center: ['50%', '58%'],
        label: { position: 'inside', formatter: '{c}个\n{d}%', fontSize: 10, color: '#ffffff' },
        data: [
          { name: '已“一肩挑”', value: dual },
          { name: '未“一肩挑”', value: Math.max(0, report.villages.current - dual) },
        ].filter((d) => d.value > 0),
      },
    ],
  };
}

export async function drawStructureReport(pdf: PdfBuilder, report: CommitteeStructureReport): Promise<void> {
  const subtitles = [asOfDescription(report)];
  const d = report.electionDates;
  if (d.current) {
    const range = (r: { from: string; to: string }) => (r.from === r.to ? chineseDate(r.from) : `${chineseDate(r.from)}至${chineseDate(r.to)}`);
    subtitles.push(`本届换届选举：${range(d.current)}${d.previous ? `　上届：${range(d.previous)}` : ''}`);
  }
  pdf.titleBlock(structureTitle(report), subtitles);

  pdf.heading('一、总体情况', { keepWith: 40 });
  pdf.paragraph(report.sentence, { indent: 21, size: 10.5 });
  pdf.spacer(10);

  pdf.heading('二、主要指标', { keepWith: 200 });
  await drawTable(pdf, FIGURE_COLUMNS, figureLines(report), { fontSize: 9.5, rowHeight: 19, zebra: true });
  pdf.spacer(6);

  pdf.heading('三、结构分析', { keepWith: 190 + 12 });
  const gap = 12;
  const w = (pdf.width - gap) / 2;
  const h = 190;
  const charts = [ageChart(report), educationChart(report), genderChart(report), dualRoleChart(report)];
  for (let i = 0; i < charts.length; i += 2) {
    pdf.ensureSpace(h + gap);
    const y = pdf.y;
    for (let j = 0; j < 2 && i + j < charts.length; j++) {
      const x = pdf.left + j * (w + gap);
      pdf.doc.save().lineWidth(0.5).strokeColor('#e3e8ee').roundedRect(x, y, w, h, 4).stroke().restore();
      await drawChart(pdf, charts[i + j]!, { x: x + 2, y: y + 2, width: w - 4, height: h - 4 });
    }
    pdf.y = y + h + gap;
  }

  pdf.heading('四、分村（社区）情况', { keepWith: 80 });
  await drawTable(
    pdf,
    VILLAGE_COLUMNS,
    report.byVillage.map((village, index) => ({ index, village })),
    { fontSize: 8, totalRows: [totalLine(report)], emptyText: '范围内没有村（社区）', continuation: '四、分村（社区）情况（续）' },
  );
  pdf.font('regular', 8.5);
  pdf.doc.fillColor('#5b6472').text('注：合计按人数去重统计（同一人在两个村（社区）任职只计一次）；年龄按周岁计算；学历按最高学历统计。', pdf.left, pdf.y, { width: pdf.width });
  pdf.doc.fillColor('#1f2328');
}
