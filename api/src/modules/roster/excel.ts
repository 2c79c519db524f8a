// The roster workbook: the import template, reading an uploaded file into typed rows with every cell
// problem named by row and column, and the roster export (same layout, so an export can be edited and
// imported back). The workbook mechanics are the shared pieces in api/src/excel/; this file holds the
// roster's columns, code lists and row parser.
import {
  EDUCATION_LEVELS,
  POLITICAL_STATUSES,
  type Committee,
  type EducationLevel,
  type Gender,
  type PoliticalStatus,
  type Position,
  type PostHow,
} from '@qingfeng/db';
import { addTableSheet, newWorkbook, type SheetColumn } from '../../excel/export.ts';
import { chineseDate } from '../../time.ts';
import { combinedHow, combinedPosts, departure, earliestStart, rosterByPerson, type BookEntry } from './book.ts';
import { buildImportTemplate, lookup, readImportSheet, type ImportColumn, type ImportProblem, type Lookup, type ParsedSheet as SharedParsedSheet, type RowReader } from '../../excel/import.ts';
import { idChecksumChar, parseIdNumber } from './identity.ts';
import { codeLabel, COMMITTEE_LABELS, committeeName, EDUCATION_LABELS, ETHNICITY_LIST, ethnicityLabel, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from './labels.ts';
import { isValidPosition, positionLabel } from './rules.ts';
import type { RosterRow } from './queries.ts';

export type { ImportProblem } from '../../excel/import.ts';

// ---- layout ----

type ListName = 'gender' | 'ethnicity' | 'political' | 'education' | 'veteran' | 'committee' | 'position' | 'how';

export type ImportColumnKey =
  | 'village'
  | 'ordinal'
  | 'electionDate'
  | 'name'
  | 'gender'
  | 'idNumber'
  | 'birthDate'
  | 'ethnicity'
  | 'politicalStatus'
  | 'partyJoinDate'
  | 'educationFullTime'
  | 'educationHighest'
  | 'phone'
  | 'isVeteran'
  | 'committee'
  | 'position'
  | 'startDate'
  | 'endDate'
  | 'endReason'
  | 'how';

/** One row per post. The header text is what the importer looks for (order does not matter). */
export const IMPORT_COLUMNS: readonly (ImportColumn<ImportColumnKey> & { list?: ListName })[] = [
  { key: 'village', header: '村（社区）', width: 16, required: true, note: '须与系统中辖区内村（社区）的名称一致' },
  { key: 'ordinal', header: '届次', width: 7, required: true, note: '数字，如 11 表示第十一届' },
  { key: 'electionDate', text: true, header: '换届日期', width: 12, required: true, note: '该届选举产生之日，格式 2021-05-10；新建的届次从这一天开始' },
  { key: 'name', header: '姓名', width: 10, required: true, note: '' },
  { key: 'gender', header: '性别', width: 6, required: true, list: 'gender', note: '从下拉列表选择；须与身份号码一致' },
  { key: 'idNumber', text: true, header: '公民身份号码', width: 21, required: true, note: '18 位，按文本填写；校验位、出生日期、性别都会核对。同一人多条任职填同一号码' },
  { key: 'birthDate', text: true, header: '出生日期', width: 12, required: false, note: '可不填，按身份号码自动取得；填写的须与身份号码一致' },
  { key: 'ethnicity', header: '民族', width: 9, required: true, list: 'ethnicity', note: '从下拉列表选择' },
  { key: 'politicalStatus', header: '政治面貌', width: 13, required: true, list: 'political', note: '从下拉列表选择' },
  { key: 'partyJoinDate', text: true, header: '入党时间', width: 12, required: false, note: '党员填写，格式 2001-07-01' },
  { key: 'educationFullTime', header: '全日制学历', width: 14, required: false, list: 'education', note: '从下拉列表选择' },
  { key: 'educationHighest', header: '最高学历', width: 14, required: true, list: 'education', note: '从下拉列表选择；统计“大专及以上”按最高学历' },
  { key: 'phone', text: true, header: '联系电话', width: 14, required: false, note: '' },
  { key: 'isVeteran', header: '退役军人', width: 9, required: false, list: 'veteran', note: '是 / 否' },
  { key: 'committee', header: '班子', width: 16, required: true, list: 'committee', note: '党组织委员会 或 村（居）民委员会' },
  { key: 'position', header: '职务', width: 8, required: true, list: 'position', note: '党组织：书记、副书记、委员；村（居）委会：主任、副主任、委员' },
  { key: 'startDate', text: true, header: '任职开始', width: 12, required: false, note: '可不填，默认为换届日期' },
  { key: 'endDate', text: true, header: '任职结束', width: 12, required: false, note: '离任之日（当天起不再任职）；在任的不填' },
  { key: 'endReason', header: '离任原因', width: 12, required: false, note: '如 辞职、调离、届满' },
  { key: 'how', header: '产生方式', width: 10, required: false, list: 'how', note: '换届选举、补选 或 任命；不填默认为换届选举' },
];

/** Columns the export adds after the import columns; the importer ignores them. */
export const EXPORT_EXTRA_COLUMNS = [
  { header: '年龄', width: 6 },
  { header: '主职干部', width: 9 },
  { header: '一肩挑', width: 8 },
  { header: '交叉任职', width: 9 },
] as const;

export const ROSTER_SHEET = '花名册';
const POSITION_WORDS = ['书记', '副书记', '主任', '副主任', '委员'] as const;
const YES_NO = ['是', '否'] as const;

function listValues(): Record<ListName, readonly string[]> {
  return {
    gender: Object.values(GENDER_LABELS),
    ethnicity: ETHNICITY_LIST.map(([, name]) => name),
    political: POLITICAL_STATUSES.map((s) => POLITICAL_STATUS_LABELS[s]),
    education: EDUCATION_LEVELS.map((e) => EDUCATION_LABELS[e]),
    veteran: YES_NO,
    committee: Object.values(COMMITTEE_LABELS),
    position: POSITION_WORDS,
    how: Object.values(POST_HOW_LABELS),
  };
}

/**
 * A fictional person with a valid checksum, for the example sheet. 990101 is no region code in GB/T 2260,
 * so the example can never be somebody's real number.
 */
export function exampleIdNumber(): string {
  const first17 = '99010119850312' + '123';
  return first17 + idChecksumChar(first17);
}

/** The import template: the roster sheet with drop-downs, the instructions, an example and the code lists. */
export async function buildTemplate(): Promise<Buffer> {
  return buildImportTemplate({
    sheet: ROSTER_SHEET,
    columns: IMPORT_COLUMNS,
    lists: listValues(),
    help: {
      title: '村（社区）“两委”成员花名册 导入说明',
      lines: [
        `1. 在“${ROSTER_SHEET}”工作表中填写，每行一条任职：同一人在党组织和村（居）委会都任职的，填两行。`,
        '2. 红色列名为必填项；带下拉列表的列请从列表中选择。日期格式为 2021-05-10。',
        '3. 公民身份号码按文本填写 18 位（末位可为 X），系统核对校验位，并核对出生日期、性别是否与号码一致。',
        '4. 人员按公民身份号码匹配：系统中已有的人员会按表中信息更新（表中留空的可选项不改动原有信息）。',
        '5. 届次按“村（社区）+届次”匹配；系统中没有的届次会新建，届期从换届日期开始，并结束上一届（上一届仍在任的职务同时结束）。',
        '6. 任职按“人员+届次+班子+职务+任职开始”匹配；同一文件重复导入不会产生重复数据。',
        '7. 系统核对：同一时间只能有一名党组织书记、一名村（居）委会主任；同一人在同一班子不能同时担任两个职务；任职须在届期之内，结束日期须晚于开始日期。',
        '8. 导入前先“预览”：列出将新增、更新的数据和全部问题（行号和列名）。只要有一个问题，整个文件都不会导入。',
        '9. 导出的花名册与本模板格式相同，可修改后重新导入；其后的“年龄、主职干部、一肩挑、交叉任职”列为系统计算，导入时忽略。',
      ],
    },
    example: [
      [
        '示例村',
        11,
        '2021-05-10',
        '张示例',
        '男',
        exampleIdNumber(),
        '1985-03-12',
        '汉族',
        '中共党员',
        '2008-07-01',
        '高中',
        '大学专科',
        '13800000000',
        '否',
        COMMITTEE_LABELS.party,
        '书记',
        '2021-05-10',
        '',
        '',
        '换届选举',
      ],
    ],
  });
}

// ---- reading ----

export interface ImportPerson {
  name: string;
  gender: Gender;
  idNumber: string;
  birthDate: string;
  ethnicity: string;
  politicalStatus: PoliticalStatus;
  /** null = the cell was empty (an existing person keeps what they have). */
  partyJoinDate: string | null;
  educationFullTime: EducationLevel | null;
  educationHighest: EducationLevel;
  phone: string | null;
  isVeteran: boolean | null;
}

export interface ImportRow {
  row: number;
  village: string;
  ordinal: number;
  electionDate: string;
  person: ImportPerson;
  committee: Committee;
  position: Position;
  /** null = empty: defaults to the term's start. */
  startDate: string | null;
  endDate: string | null;
  endReason: string | null;
  /** null = empty: a new post is 换届选举; an existing post keeps what it has. */
  how: PostHow | null;
}

export type ParsedSheet = SharedParsedSheet<ImportRow>;

export const HEADER = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header])) as Record<ImportColumnKey, string>;

