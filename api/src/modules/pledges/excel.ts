// The signer list of a campaign as .xlsx, on the shared Excel export (api/src/excel/export.ts).
import { addTableSheet, newWorkbook, workbookBytes, type SheetColumn } from '../../excel/export.ts';
import { shanghaiDateTime } from '../../pdf/hash.ts';
import { AUTH_METHOD_LABELS, PERSON_CATEGORY_LABELS, SIGNER_STATUS_LABELS } from './rules.ts';

interface SignerRow {
  name: string;
  orgName: string;
  category: keyof typeof PERSON_CATEGORY_LABELS;
  status: keyof typeof SIGNER_STATUS_LABELS;
  hasAccount: boolean;
  signedAt: Date | null;
  versionNo: number | null;
  authMethod: keyof typeof AUTH_METHOD_LABELS | null;
  verificationCode: string | null;
}

const COLUMNS: SheetColumn<SignerRow>[] = [
  { header: '序号', width: 6, align: 'center', value: (_r, i) => i + 1 },
  { header: '姓名', width: 12, value: (r) => r.name },
  { header: '单位', width: 18, value: (r) => r.orgName },
  { header: '身份类别', width: 16, value: (r) => PERSON_CATEGORY_LABELS[r.category] },
  { header: '状态', width: 10, value: (r) => SIGNER_STATUS_LABELS[r.status] },
  { header: '系统账号', width: 10, align: 'center', value: (r) => (r.hasAccount ? '有' : '无') },
  { header: '签署时间', width: 18, type: 'text', value: (r) => (r.signedAt ? shanghaiDateTime(r.signedAt) : '') },
  { header: '版本', width: 6, align: 'center', value: (r) => r.versionNo ?? '' },
  { header: '认证方式', width: 12, value: (r) => (r.authMethod === 'password' ? '账号密码' : r.authMethod === 'link' ? '签署链接' : '') },
  { header: '核验码', width: 18, type: 'text', value: (r) => r.verificationCode ?? '' },
];

export async function buildSignerWorkbook(
  campaign: { title: string; dueDate: string; versionNo: number },
  rows: SignerRow[],
  meta: { generatedAt: Date; generatedBy: string },
): Promise<Uint8Array> {
  const wb = newWorkbook(meta.generatedAt);
  const counts = { signed: 0, pending: 0, overdue: 0 };
  for (const r of rows) counts[r.status]++;
  addTableSheet(wb, '签署名单', COLUMNS, rows, {
    title: `${campaign.title} 签署名单`,
    subtitles: [`截止日期 ${campaign.dueDate} · 现行第 ${campaign.versionNo} 版 · 已签署 ${counts.signed} 人，待签署 ${counts.pending} 人，逾期未签 ${counts.overdue} 人`],
    footer: [`${meta.generatedBy} 导出于 ${shanghaiDateTime(meta.generatedAt)}`],
  });
  return workbookBytes(wb);
}

export const signerWorkbookName = (campaign: { title: string }) => `签署名单-${campaign.title}.xlsx`;
