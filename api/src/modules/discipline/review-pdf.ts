// 换届联审 PDF: a village's candidate list, each one's eligibility on the election date.
import type { PdfBuilder } from '../../pdf/document.ts';
import { chineseDate } from '../../pdf/roster-pdf.ts';
import { drawTable } from '../../pdf/table.ts';

export interface CandidateReview {
  org: { id: number; name: string };
  on: string;
  /** False for the party work office: results without the reasons. */
  detailed: boolean;
  /** Candidates and ineligible ones over the whole list; `rows` may be one page of it. */
  total: number;
  ineligible: number;
  page: number;
  pageSize: number;
  rows: { personId: number; name: string; orgName: string; eligible: boolean; reasons: string[] }[];
}

export const reviewTitle = (d: Pick<CandidateReview, 'org'>) => `${d.org.name}换届候选人资格联审表`;

export async function drawCandidateReview(pdf: PdfBuilder, d: CandidateReview): Promise<void> {
  pdf.titleBlock(reviewTitle(d), [`换届日期：${chineseDate(d.on)} · 候选人 ${d.total} 名，其中不符合资格 ${d.ineligible} 名`]);
  await drawTable(
    pdf,
    [
      { header: '序号', width: 0.6, align: 'center', value: (_r: CandidateReview['rows'][number], i) => String(i + 1) },
      { header: '姓名', width: 1.2, value: (r) => r.name },
      { header: '所属单位', width: 1.8, value: (r) => r.orgName },
      { header: '资格审查结果', width: 1.3, value: (r) => (r.eligible ? '符合' : '不符合') },
      { header: d.detailed ? '不符合的情形' : '说明', width: 4, wrap: true, value: (r) => (r.eligible ? '' : d.detailed ? r.reasons.join('；') : '详情由纪检部门掌握') },
    ],
    d.rows,
    { emptyText: '未选择候选人' },
  );
  pdf.spacer(16);
  pdf.paragraph('依据：换届“十不选”负面清单第三项——受到党纪政务处分、诫勉处理影响期未满，或正在接受立案审查的，不得作为候选人。');
  pdf.spacer(20);
  pdf.paragraph('党建办（盖章）：　　　　　　　　　　纪工委（盖章）：　　　　　　　　　　日期：');
}
