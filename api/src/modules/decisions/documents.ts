// The 三重一大 documents on the shared pieces: the register (台账) as PDF and Excel, columns defined once
// here, and the per-meeting minutes (会议记录) drawn on the PDF kit. Items print as stored: a closed
// item's rows are frozen by the database, so the minutes show the frozen record, with any amendments
// listed after it.
import type { SheetColumn } from '../../excel/export.ts';
import type { PdfBuilder } from '../../pdf/document.ts';
import { COLORS } from '../../pdf/document.ts';
import type { TableColumn } from '../../pdf/register.ts';
import { drawTable } from '../../pdf/table.ts';
import { codeLabel } from '../roster/labels.ts';
import type { RegisterRow, minutesData } from './queries.ts';
import {
  CATEGORY_LABELS,
  docDateTime,
  isCountedDecision,
  MEETING_KIND_LABELS,
  meetingTimeDocText,
  meetingTimeText,
  OPINION_LABELS,
  OUTCOME_LABELS,
  RULE_LABELS,
  STEP_LABELS,
  VOTING_METHOD_LABELS,
  yuan,
} from './rules.ts';

const lbl = (table: Readonly<Record<string, string>>, key: string | null, none = '—') => codeLabel(table, key) ?? none;
const votes = (r: { votes_for: number | null; votes_against: number | null; votes_abstain: number | null }) =>
  r.votes_for === null ? '—' : `${r.votes_for}/${r.votes_against ?? 0}/${r.votes_abstain ?? 0}`;
const flagsText = (flags: readonly { rule: string }[]) => flags.map((f) => lbl(RULE_LABELS, f.rule, f.rule)).join('；');
const status = (r: RegisterRow) => (r.closed_at ? (r.amendments ? `已关闭（更正${r.amendments}）` : '已关闭') : '未关闭');

// ---- register ----

export const REGISTER_PDF_COLUMNS: TableColumn<RegisterRow>[] = [
  { header: '序号', width: 2.6, align: 'center', value: (_r, i) => String(i + 1) },
  { header: '会议时间', width: 6.4, align: 'center', value: (r) => meetingTimeText(r.held_on, r.held_time) },
  { header: '单位', width: 5.5, value: (r) => r.org_name },
  { header: '会议', width: 5.5, value: (r) => lbl(MEETING_KIND_LABELS, r.meeting_kind) },
  { header: '类别', width: 5.5, value: (r) => lbl(CATEGORY_LABELS, r.category) },
  { header: '议题', width: 16, wrap: true, value: (r) => r.title },
  { header: '金额（元）', width: 6, align: 'right', value: (r) => (r.amount_fen === null ? '' : yuan(r.amount_fen)) },
  { header: '应到/\n实到', width: 3.6, align: 'center', value: (r) => `${r.expected}/${r.present}` },
  { header: '票数\n同意/反对/弃权', width: 5, align: 'center', value: votes },
  { header: '结果', width: 3.2, align: 'center', value: (r) => lbl(OUTCOME_LABELS, r.outcome) },
  { header: '状态', width: 4.6, align: 'center', value: status },
  { header: '规则提示', width: 10, wrap: true, value: (r) => flagsText(r.flags) },
];

export const REGISTER_SHEET_COLUMNS: SheetColumn<RegisterRow>[] = [
  { header: '序号', width: 6, align: 'center', value: (_r, i) => i + 1 },
  { header: '会议日期', width: 12, type: 'date', value: (r) => r.held_on },
  { header: '开始时间', width: 9, align: 'center', value: (r) => r.held_time?.slice(0, 5) ?? '' },
  { header: '单位', width: 14, value: (r) => r.org_name },
  { header: '会议类型', width: 14, value: (r) => lbl(MEETING_KIND_LABELS, r.meeting_kind) },
  { header: '议题类别', width: 14, value: (r) => lbl(CATEGORY_LABELS, r.category) },
  { header: '议题', width: 40, wrap: true, value: (r) => r.title },
  { header: '金额（元）', width: 14, value: (r) => (r.amount_fen === null ? null : r.amount_fen / 100) },
  { header: '应到', width: 7, value: (r) => r.expected },
  { header: '实到', width: 7, value: (r) => r.present },
  { header: '表决方式', width: 11, value: (r) => lbl(VOTING_METHOD_LABELS, r.voting_method, '') },
  { header: '同意', width: 7, value: (r) => r.votes_for },
  { header: '不同意', width: 7, value: (r) => r.votes_against },
  { header: '弃权', width: 7, value: (r) => r.votes_abstain },
  { header: '结果', width: 8, value: (r) => lbl(OUTCOME_LABELS, r.outcome, '') },
  { header: '状态', width: 14, value: status },
  { header: '实施结果', width: 24, wrap: true, value: (r) => r.implementation_result },
  { header: '规则提示', width: 36, wrap: true, value: (r) => r.flags.map((f) => f.message).join('\n') },
];

