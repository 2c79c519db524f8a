// The annual summary as documents: one model (title, numbered sections with paragraphs, bordered
// tables) drawn twice — as a PDF on the PDF kit and as a Word file laid out like a 公文 (GB/T 9704-2012
// proportions: A4; margins 37/35/28/26 mm; title 2号 小标宋; body 3号 仿宋_GB2312 with a two-character
// first-line indent, 22 lines a page at a fixed 28.95 pt; headings 一、 in 黑体 and （一） in 楷体_GB2312;
// page numbers "— N —" in 4号 宋体 at the foot), so an office pastes it into its own report unchanged.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { SANCTION_TYPE_LABELS } from '../discipline/rules.ts';
import type { PdfBuilder } from '../../pdf/document.ts';
import { drawTable, type TableColumn } from '../../pdf/table.ts';
import type { shapeSummary } from './rules.ts';

type Summary = ReturnType<typeof shapeSummary>;

export interface SummaryTable {
  title: string;
  headers: string[];
  /** Relative widths. */
  widths: number[];
  rows: string[][];
  total?: string[];
}

export interface SummaryDocument {
  title: string;
  subtitle: string;
  sections: { heading: string; subsections: { heading: string; text: string }[] }[];
  tables: SummaryTable[];
  /** Closing line: who generated it and when (Chinese date). */
  footer: string;
}

const CN_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export const cnOrdinal = (i: number) => CN_NUMBERS[i] ?? String(i + 1);

/** The document model of a summary (pure). */
export function summaryDocument(s: Summary, generated: { by: string; on: string }): SummaryDocument {
  const f = s.figures;
  const n = (v: number) => String(v);
  const tables: SummaryTable[] = [
    {
      title: '谈话情况',
      headers: ['类别', '数量'],
      widths: [3, 1],
      rows: [
        ['集体谈话（次）', n(f.collectiveTalks)],
        ['集体谈话（人次）', n(f.collectiveTalkParticipants)],
        ['提醒谈话（人次）', n(f.reminderTalks)],
        ['诫勉谈话（人次）', n(f.admonishments)],
        ['警示谈话（人次）', n(f.warningTalks)],
        ['函询（人次）', n(f.inquiryLetters)],
        ['廉政谈话（人次）', n(f.integrityTalks)],
        ['任前廉政谈话（人次）', n(f.preAppointmentTalks)],
      ],
      total: ['个别谈话合计（人次）', n(f.individualTalks)],
    },
    {
      title: '处分情况',
      headers: ['类型', '人数'],
      widths: [3, 1],
      rows: [
        ...Object.entries(f.partySanctions).map(([t, v]) => [`党纪处分·${SANCTION_TYPE_LABELS.party[t] ?? t}`, n(v)]),
        ['政务处分（人次）', n(f.governmentSanctions)],
        ['组织处理（人次）', n(f.organizationalActions)],
      ],
      total: ['受党纪处分党员（人，去重）', n(f.partySanctionedPersons)],
    },
    {
      title: '运用监督执纪“四种形态”情况',
      headers: ['形态', '人次', '占比'],
      widths: [2, 1, 1],
      rows: (['first', 'second', 'third', 'fourth'] as const).map((k, i) => [`第${cnOrdinal(i)}种形态`, n(f.fourForms[k].count), `${f.fourForms[k].percent}%`]),
      total: ['合计', n(f.fourForms.total), f.fourForms.total ? '100%' : '—'],
    },
    {
      title: '“三重一大”事项（按类别）',
      headers: ['类别', '事项数'],
      widths: [3, 1],
      rows: s.tables.decisionsByCategory.map((c) => [c.label, n(c.count)]),
      total: ['合计', n(f.decisions)],
    },
    {
      title: '廉洁自律承诺书签订情况',
      headers: ['单位', '份数'],
      widths: [3, 1],
      rows: s.tables.pledgesByVillage.map((v) => [v.orgName, n(v.pledgesSigned)]),
      total: ['合计', n(f.pledgesSigned)],
    },
  ];
  const cs = f.committeeStructure;
  if (s.tables.committeeByVillage && cs) {
    tables.push({
      title: '村(社区)“两委”班子结构',
      headers: ['村（社区）', '成员', '35岁以下', '女性', '女性主职', '平均年龄', '大专及以上', '一肩挑'],
      widths: [3, 1, 1.2, 1, 1.2, 1.2, 1.4, 1],
      rows: s.tables.committeeByVillage.map((v) =>
        v.current
          ? [v.name, n(v.current.members), n(v.current.age35OrUnder), n(v.current.female), n(v.current.femalePrincipals), v.current.averageAge?.toFixed(1) ?? '—', n(v.current.collegeOrAbove), v.current.dualRoleVillages ? '是' : '否']
          : [v.name, '—', '—', '—', '—', '—', '—', '—'],
      ),
      total: ['合计', n(cs.members), n(cs.age35OrUnder), n(cs.female), n(cs.femalePrincipals), cs.averageAge?.toFixed(1) ?? '—', n(cs.collegeOrAbove), `${Math.round(cs.dualRoleRatio * 1000) / 10}%`],
    });
  }
  return {
    title: `${s.org.name}${s.year}年党风廉政建设情况`,
    subtitle: `（${s.year}年1月1日至12月31日，按北京时间）`,
    sections: [
      { heading: '主要情况', subsections: s.paragraphs.map((p) => ({ heading: p.heading, text: p.text })) },
      { heading: '统计表', subsections: [] },
    ],
    tables,
    footer: `本文由清风系统根据记录生成　生成人：${generated.by}　生成日期：${generated.on}`,
  };
}