const GENDER_BY_TEXT = lookup([
  ['男', 'male'],
  ['女', 'female'],
]);
const EDUCATION_BY_TEXT = lookup([
  ...EDUCATION_LEVELS.map((e) => [EDUCATION_LABELS[e], e] as const),
  ['博士', 'doctorate'],
  ['博士研究生', 'doctorate'],
  ['硕士', 'master'],
  ['硕士研究生', 'master'],
  ['本科', 'bachelor'],
  ['大专', 'associate'],
  ['专科', 'associate'],
  ['中专', 'secondary_vocational'],
  ['中技', 'secondary_vocational'],
  ['技校', 'secondary_vocational'],
  ['职高', 'secondary_vocational'],
  ['小学', 'primary_or_below'],
]);
const POLITICAL_BY_TEXT = lookup([
  ...POLITICAL_STATUSES.map((s) => [POLITICAL_STATUS_LABELS[s], s] as const),
  ['党员', 'cpc_member'],
  ['预备党员', 'cpc_probationary'],
  ['团员', 'cyl_member'],
  ['无党派', 'non_party'],
]);
const ETHNICITY_BY_TEXT = lookup(
  ETHNICITY_LIST.flatMap(([code, name]) => [
    [name, code] as const,
    [code, code] as const,
    ...(name.endsWith('族') && name.length > 2 ? [[name.slice(0, -1), code] as const] : []),
  ]),
);
const COMMITTEE_BY_TEXT = lookup([
  [COMMITTEE_LABELS.party, 'party'],
  [COMMITTEE_LABELS.residents, 'residents'],
  ['党组织', 'party'],
  ['党委', 'party'],
  ['党总支', 'party'],
  ['党支部', 'party'],
  ['村党组织', 'party'],
  ['社区党组织', 'party'],
  ['村民委员会', 'residents'],
  ['居民委员会', 'residents'],
  ['村委会', 'residents'],
  ['居委会', 'residents'],
  ['村(居)委会', 'residents'],
]);
const POSITION_BY_TEXT: Record<Committee, Lookup> = {
  party: lookup([...Object.entries(POSITION_LABELS.party).map(([k, v]) => [v, k] as const), ['成员', 'member']]),
  residents: lookup([...Object.entries(POSITION_LABELS.residents).map(([k, v]) => [v, k] as const), ['成员', 'member']]),
};
const HOW_BY_TEXT = lookup([...Object.entries(POST_HOW_LABELS).map(([k, v]) => [v, k] as const), ['选举', 'elected'], ['委派', 'appointed']]);
const YES_NO_BY_TEXT = lookup([
  ['是', 'true'],
  ['否', 'false'],
  ['Y', 'true'],
  ['N', 'false'],
]);