/** The totals line: items decided (as counted in the report sentence), deferred, flagged, amount. */
export function registerTotals(rows: readonly RegisterRow[]) {
  const decided = rows.filter((r) => isCountedDecision(r.category, r.outcome));
  return {
    items: rows.length,
    decided: decided.length,
    deferred: rows.filter((r) => r.outcome === 'deferred').length,
    flagged: rows.filter((r) => r.flags.length > 0).length,
    amountFen: decided.reduce((s, r) => s + (r.amount_fen ?? 0), 0),
  };
}

export function registerTitle(orgName: string, year: number) {
  return `${orgName}${year}年“三重一大”事项台账`;
}

export function registerFilterLine(year: number, t: ReturnType<typeof registerTotals>) {
  return `${year}年1月1日至12月31日召开的会议　共${t.items}项，其中已作出决定${t.decided}项、缓议${t.deferred}项、有规则提示${t.flagged}项`;
}

// ---- minutes ----

type Minutes = NonNullable<Awaited<ReturnType<typeof minutesData>>>;

export function minutesTitle(m: { org_name: string; kind: string }) {
  return `${m.org_name}${lbl(MEETING_KIND_LABELS, m.kind)}记录`;
}

function line(pdf: PdfBuilder, label: string, text: string) {
  pdf.paragraph(`${label}：${text || '—'}`, { size: 10 });
}

