// The roster workbook (exceljs): the import template, reading an uploaded file into typed rows
// with every cell problem named by row and column, and the roster export (same layout, so an
// export can be edited and imported back).
import ExcelJS from 'exceljs';
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
import { idChecksumChar, isValidDate, parseIdNumber } from './identity.ts';
import { codeLabel, COMMITTEE_LABELS, EDUCATION_LABELS, ETHNICITIES, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from './labels.ts';
import { isValidPosition, positionLabel } from './rules.ts';
import { readXlsxSheet, XlsxReadError, type XlsxCell, type XlsxSheet } from './xlsx-reader.ts';
import { AppError } from '../../http/errors.ts';
import type { RosterRow } from './queries.ts';

// ---- layout ----

type ListName = 'gender' | 'ethnicity' | 'political' | 'education' | 'veteran' | 'committee' | 'position' | 'how';

interface ColumnDef {
  key: ImportColumnKey;
  header: string;
  width: number;
  required: boolean;
  list?: ListName;
  note: string;
}

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
export const IMPORT_COLUMNS: readonly ColumnDef[] = [
  { key: 'village', header: '村（社区）', width: 16, required: true, note: '须与系统中辖区内村（社区）的名称一致' },
  { key: 'ordinal', header: '届次', width: 7, required: true, note: '数字，如 11 表示第十一届' },
  { key: 'electionDate', header: '换届日期', width: 12, required: true, note: '该届选举产生之日，格式 2021-05-10；新建的届次从这一天开始' },
  { key: 'name', header: '姓名', width: 10, required: true, note: '' },
  { key: 'gender', header: '性别', width: 6, required: true, list: 'gender', note: '从下拉列表选择；须与身份号码一致' },
  { key: 'idNumber', header: '公民身份号码', width: 21, required: true, note: '18 位，按文本填写；校验位、出生日期、性别都会核对。同一人多条任职填同一号码' },
  { key: 'birthDate', header: '出生日期', width: 12, required: false, note: '可不填，按身份号码自动取得；填写的须与身份号码一致' },
  { key: 'ethnicity', header: '民族', width: 9, required: true, list: 'ethnicity', note: '从下拉列表选择' },
  { key: 'politicalStatus', header: '政治面貌', width: 13, required: true, list: 'political', note: '从下拉列表选择' },
  { key: 'partyJoinDate', header: '入党时间', width: 12, required: false, note: '党员填写，格式 2001-07-01' },
  { key: 'educationFullTime', header: '全日制学历', width: 14, required: false, list: 'education', note: '从下拉列表选择' },
  { key: 'educationHighest', header: '最高学历', width: 14, required: true, list: 'education', note: '从下拉列表选择；统计“大专及以上”按最高学历' },
  { key: 'phone', header: '联系电话', width: 14, required: false, note: '' },
  { key: 'isVeteran', header: '退役军人', width: 9, required: false, list: 'veteran', note: '是 / 否' },
  { key: 'committee', header: '班子', width: 16, required: true, list: 'committee', note: '党组织委员会 或 村（居）民委员会' },
  { key: 'position', header: '职务', width: 8, required: true, list: 'position', note: '党组织：书记、副书记、委员；村（居）委会：主任、副主任、委员' },
  { key: 'startDate', header: '任职开始', width: 12, required: false, note: '可不填，默认为换届日期' },
  { key: 'endDate', header: '任职结束', width: 12, required: false, note: '离任之日（当天起不再任职）；在任的不填' },
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
const LISTS_SHEET = '代码表';
const TEMPLATE_ROWS = 2000;

const POSITION_WORDS = ['书记', '副书记', '主任', '副主任', '委员'] as const;
const YES_NO = ['是', '否'] as const;

function listValues(): Record<ListName, readonly string[]> {
  return {
    gender: Object.values(GENDER_LABELS),
    ethnicity: Object.values(ETHNICITIES),
    political: POLITICAL_STATUSES.map((s) => POLITICAL_STATUS_LABELS[s]),
    education: EDUCATION_LEVELS.map((e) => EDUCATION_LABELS[e]),
    veteran: YES_NO,
    committee: Object.values(COMMITTEE_LABELS),
    position: POSITION_WORDS,
    how: Object.values(POST_HOW_LABELS),
  };
}

const colLetter = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : colLetter(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

function writeHeader(ws: ExcelJS.Worksheet, headers: readonly { header: string; width: number; required?: boolean }[]) {
  ws.columns = headers.map((h) => ({ header: h.header, width: h.width }));
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center' };
  headers.forEach((h, i) => {
    const cell = row.getCell(i + 1);
    cell.fill = HEADER_FILL;
    if (h.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** Text format for the columns Excel would otherwise mangle (ID numbers lose digits as numbers). */
function textColumns(ws: ExcelJS.Worksheet) {
  IMPORT_COLUMNS.forEach((c, i) => {
    if (c.key === 'idNumber' || c.key === 'phone' || c.key.endsWith('Date')) ws.getColumn(i + 1).numFmt = '@';
  });
}

/** A fictional person with a valid ID number, for the example sheet. */
function exampleIdNumber(): string {
  const first17 = '37030219850312' + '123';
  return first17 + idChecksumChar(first17);
}

/** The import template: the roster sheet with drop-downs, the instructions, an example and the code lists. */
export async function buildTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风';
  const ws = wb.addWorksheet(ROSTER_SHEET);
  const help = wb.addWorksheet('填写说明');
  const example = wb.addWorksheet('示例');
  const lists = wb.addWorksheet(LISTS_SHEET);

  writeHeader(ws, IMPORT_COLUMNS);
  textColumns(ws);

  // Drop-down lists read their values from the (hidden) code-list sheet: 民族 alone is far longer
  // than the 255 characters an inline list may have.
  const values = listValues();
  const listNames = Object.keys(values) as ListName[];
  const listRange: Partial<Record<ListName, string>> = {};
  listNames.forEach((name, i) => {
    const col = colLetter(i + 1);
    lists.getCell(`${col}1`).value = name;
    values[name].forEach((v, j) => {
      lists.getCell(`${col}${j + 2}`).value = v;
    });
    listRange[name] = `'${LISTS_SHEET}'!$${col}$2:$${col}$${values[name].length + 1}`;
  });
  lists.state = 'hidden';
  const validations = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  IMPORT_COLUMNS.forEach((c, i) => {
    if (!c.list) return;
    const col = colLetter(i + 1);
    validations.add(`${col}2:${col}${TEMPLATE_ROWS + 1}`, {
      type: 'list',
      allowBlank: !c.required,
      formulae: [listRange[c.list]],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: c.header,
      error: `请从下拉列表中选择${c.header}`,
    });
  });

  // Instructions.
  help.columns = [{ width: 16 }, { width: 8 }, { width: 90 }];
  help.addRow(['村（社区）“两委”成员花名册 导入说明']).font = { bold: true, size: 14 };
  help.addRow([]);
  for (const line of [
    `1. 在“${ROSTER_SHEET}”工作表中填写，每行一条任职：同一人在党组织和村（居）委会都任职的，填两行。`,
    '2. 红色列名为必填项；带下拉列表的列请从列表中选择。日期格式为 2021-05-10。',
    '3. 公民身份号码按文本填写 18 位（末位可为 X），系统核对校验位，并核对出生日期、性别是否与号码一致。',
    '4. 人员按公民身份号码匹配：系统中已有的人员会按表中信息更新（表中留空的可选项不改动原有信息）。',
    '5. 届次按“村（社区）+届次”匹配；系统中没有的届次会新建，届期从换届日期开始，并结束上一届（上一届仍在任的职务同时结束）。',
    '6. 任职按“人员+届次+班子+职务+任职开始”匹配；同一文件重复导入不会产生重复数据。',
    '7. 系统核对：同一时间只能有一名党组织书记、一名村（居）委会主任；同一人在同一班子不能同时担任两个职务；任职须在届期之内，结束日期须晚于开始日期。',
    '8. 导入前先“预览”：列出将新增、更新的数据和全部问题（行号和列名）。只要有一个问题，整个文件都不会导入。',
    '9. 导出的花名册与本模板格式相同，可修改后重新导入；其后的“年龄、主职干部、一肩挑、交叉任职”列为系统计算，导入时忽略。',
  ])
    help.addRow([line]);
  help.addRow([]);
  const head = help.addRow(['列名', '必填', '说明']);
  head.font = { bold: true };
  head.eachCell((cell) => {
    cell.fill = HEADER_FILL;
  });
  for (const c of IMPORT_COLUMNS) help.addRow([c.header, c.required ? '是' : '', c.note]);

  // An example row, on its own sheet so that it is never imported by mistake.
  writeHeader(example, IMPORT_COLUMNS);
  textColumns(example);
  example.addRow([
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
  ]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- reading ----

export interface ImportProblem {
  /** Excel row number (the header is row 1). */
  row: number;
  /** The column's header, in Chinese. */
  column: string;
  message: string;
}

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

export interface ParsedSheet {
  rows: ImportRow[];
  problems: ImportProblem[];
  /** Data rows seen (non-empty), including those with problems. */
  rowCount: number;
}

export const HEADER = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header])) as Record<ImportColumnKey, string>;

const normalise = (s: string) =>
  s
    .replace(/\s+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[*＊]/g, '');

/** A text → code map that finds the text as typed, or else after normalising it. */
class Lookup {
  private readonly map = new Map<string, string>();
  constructor(entries: readonly (readonly [string, string])[]) {
    for (const [k, v] of entries) {
      this.map.set(k, v);
      this.map.set(normalise(k), v);
    }
  }
  get(text: string): string | undefined {
    return this.map.get(text) ?? this.map.get(normalise(text));
  }
}
const lookup = (entries: readonly (readonly [string, string])[]) => new Lookup(entries);

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
  Object.entries(ETHNICITIES).flatMap(([code, name]) => [
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

const pad = (n: number) => String(n).padStart(2, '0');

type Cell = string | number | boolean | null;

/** A cell's value, trimmed; empty text is no value. */
function cellValue(v: XlsxCell | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  return v;
}

/** Dates as Excel date cells (serial numbers), or as text: 2021-05-10, 2021/5/10, 2021.5.10, 2021年5月10日. */
function parseDate(v: Cell, date1904: boolean): string | null {
  if (typeof v === 'number') {
    if (v < 1 || v > 100_000) return null;
    // Serial days: 1900 system counts from 1899-12-30 (Excel's leap-year quirk included); 1904 from 1904-01-01.
    const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    return new Date(epoch + Math.floor(v) * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(v.trim());
  if (!m) return null;
  const s = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  return isValidDate(s) ? s : null;
}

export const MAX_IMPORT_ROWS = 200_000;

/** Reads the roster sheet: typed rows for the planner and every cell-level problem. */
export async function parseRosterWorkbook(data: ArrayBuffer | Uint8Array): Promise<ParsedSheet> {
  let sheet: XlsxSheet;
  try {
    sheet = readXlsxSheet(data instanceof Uint8Array ? data : new Uint8Array(data), ROSTER_SHEET);
  } catch (err) {
    // A file that cannot be read, or would cost more than the reader's budget, is refused outright (4xx).
    if (err instanceof XlsxReadError) throw new AppError(err.kind === 'too_large' ? 413 : 400, err.kind === 'too_large' ? 'file_too_large' : 'invalid_file', err.message);
    throw err;
  }
  const problems: ImportProblem[] = [];
  // Columns by their header text (ignoring spaces, full/half-width parentheses and a '*').
  const byHeader = new Map(IMPORT_COLUMNS.map((c) => [normalise(c.header), c.key]));
  const columns = new Map<ImportColumnKey, number>();
  const header = sheet.rows.find((r) => r.rowNumber === 1);
  header?.cells.forEach((v, col) => {
    const text = cellValue(v);
    if (typeof text !== 'string') return;
    const key = byHeader.get(normalise(text));
    if (!key) return;
    if (columns.has(key)) problems.push({ row: 1, column: text, message: `列“${text}”出现了两次` });
    else columns.set(key, col);
  });
  for (const c of IMPORT_COLUMNS) if (c.required && !columns.has(c.key)) problems.push({ row: 1, column: c.header, message: `缺少必填列“${c.header}”` });
  if (problems.length) return { rows: [], problems, rowCount: 0 };

  const rows: ImportRow[] = [];
  let rowCount = 0;
  const colOf = IMPORT_COLUMNS.map((c) => [c.key, columns.get(c.key)] as const);
  for (const r of sheet.rows) {
    if (r.rowNumber <= 1) continue;
    const values = new Map<ImportColumnKey, Cell>();
    for (const [key, col] of colOf) {
      const v = col === undefined ? null : cellValue(r.cells[col]);
      if (v !== null) values.set(key, v);
    }
    if (values.size === 0) continue;
    rowCount++;
    if (rowCount > MAX_IMPORT_ROWS) {
      if (rowCount === MAX_IMPORT_ROWS + 1) problems.push({ row: r.rowNumber, column: '', message: `一次最多导入 ${MAX_IMPORT_ROWS} 行` });
      continue;
    }
    const parsed = parseRow(r.rowNumber, (key) => values.get(key) ?? null, sheet.date1904, problems);
    if (parsed) rows.push(parsed);
  }
  if (rowCount === 0) problems.push({ row: 2, column: '', message: `“${sheet.name}”工作表中没有数据` });
  return { rows, problems, rowCount };
}

function parseRow(rowNumber: number, get: (key: ImportColumnKey) => Cell, date1904: boolean, problems: ImportProblem[]): ImportRow | null {
  const before = problems.length;
  const problem = (key: ImportColumnKey, message: string) => problems.push({ row: rowNumber, column: HEADER[key], message });
  const text = (key: ImportColumnKey, max: number): string | null => {
    const v = get(key);
    if (v === null) return null;
    const s = String(v).trim();
    if (s.length > max) {
      problem(key, `最多 ${max} 个字符`);
      return null;
    }
    return s;
  };
  const required = <T>(key: ImportColumnKey, value: T | null, emptyOk = false): T | null => {
    if (value === null && get(key) === null && !emptyOk) problem(key, '必填');
    return value;
  };
  const coded = (key: ImportColumnKey, map: Lookup, label: string): string | null => {
    const v = get(key);
    if (v === null) return null;
    const code = map.get(String(v));
    if (code === undefined) problem(key, `“${String(v)}”不是有效的${label}，请从下拉列表中选择`);
    return code ?? null;
  };
  const date = (key: ImportColumnKey): string | null => {
    const v = get(key);
    if (v === null) return null;
    const d = parseDate(v, date1904);
    if (d === null) problem(key, `“${String(v)}”不是有效日期，格式应为 2021-05-10`);
    return d;
  };

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

/** The roster export: the roster sheet in the template's layout (plus computed columns) and a summary with 合计. */
export async function buildRosterExport(o: {
  title: string;
  asOf: string;
  rows: readonly RosterRow[];
  villages: readonly VillageCounts[];
  total: RosterTotals;
}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风';
  const ws = wb.addWorksheet(ROSTER_SHEET);
  writeHeader(ws, [...IMPORT_COLUMNS, ...EXPORT_EXTRA_COLUMNS]);
  textColumns(ws);
  for (const r of o.rows) {
    ws.addRow([
      r.org_name,
      r.term_ordinal,
      r.election_date,
      r.name,
      codeLabel(GENDER_LABELS, r.gender) ?? r.gender,
      r.id_number,
      r.birth_date,
      codeLabel(ETHNICITIES, r.ethnicity) ?? r.ethnicity,
      codeLabel(POLITICAL_STATUS_LABELS, r.political_status) ?? r.political_status,
      r.party_join_date ?? '',
      r.education_full_time ? (codeLabel(EDUCATION_LABELS, r.education_full_time) ?? r.education_full_time) : '',
      codeLabel(EDUCATION_LABELS, r.education_highest) ?? r.education_highest,
      r.phone ?? '',
      r.is_veteran ? '是' : '否',
      codeLabel(COMMITTEE_LABELS, r.committee) ?? r.committee,
      positionLabel(r.committee, r.position),
      r.start_date,
      r.end_date ?? '',
      r.end_reason ?? '',
      codeLabel(POST_HOW_LABELS, r.how) ?? r.how,
      r.age,
      yes(r.principal),
      yes(r.dualRole),
      yes(r.crossServing),
    ]);
  }

  const sum = wb.addWorksheet('汇总');
  sum.addRow([o.title]).font = { bold: true, size: 14 };
  sum.addRow([`截至 ${o.asOf}`]);
  sum.addRow([]);
  const headers = ['村（社区）', '届次', '换届日期', '两委成员', '党组织委员会', '村（居）民委员会', '交叉任职', '一肩挑', '女性', '35岁及以下', '党员', '大专及以上'];
  const head = sum.addRow(headers);
  head.font = { bold: true };
  head.eachCell((cell) => {
    cell.fill = HEADER_FILL;
  });
  sum.columns = headers.map((h, i) => ({ width: i === 0 ? 18 : Math.max(8, h.length * 2 + 2) }));
  for (const v of o.villages) {
    sum.addRow([
      v.org_name,
      v.term_ordinal === null ? '无在任届次' : `第${v.term_ordinal}届`,
      v.election_date ?? '',
      v.members,
      v.party,
      v.residents,
      v.cross_serving,
      v.term_ordinal === null ? '' : v.dual_role ? '是' : '否',
      v.female,
      v.age35_or_under,
      v.party_members,
      v.college_or_above,
    ]);
  }
  if (o.villages.length > 1) {
    const t = o.total;
    // Persons are counted once across the subtree (someone on two villages' committees counts once).
    sum.addRow([
      '合计',
      `${t.villages_with_term}个有在任届次`,
      '',
      t.members,
      t.party,
      t.residents,
      t.cross_serving,
      `${t.dual_role_villages}个`,
      t.female,
      t.age35_or_under,
      t.party_members,
      t.college_or_above,
    ]).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
