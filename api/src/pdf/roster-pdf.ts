// 花名册: the two committees of one village (or of every village in a subtree, one section each) on a
// date, party committee first, each in position order. Data from the roster module's getVillageRosterRows
// (ID numbers already masked there for roles that do not maintain rosters).
import type { OrgKind } from '@qingfeng/db';
import type { RosterRow } from '../modules/roster/queries.ts';
import { codeLabel, committeeName, EDUCATION_LABELS, ethnicityLabel, GENDER_LABELS, POLITICAL_STATUS_LABELS } from '../modules/roster/labels.ts';
import type { PdfBuilder } from './document.ts';
import { chineseDate } from '../time.ts';
import { drawRegister, type RegisterSpec } from './register.ts';
import type { TableColumn } from './table.ts';
import { combinedHow, combinedPosts, earliestStart, rosterByPerson } from '../modules/roster/book.ts';

/** One printed row: exactly what the page shows (and what the content hash covers). */
export interface RosterLine {
  name: string;
  gender: string;
  /** 出生年月, 'YYYY.MM'. */
  born: string;
  age: number;
  ethnicity: string;
  politicalStatus: string;
  education: string;
  /** The person's posts on the date, combined: 党组织书记、村委会主任. */
  posts: string;
  /** 任职时间: the earliest start of those posts, 'YYYY.MM.DD'. */
  since: string;
  /** 产生方式, combined. */
  how: string;
  /** Full or masked, as the viewer may see it. */
  idNumber: string;
  /** 一肩挑 / 交叉任职, or ''. */
  marks: string;
}

export interface RosterSection {
  orgId: number;
  name: string;
  kind: OrgKind;
  /** Null when the village has no term in force on the date. */
  term: { ordinal: number; electionDate: string } | null;
  lines: RosterLine[];
  summary: { members: number; party: number; residents: number; dualRoleHolder: string | null; crossServing: number };
}

export interface RosterDocument {
  org: { id: number; name: string; kind: OrgKind };
  asOf: string;
  sections: RosterSection[];
}

export function rosterTitle(org: { name: string; kind: OrgKind }): string {
  if (org.kind === 'village') return `${org.name}“两委”成员花名册`;
  if (org.kind === 'community') return `${org.name}“两委”成员花名册`;
  return `${org.name}村（社区）“两委”成员花名册`;
}

export { chineseDate } from '../time.ts';


/**
 * Shapes the roster module's rows into sections: one per village in `villages` order (villages with no
 * term in force still get a section, saying so), rows in the order the query gives them.
 */
export function buildRosterDocument(
  org: RosterDocument['org'],
  asOf: string,
  villages: readonly { id: number; name: string; kind: OrgKind; active: boolean }[],
  rows: readonly RosterRow[],
): RosterDocument {
  const byOrg = new Map<number, RosterRow[]>();
  for (const r of rows) {
    let list = byOrg.get(r.org_unit_id);
    if (!list) byOrg.set(r.org_unit_id, (list = []));
    list.push(r);
  }
  const sections: RosterSection[] = [];
  for (const v of villages) {
    const list = byOrg.get(v.id) ?? [];
    if (!v.active && list.length === 0) continue;
    const first = list[0];
    const persons = new Map<number, RosterRow>();
    for (const r of list) persons.set(r.person_id, r);
    const dual = list.find((r) => r.dualRole);
    const entries = rosterByPerson(list);
    sections.push({
      orgId: v.id,
      name: v.name,
      kind: v.kind,
      term: first ? { ordinal: first.term_ordinal, electionDate: first.election_date } : null,
      lines: entries.map(({ first: r, posts }) => ({
        name: r.name,
        gender: codeLabel(GENDER_LABELS, r.gender) ?? r.gender,
        born: r.birth_date.slice(0, 7).replace('-', '.'),
        age: r.age,
        ethnicity: ethnicityLabel(r.ethnicity),
        politicalStatus: codeLabel(POLITICAL_STATUS_LABELS, r.political_status) ?? r.political_status,
        education: codeLabel(EDUCATION_LABELS, r.education_highest) ?? r.education_highest,
        posts: combinedPosts(posts, v.kind),
        since: earliestStart(posts).replaceAll('-', '.'),
        how: combinedHow(posts),
        idNumber: r.id_number,
        marks: r.dualRole ? '一肩挑' : r.crossServing ? '交叉任职' : '',
      })),
      summary: {
        members: persons.size,
        party: list.filter((r) => r.committee === 'party').length,
        residents: list.filter((r) => r.committee === 'residents').length,
        dualRoleHolder: dual?.name ?? null,
        crossServing: [...persons.values()].filter((r) => r.crossServing).length,
      },
    });
  }
  return { org, asOf, sections };
}

