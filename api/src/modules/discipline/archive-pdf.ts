// The integrity archive PDF (廉政档案): on the PDF kit, the same data as the page.
import type { PdfBuilder } from '../../pdf/document.ts';
import { chineseDate } from '../../pdf/roster-pdf.ts';
import { drawTable, type TableColumn } from '../../pdf/table.ts';
import { committeeShortName, EDUCATION_LABELS, GENDER_LABELS, POLITICAL_STATUS_LABELS } from '../roster/labels.ts';
import { positionLabel } from '../roster/rules.ts';
import type { ArchiveData } from './archive.ts';
import { addDays, FORM_LABELS, PERSON_CATEGORY_LABELS, SANCTION_STATUS_LABELS, VIOLATION_LABELS } from './rules.ts';

export const archiveTitle = (d: Pick<ArchiveData, 'person'>) => `${d.person.name}廉政档案`;

const lastDay = (end: string | null) => (end ? addDays(end, -1) : '永久');

/** One table of the archive: its heading, columns and rows (the PDF and the benchmark's bare baseline draw these). */
export interface ArchiveSection<R = any> {
  heading: string;
  columns: TableColumn<R>[];
  rows: readonly R[];
  emptyText?: string;
  zebra?: boolean;
}

const section = <R,>(s: ArchiveSection<R>): ArchiveSection<R> => s;

export const eligibilityText = (d: ArchiveData) =>
  d.eligibility.eligible
    ? `截至${chineseDate(d.eligibility.on)}，未发现影响任职资格的情形。`
    : `截至${chineseDate(d.eligibility.on)}，不符合任职资格：${d.eligibility.reasons.map((r) => r.text).join('；')}。`;

/** Sections 一 to 六 (七, eligibility, is a paragraph). */
export function archiveSections(d: ArchiveData): ArchiveSection[] {
  const p = d.person;
  const facts: [string, string][] = [
    ['姓名', p.name],
    ['性别', GENDER_LABELS[p.gender]],
    ['出生年月', p.birth_date],
    ['公民身份号码', p.id_number],
    ['政治面貌', POLITICAL_STATUS_LABELS[p.political_status]],
    ['入党时间', p.party_join_date ?? '—'],
    ['最高学历', EDUCATION_LABELS[p.education_highest]],
    ['身份类别', PERSON_CATEGORY_LABELS[p.category]],
    ['所属单位', p.org_name],
    ['立案审查', p.under_investigation ? `是（${p.investigation_date ?? ''}立案，案号${p.investigation_case_number ?? ''}）` : '否'],
  ];
  return [
    section({
      heading: '一、基本情况',
      columns: [
        { header: '项目', width: 1, value: (r: [string, string]) => r[0] },
        { header: '内容', width: 3, value: (r) => r[1] },
      ],
      rows: facts,
      zebra: false,
    }),
    section({
      heading: '二、任职情况（历届）',
      columns: [
        { header: '村(社区)', width: 2, value: (r: ArchiveData['posts'][number]) => r.org_name },
        { header: '届次', width: 0.8, value: (r) => `第${r.term_ordinal}届` },
        { header: '职务', width: 2.2, value: (r) => `${committeeShortName(r.committee, r.org_kind)}${positionLabel(r.committee, r.position)}` },
        { header: '任职起', width: 1.3, value: (r) => r.start_date },
        { header: '任职止', width: 1.3, value: (r) => r.end_date ?? '至今' },
        { header: '备注', width: 2, value: (r) => [r.end_reason, r.eligibility_override ? '资格特批' : ''].filter(Boolean).join('；') },
      ],
      rows: d.posts,
      emptyText: '无任职记录',
    }),
    section({
      heading: '三、谈话函询',
      columns: [
        { header: '日期', width: 1.2, value: (r: ArchiveData['talks'][number]) => r.talk_date },
        { header: '类别', width: 1.2, value: (r) => r.kindLabel },
        { header: '谈话人', width: 1.6, value: (r) => [r.leader_name, r.leader_title].filter(Boolean).join(' ') },
        { header: '事由', width: 3, value: (r) => r.topic, wrap: true },
        { header: '结果/期限', width: 2, value: (r) => (r.influence_end ? `影响期至${lastDay(r.influence_end)}` : r.reply_due_date ? `回复期限${r.reply_due_date}${r.reply_date ? `，已于${r.reply_date}回复` : ''}` : r.outcome), wrap: true },
      ],
      rows: d.talks,
      emptyText: '无谈话函询记录',
    }),
    section({
      heading: '四、处分及影响期',
      columns: [
        { header: '处分', width: 2, value: (r: ArchiveData['sanctions'][number]) => r.label + (r.criminal_referral ? '（移送司法机关）' : '') },
        { header: '违反纪律', width: 1.1, value: (r) => VIOLATION_LABELS[r.violation] },
        { header: '决定机关/案号', width: 2, value: (r) => [r.authority, r.case_number].filter(Boolean).join(' '), wrap: true },
        { header: '生效日期', width: 1.1, value: (r) => r.effective_date },
        { header: '影响期至', width: 1.1, value: (r) => lastDay(r.influence_end) },
        { header: '状态', width: 1.1, value: (r) => SANCTION_STATUS_LABELS[r.displayStatus] },
        { header: '形态', width: 1.1, value: (r) => (r.form ? FORM_LABELS[r.form] : '—') },
      ],
      rows: d.sanctions,
      emptyText: '无处分记录',
    }),
    section({
      heading: '五、参与“三重一大”决策及个人意见',
      columns: [
        { header: '会议日期', width: 1.2, value: (r: ArchiveData['decisions'][number]) => r.held_on },
        { header: '单位/会议', width: 2, value: (r) => `${r.org_name} ${r.meetingLabel}`, wrap: true },
        { header: '事项', width: 2.6, value: (r) => r.title, wrap: true },
        { header: '类别', width: 1.1, value: (r) => r.categoryLabel },
        { header: '本人意见', width: 1.4, value: (r) => r.opinionLabel + (r.remark ? `（${r.remark}）` : ''), wrap: true },
        { header: '结果', width: 0.9, value: (r) => r.outcomeLabel },
      ],
      rows: d.decisions,
      emptyText: '无参与决策记录',
    }),
    section({
      heading: '六、廉洁自律承诺',
      columns: [
        { header: '承诺活动', width: 3, value: (r: ArchiveData['pledges'][number]) => r.campaign_title, wrap: true },
        { header: '版本', width: 0.8, value: (r) => `第${r.version_no}版` },
        { header: '签署时间', width: 1.7, value: (r) => r.signed_at },
        { header: '验证码', width: 1.8, value: (r) => r.verification_code },
      ],
      rows: d.pledges,
      emptyText: '无承诺书签署记录',
    }),
  ];
}

export async function drawArchive(pdf: PdfBuilder, d: ArchiveData): Promise<void> {
  pdf.titleBlock(archiveTitle(d), [`${d.person.org_name} · 截至${chineseDate(d.eligibility.on)}`]);
  for (const s of archiveSections(d)) {
    pdf.heading(s.heading);
    await drawTable(pdf, s.columns, s.rows, { ...(s.emptyText !== undefined && { emptyText: s.emptyText }), ...(s.zebra !== undefined && { zebra: s.zebra }) });
    pdf.spacer(8);
  }
  pdf.heading('七、任职资格');
  pdf.paragraph(eligibilityText(d));
}
