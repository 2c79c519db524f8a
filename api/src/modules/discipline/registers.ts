// Talk and sanction registers (台账) per org and period, as PDF and Excel, on the shared register and
// export pieces (api/src/pdf/register.ts, api/src/excel/export.ts).
import type { SheetColumn } from '../../excel/export.ts';
import type { TableColumn } from '../../pdf/register.ts';
import { addDays, FORM_LABELS, SANCTION_STATUS_LABELS, sanctionLabel, TALK_KIND_LABELS, talkForm, VIOLATION_LABELS, type DisplayStatus, type FourForm } from './rules.ts';
import type { listSanctions, listTalks } from './queries.ts';

export type TalkRow = Awaited<ReturnType<typeof listTalks>>['items'][number];
export type SanctionRow = Awaited<ReturnType<typeof listSanctions>>['items'][number] & { displayStatus: DisplayStatus; formOf: FourForm | null };

/** Largest register drawn in one file. */
export const REGISTER_MAX_ROWS = 20_000;

const who = (t: TalkRow) => (t.kind === 'collective' ? `${t.participant_count}人` : (t.subject_name ?? ''));
const talkResult = (t: TalkRow) =>
  [t.outcome, t.influence_end ? `影响期至${addDays(t.influence_end, -1)}` : '', t.reply_due_date ? `回复期限${t.reply_due_date}${t.reply_date ? `，${t.reply_date}已回复` : '，未回复'}` : '']
    .filter(Boolean)
    .join('；');

export const TALK_PDF_COLUMNS: TableColumn<TalkRow>[] = [
  { header: '序号', width: 2.5, align: 'center', value: (_r, i) => String(i + 1) },
  { header: '日期', width: 5, value: (r) => r.talk_date + (r.talk_time ? ` ${r.talk_time}` : '') },
  { header: '类别', width: 5, value: (r) => TALK_KIND_LABELS[r.kind] },
  { header: '单位', width: 6, value: (r) => r.org_name },
  { header: '谈话对象/人数', width: 6, value: who },
  { header: '谈话人', width: 8, wrap: true, value: (r) => [r.leader_name, r.leader_title].filter(Boolean).join(' ') },
  { header: '事由', width: 10, wrap: true, value: (r) => r.topic },
  { header: '结果及后续', width: 12, wrap: true, value: (r) => [talkResult(r), r.follow_up].filter(Boolean).join('；') },
  { header: '形态', width: 4, value: (r) => (talkForm(r.kind).form ? FORM_LABELS[talkForm(r.kind).form!] : '—') },
];

export const TALK_SHEET_COLUMNS: SheetColumn<TalkRow>[] = [
  { header: '序号', width: 6, value: (_r, i) => i + 1 },
  { header: '日期', width: 12, type: 'date', value: (r) => r.talk_date },
  { header: '时间', width: 8, value: (r) => r.talk_time ?? '' },
  { header: '类别', width: 12, value: (r) => TALK_KIND_LABELS[r.kind] },
  { header: '单位', width: 16, value: (r) => r.org_name },
  { header: '谈话对象', width: 12, value: (r) => r.subject_name ?? '' },
  { header: '参加人数', width: 10, value: (r) => r.participant_count },
  { header: '谈话人', width: 12, value: (r) => r.leader_name },
  { header: '谈话人职务', width: 20, value: (r) => r.leader_title },
  { header: '事由', width: 30, wrap: true, value: (r) => r.topic },
  { header: '结果', width: 30, wrap: true, value: (r) => talkResult(r) },
  { header: '后续', width: 24, wrap: true, value: (r) => r.follow_up },
];

export const SANCTION_PDF_COLUMNS: TableColumn<SanctionRow>[] = [
  { header: '序号', width: 2.5, align: 'center', value: (_r, i) => String(i + 1) },
  { header: '姓名', width: 4, value: (r) => r.person_name },
  { header: '单位', width: 6, value: (r) => r.org_name },
  { header: '处分', width: 8, wrap: true, value: (r) => sanctionLabel(r.system, r.type, r.probation_months) + (r.criminal_referral ? '（移送司法）' : '') },
  { header: '违反纪律', width: 4.5, value: (r) => VIOLATION_LABELS[r.violation] },
  { header: '决定机关', width: 6, wrap: true, value: (r) => r.authority },
  { header: '案号', width: 6, wrap: true, value: (r) => r.case_number },
  { header: '决定日期', width: 4.8, value: (r) => r.decision_date },
  { header: '生效日期', width: 4.8, value: (r) => r.effective_date },
  { header: '影响期至', width: 4.8, value: (r) => (r.influence_end ? addDays(r.influence_end, -1) : '永久') },
  { header: '状态', width: 4.5, value: (r) => SANCTION_STATUS_LABELS[r.displayStatus] },
  { header: '形态', width: 4.5, value: (r) => (r.formOf ? FORM_LABELS[r.formOf] : '不计') },
];

export const SANCTION_SHEET_COLUMNS: SheetColumn<SanctionRow>[] = [
  { header: '序号', width: 6, value: (_r, i) => i + 1 },
  { header: '姓名', width: 10, value: (r) => r.person_name },
  { header: '单位', width: 16, value: (r) => r.org_name },
  { header: '处分', width: 20, value: (r) => sanctionLabel(r.system, r.type, r.probation_months) },
  { header: '违反纪律', width: 10, value: (r) => VIOLATION_LABELS[r.violation] },
  { header: '决定机关', width: 18, value: (r) => r.authority },
  { header: '案号', width: 18, value: (r) => r.case_number },
  { header: '决定日期', width: 12, type: 'date', value: (r) => r.decision_date },
  { header: '生效日期', width: 12, type: 'date', value: (r) => r.effective_date },
  { header: '影响期至', width: 12, value: (r) => (r.influence_end ? addDays(r.influence_end, -1) : '永久') },
  { header: '状态', width: 12, value: (r) => SANCTION_STATUS_LABELS[r.displayStatus] },
  { header: '移送司法机关', width: 12, value: (r) => (r.criminal_referral ? '是' : '否') },
  { header: '状态变更原因', width: 24, wrap: true, value: (r) => r.status_reason ?? '' },
];