export async function drawMinutes(pdf: PdfBuilder, data: Minutes): Promise<void> {
  const m = data.meeting;
  pdf.titleBlock(minutesTitle(m), [meetingTimeDocText(m.held_on, m.held_time) + (m.place ? `　${m.place}` : '')]);
  const members = data.members.filter((x) => x.role === 'member');
  const present = members.filter((x) => x.attendance === 'present');
  const absent = members.filter((x) => x.attendance === 'absent');
  const unknown = members.filter((x) => x.attendance === null);
  const observers = data.members.filter((x) => x.role === 'observer');
  pdf.heading('一、会议基本情况', { keepWith: 80 });
  line(pdf, '时间', meetingTimeDocText(m.held_on, m.held_time));
  line(pdf, '地点', m.place);
  line(pdf, '主持人', m.chair);
  line(pdf, '记录人', m.recorder);
  line(pdf, '应到人员', `${members.length}人：${members.map((x) => `${x.name}${x.is_principal ? '（主要负责人）' : ''}`).join('、')}`);
  line(pdf, '出席人员', `${present.length}人：${present.map((x) => x.name).join('、')}`);
  if (absent.length) line(pdf, '缺席人员', absent.map((x) => `${x.name}（${x.absence_reason || '未说明原因'}）`).join('、'));
  if (unknown.length) line(pdf, '出席未登记', unknown.map((x) => x.name).join('、'));
  line(pdf, '列席人员', observers.length ? observers.map((x) => `${x.name}${x.title ? `（${x.title}）` : ''}`).join('、') : '无');
  pdf.y += 4;

  pdf.heading('二、议题', { keepWith: 60 });
  if (data.items.length === 0) pdf.paragraph('本次会议未登记议题。', { color: COLORS.muted });
  const byId = new Map(data.members.map((x) => [x.id, x]));
  for (const d of data.items) {
    const it = d.item;
    pdf.heading(`议题${it.seq}：${it.title}`, { size: 11, keepWith: 90 });
    line(pdf, '类别', lbl(CATEGORY_LABELS, it.category) + (it.amount_fen === null ? '' : `　金额：${yuan(it.amount_fen)}元`));
    line(pdf, '提议人', it.proposer);
    line(pdf, '动议事由', it.motion_reason);
    if (it.summary) line(pdf, '议题内容', it.summary);
    if (d.recusals.length) line(pdf, '回避', d.recusals.map((r) => `${byId.get(r.member_id)?.name ?? ''}（${r.reason}）`).join('、'));
    if (d.deferredFrom) line(pdf, '续议', `${d.deferredFrom.held_on}会议缓议的“${d.deferredFrom.title}”`);
    pdf.y += 2;
    const rows = d.opinions.map((o) => ({ ...o, member: byId.get(o.member_id) }));
    await drawTable(
      pdf,
      [
        { header: '发言顺序', width: 3, align: 'center', value: (r) => String(r.position) },
        { header: '姓名', width: 4, align: 'center', value: (r) => r.member?.name ?? '' },
        { header: '职务', width: 8, value: (r) => r.member?.title ?? '' },
        { header: '表态', width: 3, align: 'center', value: (r) => lbl(OPINION_LABELS, r.opinion) },
        { header: '意见说明', width: 12, wrap: true, value: (r) => r.remark },
      ],
      rows,
      { fontSize: 9, emptyText: '未逐一记录表态', continuation: `议题${it.seq}表态（续）` },
    );
    pdf.y += 2;
    line(
      pdf,
      '表决',
      `${lbl(VOTING_METHOD_LABELS, it.voting_method, '表决方式未登记')}；同意${it.votes_for ?? '—'}票、不同意${it.votes_against ?? '—'}票、弃权/缓议${it.votes_abstain ?? '—'}票；结果：${lbl(OUTCOME_LABELS, it.outcome, '未表决')}`,
    );
    if (it.implementation_result || it.implementation_date) line(pdf, '实施结果', `${it.implementation_result}${it.implementation_date ? `（${it.implementation_date}）` : ''}`);
    if (d.steps.length)
      line(
        pdf,
        '四议两公开',
        d.steps
          .map((s) => `${STEP_LABELS[s.step]}${s.merged ? '（与两委商议合并）' : ''} ${s.held_on}${s.expected !== null ? ` 应到${s.expected}实到${s.present ?? '—'}` : ''}${s.votes_for !== null ? ` 同意${s.votes_for}` : ''}`)
          .join('；'),
      );
    if (d.disclosures.length) line(pdf, '公开', d.disclosures.map((x) => `${x.disclosed_on} ${x.form}${x.location ? `（${x.location}）` : ''}`).join('；'));
    line(pdf, '状态', it.closed_at ? `已关闭（${docDateTime(it.closed_at)}），以下为冻结的记录` : '未关闭（草稿，内容可能变动）');
    if (it.flags.length) {
      pdf.paragraph('规则提示：', { size: 10, color: COLORS.accent });
      for (const f of it.flags) pdf.paragraph(`· ${lbl(RULE_LABELS, f.rule, f.rule)}：${f.message}（依据：${f.source}）`, { size: 9, color: COLORS.accent, indent: 10 });
    }
    if (d.amendments.length) {
      pdf.paragraph('更正记录：', { size: 10 });
      d.amendments.forEach((a, i) =>
        pdf.paragraph(`${i + 1}. ${a.subject}：${a.correction}（理由：${a.reason}；${a.created_by_name}，${docDateTime(a.created_at)}）`, { size: 9, indent: 10 }),
      );
    }
    pdf.y += 6;
  }

  pdf.ensureSpace(90);
  pdf.y += 16;
  pdf.font('regular', 10.5);
  const third = pdf.width / 3;
  const y = pdf.y;
  pdf.doc.text('主持人（签字）：', pdf.left, y, { lineBreak: false });
  pdf.doc.text('记录人（签字）：', pdf.left + third, y, { lineBreak: false });
  pdf.doc.text('参会人员（签字）：', pdf.left + 2 * third, y, { lineBreak: false });
  pdf.y = y + 46;
  pdf.doc.fillColor(COLORS.muted).fontSize(8.5).text('本记录由清风系统按登记内容生成；关闭后的议题以冻结记录为准，更正以更正记录为准。', pdf.left, pdf.y, { width: pdf.width });
  pdf.doc.fillColor(COLORS.text);
}