// ---- PDF (the PDF kit: number, check code, watermark, registry) ----

export async function drawSummaryPdf(pdf: PdfBuilder, d: SummaryDocument): Promise<void> {
  pdf.titleBlock(d.title, [d.subtitle]);
  pdf.heading(`一、${d.sections[0]!.heading}`, { keepWith: 60 });
  d.sections[0]!.subsections.forEach((s, i) => {
    pdf.heading(`（${cnOrdinal(i)}）${s.heading}`, { size: 11, keepWith: 40 });
    pdf.paragraph(s.text, { indent: 22, size: 11 });
    pdf.spacer(4);
  });
  pdf.spacer(6);
  pdf.heading(`二、${d.sections[1]!.heading}`, { keepWith: 80 });
  for (const [i, t] of d.tables.entries()) {
    pdf.heading(`（${cnOrdinal(i)}）${t.title}`, { size: 11, keepWith: 60 });
    const columns: TableColumn<string[]>[] = t.headers.map((header, j) => ({ header, width: t.widths[j]!, align: j === 0 ? 'left' : 'right', value: (r) => r[j] ?? '' }));
    await drawTable(pdf, columns, t.rows, { fontSize: 9.5, rowHeight: 18, ...(t.total && { totalRows: [t.total] }), emptyText: '无记录', continuation: `${t.title}（续）` });
    pdf.spacer(8);
  }
  pdf.paragraph(d.footer, { size: 9, color: '#5b6472' });
}

// ---- Word ----

const MM = 56.7; // twips per millimetre
const FANGSONG = '仿宋_GB2312';
const HEITI = '黑体';
const KAITI = '楷体_GB2312';
const XIAOBIAOSONG = '方正小标宋简体';
const SONGTI = '宋体';
/** 3号 = 16 pt, in half-points. */
const SIZE_3 = 32;
const LINE = { line: 579, lineRule: LineRuleType.EXACT } as const; // 28.95 pt

const run = (text: string, font: string, size = SIZE_3, bold = false) =>
  new TextRun({ text, font: { ascii: font, eastAsia: font, hAnsi: font }, size, bold });

const body = (text: string) => new Paragraph({ children: [run(text, FANGSONG)], indent: { firstLine: 640 }, spacing: LINE, alignment: AlignmentType.JUSTIFIED });
const heading1 = (text: string) => new Paragraph({ children: [run(text, HEITI)], indent: { firstLine: 640 }, spacing: LINE, keepNext: true });
const heading2 = (text: string) => new Paragraph({ children: [run(text, KAITI)], indent: { firstLine: 640 }, spacing: LINE, keepNext: true });

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const borders = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };

function wordTable(t: SummaryTable): Table {
  const sum = t.widths.reduce((a, b) => a + b, 0);
  const textWidth = (210 - 28 - 26) * MM;
  const cell = (text: string, j: number, bold: boolean) =>
    new TableCell({
      width: { size: Math.round((textWidth * t.widths[j]!) / sum), type: WidthType.DXA },
      children: [new Paragraph({ children: [run(text, bold ? HEITI : FANGSONG, 24)], alignment: j === 0 ? AlignmentType.LEFT : AlignmentType.CENTER })],
    });
  const rows = [
    new TableRow({ tableHeader: true, children: t.headers.map((h, j) => cell(h, j, true)) }),
    ...t.rows.map((r) => new TableRow({ children: r.map((v, j) => cell(v, j, false)) })),
    ...(t.total ? [new TableRow({ children: t.total.map((v, j) => cell(v, j, true)) })] : []),
  ];
  return new Table({ rows, borders, width: { size: Math.round(textWidth), type: WidthType.DXA } });
}

export async function summaryDocx(d: SummaryDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ children: [run(d.title, XIAOBIAOSONG, 44)], alignment: AlignmentType.CENTER, spacing: LINE }),
    new Paragraph({ children: [run(d.subtitle, KAITI)], alignment: AlignmentType.CENTER, spacing: LINE }),
    new Paragraph({ children: [], spacing: LINE }),
    heading1(`一、${d.sections[0]!.heading}`),
  ];
  d.sections[0]!.subsections.forEach((s, i) => {
    children.push(heading2(`（${cnOrdinal(i)}）${s.heading}`), body(s.text));
  });
  children.push(heading1(`二、${d.sections[1]!.heading}`));
  d.tables.forEach((t, i) => {
    children.push(heading2(`（${cnOrdinal(i)}）${t.title}`), wordTable(t), new Paragraph({ children: [], spacing: { after: 120 } }));
  });
  children.push(new Paragraph({ children: [run(d.footer, FANGSONG, 24)], alignment: AlignmentType.RIGHT, spacing: LINE }));
  const doc = new Document({
    creator: '清风',
    title: d.title,
    styles: { default: { document: { run: { font: { ascii: FANGSONG, eastAsia: FANGSONG, hAnsi: FANGSONG }, size: SIZE_3 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(210 * MM), height: Math.round(297 * MM) },
            margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM), footer: Math.round(28 * MM) - 400 },
          },
        },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run('— ', SONGTI, 28), new TextRun({ children: [PageNumber.CURRENT], font: SONGTI, size: 28 }), run(' —', SONGTI, 28)] })],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