export const ROSTER_COLUMNS: TableColumn<RosterLine>[] = [
  { header: '序号', width: 3.2, align: 'center', value: (_r, i) => String(i + 1) },
  { header: '姓名', width: 6, align: 'center', value: (r) => r.name },
  { header: '性别', width: 3, align: 'center', value: (r) => r.gender },
  { header: '出生年月', width: 5.5, align: 'center', value: (r) => r.born },
  { header: '年龄', width: 3, align: 'center', value: (r) => String(r.age) },
  { header: '民族', width: 4, align: 'center', value: (r) => r.ethnicity },
  { header: '政治面貌', width: 5.5, align: 'center', value: (r) => r.politicalStatus },
  { header: '学历\n（最高）', width: 6.5, align: 'center', value: (r) => r.education },
  { header: '职务', width: 13, align: 'center', wrap: true, value: (r) => r.posts },
  { header: '任职时间', width: 5.5, align: 'center', value: (r) => r.since },
  { header: '产生方式', width: 5, align: 'center', value: (r) => r.how },
  { header: '公民身份号码', width: 11, align: 'center', value: (r) => r.idNumber },
  { header: '一肩挑/\n交叉任职', width: 5, align: 'center', value: (r) => r.marks },
];

/** The signature block under an office register: 制表单位 / 制表人 / 审核人 / 日期. */
export function signatureLine(orgName: string, madeOn: string): string {
  return `制表单位：${orgName}　　　　制表人：　　　　　　　　审核人：　　　　　　　　日期：${chineseDate(madeOn)}`;
}

function termText(term: RosterSection['term']): string {
  return term ? `第${term.ordinal}届（${chineseDate(term.electionDate)}换届）` : '无在届班子';
}

function summaryText(s: RosterSection['summary'], kind: OrgKind): string {
  const parts = [`“两委”成员${s.members}名（党组织委员会${s.party}人、${committeeName('residents', kind)}${s.residents}人）`];
  parts.push(s.dualRoleHolder ? `“一肩挑”：${s.dualRoleHolder}` : '未实行“一肩挑”');
  parts.push(`交叉任职${s.crossServing}名`);
  return parts.join('；');
}

/** The roster as a register: title, then per village a heading (when several), a summary line and the table. */
export function rosterRegister(data: RosterDocument, madeOn?: string): RegisterSpec<RosterLine> {
  const single = data.sections.length === 1 && data.sections[0]!.orgId === data.org.id;
  return {
    title: rosterTitle(data.org),
    filters: single ? [`${termText(data.sections[0]!.term)}　截至${chineseDate(data.asOf)}`] : [`截至${chineseDate(data.asOf)}　共${data.sections.length}个村（社区）`],
    columns: ROSTER_COLUMNS,
    noSectionsText: '范围内没有村（社区）。',
    ...(madeOn && { footer: [signatureLine(data.org.name, madeOn)] }),
    sections: data.sections.map((section) => ({
      ...(!single && { heading: `${section.name}　${termText(section.term)}`, continuation: `${section.name}（续）` }),
      ...(section.term && { summary: summaryText(section.summary, section.kind) }),
      rows: section.lines,
      emptyText: section.term ? '截至该日无在任成员' : '截至该日无在届班子',
    })),
  };
}

/** Draws the roster (see rosterRegister). */
export async function drawRoster(pdf: PdfBuilder, data: RosterDocument): Promise<void> {
  await drawRegister(pdf, rosterRegister(data));
}
