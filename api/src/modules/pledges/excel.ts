// The signer list of a campaign as .xlsx.
import ExcelJS from 'exceljs';
import { AUTH_METHOD_LABELS, PERSON_CATEGORY_LABELS, SIGNER_STATUS_LABELS } from './rules.ts';
import { shanghaiDateTime } from '../../pdf/hash.ts';

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

export async function buildSignerWorkbook(
  campaign: { title: string; dueDate: string; versionNo: number },
  rows: SignerRow[],
  meta: { generatedAt: Date; generatedBy: string },
): Promise<Uint8Array<ArrayBuffer>> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风 Qingfeng';
  const ws = wb.addWorksheet('签署名单', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.columns = [{ width: 6 }, { width: 12 }, { width: 18 }, { width: 14 }, { width: 10 }, { width: 10 }, { width: 18 }, { width: 8 }, { width: 16 }, { width: 18 }];
  ws.mergeCells(1, 1, 1, 10);
  ws.getCell(1, 1).value = `${campaign.title} 签署名单`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.mergeCells(2, 1, 2, 10);
  ws.getCell(2, 1).value = `截止日期 ${campaign.dueDate} · 现行第 ${campaign.versionNo} 版 · ${meta.generatedBy} 导出于 ${shanghaiDateTime(meta.generatedAt)}`;
  const header = ws.getRow(3);
  header.values = ['序号', '姓名', '单位', '身份类别', '状态', '系统账号', '签署时间', '版本', '认证方式', '核验码'];
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  rows.forEach((r, i) => {
    ws.addRow([
      i + 1,
      r.name,
      r.orgName,
      PERSON_CATEGORY_LABELS[r.category],
      SIGNER_STATUS_LABELS[r.status],
      r.hasAccount ? '有' : '无',
      r.signedAt ? shanghaiDateTime(r.signedAt) : '',
      r.versionNo ?? '',
      r.authMethod ? (r.authMethod === 'password' ? '账号密码' : '签署链接') : '',
      r.verificationCode ?? '',
    ]);
  });
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3 + rows.length, column: 10 } };
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export function signerWorkbookDisposition(campaign: { id: number; title: string }): string {
  const name = `签署名单-${campaign.title}.xlsx`;
  return `attachment; filename="pledge-signers-${campaign.id}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