export const MAX_IMPORT_ROWS = 200_000;

/** Reads the roster sheet: typed rows for the planner and every cell-level problem. */
export async function parseRosterWorkbook(data: ArrayBuffer | Uint8Array): Promise<ParsedSheet> {
  return readImportSheet(data, { sheet: ROSTER_SHEET, columns: IMPORT_COLUMNS, maxRows: MAX_IMPORT_ROWS, parseRow });
}

function parseRow(r: RowReader<ImportColumnKey>, problems: ImportProblem[]): ImportRow | null {
  const before = problems.length;
  const { get, problem, text, required, coded, date } = r;
  const rowNumber = r.row;
  const village = required('village', text('village', 60));
  let ordinal: number | null = null;
  const ordinalRaw = get('ordinal');
  if (ordinalRaw === null) problem('ordinal', '必填');
  else {
    const m = /^第?\s*(\d{1,3})\s*届?$/.exec(String(ordinalRaw).trim());
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 999) problem('ordinal', `“${String(ordinalRaw)}”不是有效的届次，应填数字，如 11`);
    else ordinal = n;
  }
  const electionDate = required('electionDate', date('electionDate'));
  const name = required('name', text('name', 40));

  // The ID number: a number-typed cell has already lost its last digits in Excel.
  let idNumber: string | null = null;
  let idFacts: { birthDate: string; gender: Gender } | null = null;
  const idRaw = get('idNumber');
  if (idRaw === null) problem('idNumber', '必填');
  else if (typeof idRaw === 'number') problem('idNumber', '公民身份号码被 Excel 存成了数字，末几位可能已丢失：请把该列设为文本后重新填写');
  else {
    const parsed = parseIdNumber(String(idRaw));
    if (!parsed.ok) problem('idNumber', parsed.message);
    else {
      idNumber = parsed.value;
      idFacts = parsed.facts;
    }
  }
  // Gender and birth date: when given they must match the ID number; when empty they come from it.
  let gender = coded('gender', GENDER_BY_TEXT, '性别') as Gender | null;
  let birthDate = date('birthDate');
  if (idFacts) {
    if (gender === null && get('gender') === null) gender = idFacts.gender;
    else if (gender !== null && gender !== idFacts.gender) problem('gender', `性别与公民身份号码不一致（号码中为${GENDER_LABELS[idFacts.gender]}）`);
    if (birthDate === null && get('birthDate') === null) birthDate = idFacts.birthDate;
    else if (birthDate !== null && birthDate !== idFacts.birthDate) problem('birthDate', `出生日期与公民身份号码不一致（号码中为 ${idFacts.birthDate}）`);
  } else if (idRaw !== null) {
    // Already reported on the ID number.
  }
  if (gender === null && get('gender') === null && !idFacts) problem('gender', '必填');

  const ethnicity = required('ethnicity', coded('ethnicity', ETHNICITY_BY_TEXT, '民族'));
  const politicalStatus = required('politicalStatus', coded('politicalStatus', POLITICAL_BY_TEXT, '政治面貌')) as PoliticalStatus | null;
  const partyJoinDate = date('partyJoinDate');
  const educationFullTime = coded('educationFullTime', EDUCATION_BY_TEXT, '学历') as EducationLevel | null;
  const educationHighest = required('educationHighest', coded('educationHighest', EDUCATION_BY_TEXT, '学历')) as EducationLevel | null;
  let phone = text('phone', 20);
  if (phone !== null && !/^[0-9+\-() ]{5,20}$/.test(phone)) {
    problem('phone', `“${phone}”不是有效的电话号码`);
    phone = null;
  }
  const veteranCode = coded('isVeteran', YES_NO_BY_TEXT, '“是/否”');
  const isVeteran = veteranCode === null ? null : veteranCode === 'true';

  const committee = required('committee', coded('committee', COMMITTEE_BY_TEXT, '班子')) as Committee | null;
  let position: Position | null = null;
  const positionRaw = get('position');
  if (positionRaw === null) problem('position', '必填');
  else if (committee) {
    const code = POSITION_BY_TEXT[committee].get(String(positionRaw));
    if (code === undefined || !isValidPosition(committee, code))
      problem('position', `${COMMITTEE_LABELS[committee]}没有“${String(positionRaw)}”这一职务（可选：${Object.values(POSITION_LABELS[committee]).join('、')}）`);
    else position = code as Position;
  }
  const startDate = date('startDate');
  const endDate = date('endDate');
  const endReason = text('endReason', 100);
  const how = coded('how', HOW_BY_TEXT, '产生方式') as PostHow | null;

  if (problems.length > before) return null;
  return {
    row: rowNumber,
    village: village!,
    ordinal: ordinal!,
    electionDate: electionDate!,
    person: {
      name: name!,
      gender: gender!,
      idNumber: idNumber!,
      birthDate: birthDate!,
      ethnicity: ethnicity!,
      politicalStatus: politicalStatus!,
      partyJoinDate,
      educationFullTime,
      educationHighest: educationHighest!,
      phone,
      isVeteran,
    },
    committee: committee!,
    position: position!,
    startDate,
    endDate,
    endReason,
    how,
  };
}

// ---- export ----

export interface VillageCounts {
  org_unit_id: number;
  org_name: string;
  term_ordinal: number | null;
  election_date: string | null;
  members: number;
  party: number;
  residents: number;
  cross_serving: number;
  dual_role: boolean;
  female: number;
  age35_or_under: number;
  party_members: number;
  college_or_above: number;
}

export interface RosterTotals {
  villages_with_term: number;
  dual_role_villages: number;
  members: number;
  party: number;
  residents: number;
  cross_serving: number;
  female: number;
  age35_or_under: number;
  party_members: number;
  college_or_above: number;
}

const yes = (b: boolean) => (b ? '是' : '');

/** The roster sheet's columns: the import columns in the template's order, then the computed ones. */
const ROSTER_EXPORT_VALUES: Record<ImportColumnKey, (r: RosterRow) => string | number | null> = {
  village: (r) => r.org_name,
  ordinal: (r) => r.term_ordinal,
  electionDate: (r) => r.election_date,
  name: (r) => r.name,
  gender: (r) => codeLabel(GENDER_LABELS, r.gender) ?? r.gender,
  idNumber: (r) => r.id_number,
  birthDate: (r) => r.birth_date,
  ethnicity: (r) => ethnicityLabel(r.ethnicity),
  politicalStatus: (r) => codeLabel(POLITICAL_STATUS_LABELS, r.political_status) ?? r.political_status,
  partyJoinDate: (r) => r.party_join_date,
  educationFullTime: (r) => (r.education_full_time ? (codeLabel(EDUCATION_LABELS, r.education_full_time) ?? r.education_full_time) : null),
  educationHighest: (r) => codeLabel(EDUCATION_LABELS, r.education_highest) ?? r.education_highest,
  phone: (r) => r.phone,
  isVeteran: (r) => (r.is_veteran ? '是' : '否'),
  committee: (r) => committeeName(r.committee, r.org_kind),
  position: (r) => positionLabel(r.committee, r.position),
  startDate: (r) => r.start_date,
  endDate: (r) => r.end_date,
  endReason: (r) => r.end_reason,
  how: (r) => codeLabel(POST_HOW_LABELS, r.how) ?? r.how,
};
const EXPORT_EXTRA_VALUES: ((r: RosterRow) => string | number)[] = [(r) => r.age, (r) => yes(r.principal), (r) => yes(r.dualRole), (r) => yes(r.crossServing)];

const ROSTER_EXPORT_COLUMNS: SheetColumn<RosterRow>[] = [
  ...IMPORT_COLUMNS.map((c): SheetColumn<RosterRow> => ({
    header: c.header,
    width: c.width,
    ...(c.key.endsWith('Date') ? { type: 'date' as const } : c.text ? { type: 'text' as const } : {}),
    value: ROSTER_EXPORT_VALUES[c.key],
  })),
  ...EXPORT_EXTRA_COLUMNS.map((c, i): SheetColumn<RosterRow> => ({ header: c.header, width: c.width, value: EXPORT_EXTRA_VALUES[i]! })),
];

/** The office 花名册 sheet: one row per person and village, posts combined. */
const BOOK_COLUMNS: SheetColumn<BookEntry>[] = [
  { header: '序号', width: 6, align: 'center', value: (_e, i) => i + 1 },
  { header: '村（社区）', width: 14, value: (e) => e.first.org_name },
  { header: '姓名', width: 10, align: 'center', value: (e) => e.first.name },
  { header: '性别', width: 6, align: 'center', value: (e) => codeLabel(GENDER_LABELS, e.first.gender) ?? e.first.gender },
  { header: '民族', width: 8, align: 'center', value: (e) => ethnicityLabel(e.first.ethnicity) },
  { header: '出生日期', width: 12, type: 'date', align: 'center', value: (e) => e.first.birth_date },
  { header: '年龄', width: 6, align: 'center', value: (e) => e.first.age },
  { header: '政治面貌', width: 12, align: 'center', value: (e) => codeLabel(POLITICAL_STATUS_LABELS, e.first.political_status) ?? e.first.political_status },
  { header: '入党时间', width: 12, type: 'date', align: 'center', value: (e) => e.first.party_join_date },
  { header: '学历（最高）', width: 14, align: 'center', value: (e) => codeLabel(EDUCATION_LABELS, e.first.education_highest) ?? e.first.education_highest },
  { header: '职务', width: 24, wrap: true, value: (e) => combinedPosts(e.posts, e.first.org_kind) },
  { header: '任职时间', width: 12, type: 'date', align: 'center', value: (e) => earliestStart(e.posts) },
  { header: '产生方式', width: 12, align: 'center', value: (e) => combinedHow(e.posts) },
  { header: '离任时间', width: 12, type: 'date', align: 'center', value: (e) => departure(e.posts).date },
  { header: '离任原因', width: 12, value: (e) => departure(e.posts).reason },
  { header: '联系电话', width: 14, type: 'text', value: (e) => e.first.phone },
  { header: '公民身份号码', width: 21, type: 'text', value: (e) => e.first.id_number },
  { header: '一肩挑/交叉任职', width: 12, align: 'center', value: (e) => (e.first.dualRole ? '一肩挑' : e.first.crossServing ? '交叉任职' : '') },
];

const SUMMARY_HEADERS = ['村（社区）', '届次', '换届日期', '两委成员', '党组织委员会', '村（居）民委员会', '交叉任职', '一肩挑', '女性', '35岁及以下', '党员', '大专及以上'];

/**
 * The roster export: the office 花名册 (title, one row per person, signature block, print set-up), the
 * roster sheet in the template's layout (one row per post: edit and import it back), and the 汇总 with
 * its as-of date (the report counts the same way on the same date).
 */
export async function buildRosterExport(o: {
  title: string;
  orgName: string;
  asOf: string;
  /** Beijing date the file is made (signature block). */
  madeOn: string;
  rows: readonly RosterRow[];
  villages: readonly VillageCounts[];
  total: RosterTotals;
}): Promise<Buffer> {
  const wb = newWorkbook();
  const book = rosterByPerson(o.rows);
  addTableSheet(wb, '两委成员花名册', BOOK_COLUMNS, book, {
    title: o.title,
    subtitles: [`截至${chineseDate(o.asOf)}　共${new Set(book.map((e) => e.first.person_id)).size}人`],
    footer: ['', `制表单位：${o.orgName}　　　　制表人：　　　　　　　　审核人：　　　　　　　　日期：${chineseDate(o.madeOn)}`],
  });
  // Header in row 1, as in the template, so that the file imports back.
  addTableSheet(wb, ROSTER_SHEET, ROSTER_EXPORT_COLUMNS, o.rows, { print: false });

  const summaryColumns: SheetColumn<VillageCounts>[] = [
    { header: SUMMARY_HEADERS[0]!, width: 18, value: (v) => v.org_name },
    { header: SUMMARY_HEADERS[1]!, width: 12, value: (v) => (v.term_ordinal === null ? '无在任届次' : `第${v.term_ordinal}届`) },
    { header: SUMMARY_HEADERS[2]!, width: 12, type: 'date', value: (v) => v.election_date },
    { header: SUMMARY_HEADERS[3]!, width: 10, value: (v) => v.members },
    { header: SUMMARY_HEADERS[4]!, width: 12, value: (v) => v.party },
    { header: SUMMARY_HEADERS[5]!, width: 14, value: (v) => v.residents },
    { header: SUMMARY_HEADERS[6]!, width: 10, value: (v) => v.cross_serving },
    { header: SUMMARY_HEADERS[7]!, width: 8, value: (v) => (v.term_ordinal === null ? '' : v.dual_role ? '是' : '否') },
    { header: SUMMARY_HEADERS[8]!, width: 8, value: (v) => v.female },
    { header: SUMMARY_HEADERS[9]!, width: 12, value: (v) => v.age35_or_under },
    { header: SUMMARY_HEADERS[10]!, width: 8, value: (v) => v.party_members },
    { header: SUMMARY_HEADERS[11]!, width: 12, value: (v) => v.college_or_above },
  ];
  const t = o.total;
  addTableSheet(wb, '汇总', summaryColumns, o.villages, {
    title: `${o.title}　汇总`,
    subtitles: [
      `统计时点：截至${chineseDate(o.asOf)}，按当日在任的任职统计（班子结构分析选择同一截至日期时，数字与此一致）`,
      '合计按人数去重（同一人在两个村（社区）任职只计一次）',
    ],
    // Persons are counted once across the subtree (someone on two villages' committees counts once).
    ...(o.villages.length > 1 && {
      totals: [['合计', `${t.villages_with_term}个有在任届次`, null, t.members, t.party, t.residents, t.cross_serving, `${t.dual_role_villages}个`, t.female, t.age35_or_under, t.party_members, t.college_or_above]],
    }),
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
