// The Excel import pipeline every module uses: a template with drop-downs, reading an upload into typed
// rows with every problem named by row and column, and the HTTP routes (template → preview → commit
// with NDJSON progress, all or nothing). A module supplies its columns, a row parser and its
// plan/apply functions; see ARCHITECTURE.md, "Shared pieces for modules".
import ExcelJS from 'exceljs';
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, Role } from '@qingfeng/db';
import type { AppEnv } from '../context.ts';
import type { AuditInput } from '../audit/queries.ts';
import { allow } from '../http/guard.ts';
import { isPlausibleDate, v } from '../http/validate.ts';
import { AppError, badRequest } from '../http/errors.ts';
import { inTransaction } from '../http/action.ts';
import { logFault } from '../http/fault-log.ts';
import { colLetter, HEADER_FILL, textFormat, writeHeader, xlsxResponse } from './export.ts';
import { readXlsxSheet, XlsxReadError, type XlsxCell, type XlsxSheet } from './xlsx-reader.ts';

// ---- columns and problems ----

export interface ImportColumn<K extends string = string> {
  key: K;
  /** The header text the reader looks for (order does not matter; spaces, full/half-width brackets and '*' are ignored). */
  header: string;
  width: number;
  required: boolean;
  /** Name of a drop-down list (a key of the template's `lists`). */
  list?: string;
  /** One line for the template's instructions sheet. */
  note: string;
  /** Stored as text in the template (ID numbers, phone numbers, dates typed by hand). */
  text?: boolean;
}

export interface ImportProblem {
  /** Excel row number (the header is row 1; 0 = the file as a whole). */
  row: number;
  /** The column's header, in Chinese ('' = the row or file as a whole). */
  column: string;
  message: string;
  /** Records in the system the problem is about, so the page can link to where they are fixed. */
  refs?: ProblemRef[];
}

/** A record a problem names: the web links `person` to /people/:id and `post` to its correction page. */
export interface ProblemRef {
  kind: 'person' | 'post' | 'org';
  id: number;
  /** What the link says, e.g. the person's name. */
  label: string;
  /** The village of a post (its correction page lives under the village). */
  orgId?: number;
}

export interface ParsedSheet<R> {
  rows: R[];
  problems: ImportProblem[];
  /** Data rows seen (non-empty), including those with problems. */
  rowCount: number;
}

export const normaliseHeader = (s: string) =>
  s
    .replace(/\s+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[*＊]/g, '');

/** A text → code map that finds the text as typed, or else after normalising it (a Map: no prototype keys). */
export class Lookup {
  private readonly map = new Map<string, string>();
  constructor(entries: readonly (readonly [string, string])[]) {
    for (const [k, v] of entries) {
      this.map.set(k, v);
      this.map.set(normaliseHeader(k), v);
    }
  }
  get(text: string): string | undefined {
    return this.map.get(text) ?? this.map.get(normaliseHeader(text));
  }
}
export const lookup = (entries: readonly (readonly [string, string])[]) => new Lookup(entries);

export type Cell = string | number | boolean | null;

/** A cell's value, trimmed; empty text is no value. */
export function cellValue(v: XlsxCell | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  return v;
}

const pad = (n: number) => String(n).padStart(2, '0');

function isValidIsoDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Dates as Excel date cells (serial numbers), or as text: 2021-05-10, 2021/5/10, 2021.5.10, 2021年5月10日. */
export function parseDate(v: Cell, date1904: boolean): string | null {
  if (typeof v === 'number') {
    if (v < 1 || v > 100_000) return null;
    // Serial days: 1900 system counts from 1899-12-30 (Excel's leap-year quirk included); 1904 from 1904-01-01.
    const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
    const s = new Date(epoch + Math.floor(v) * 86_400_000).toISOString().slice(0, 10);
    return isPlausibleDate(s) ? s : null;
  }
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(v.trim());
  if (!m) return null;
  const s = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  return isValidIsoDate(s) && isPlausibleDate(s) ? s : null;
}

/** The cell readers a row parser uses: each reports its own problem under the column's header. */
export interface RowReader<K extends string> {
  row: number;
  get(key: K): Cell;
  problem(key: K, message: string): void;
  /** Text up to `max` characters (longer: a problem, null). */
  text(key: K, max: number): string | null;
  /** Reports '必填' when the cell is empty (unless emptyOk); passes the value through. */
  required<T>(key: K, value: T | null, emptyOk?: boolean): T | null;
  /** A code from a drop-down text; unknown text is a problem naming `label`. */
  coded(key: K, map: Lookup, label: string): string | null;
  date(key: K): string | null;
}

export function rowReader<K extends string>(rowNumber: number, get: (key: K) => Cell, headerOf: (key: K) => string, date1904: boolean, problems: ImportProblem[]): RowReader<K> {
  const problem = (key: K, message: string) => problems.push({ row: rowNumber, column: headerOf(key), message });
  return {
    row: rowNumber,
    get,
    problem,
    text(key, max) {
      const v = get(key);
      if (v === null) return null;
      const s = String(v).trim();
      if (s.length > max) {
        problem(key, `最多 ${max} 个字符`);
        return null;
      }
      return s;
    },
    required(key, value, emptyOk = false) {
      if (value === null && get(key) === null && !emptyOk) problem(key, '必填');
      return value;
    },
    coded(key, map, label) {
      const v = get(key);
      if (v === null) return null;
      const code = map.get(String(v));
      if (code === undefined) problem(key, `“${String(v)}”不是有效的${label}，请从下拉列表中选择`);
      return code ?? null;
    },
    date(key) {
      const v = get(key);
      if (v === null) return null;
      const d = parseDate(v, date1904);
      if (d === null) problem(key, `“${String(v)}”不是有效日期，格式应为 2021-05-10`);
      return d;
    },
  };
}

export interface SheetSpec<K extends string, R> {
  /** The worksheet read (the first sheet when no sheet has this name). */
  sheet: string;
  columns: readonly ImportColumn<K>[];
  maxRows: number;
  /** Parses one data row; returns null when it reported problems. */
  parseRow(r: RowReader<K>, problems: ImportProblem[]): R | null;
}

/** Reads the module's sheet: the header by text, then every non-empty row through the module's parser. */
export function readImportSheet<K extends string, R>(data: ArrayBuffer | Uint8Array, spec: SheetSpec<K, R>): ParsedSheet<R> {
  let sheet: XlsxSheet;
  try {
    sheet = readXlsxSheet(data instanceof Uint8Array ? data : new Uint8Array(data), spec.sheet);
  } catch (err) {
    // A file that cannot be read, or would cost more than the reader's budget, is refused outright (4xx).
    if (err instanceof XlsxReadError) throw new AppError(err.kind === 'too_large' ? 413 : 400, err.kind === 'too_large' ? 'file_too_large' : 'invalid_file', err.message);
    throw err;
  }
  const problems: ImportProblem[] = [];
  const byHeader = new Map(spec.columns.map((c) => [normaliseHeader(c.header), c.key]));
  const headerOfKey = new Map(spec.columns.map((c) => [c.key, c.header]));
  const columns = new Map<K, number>();
  const header = sheet.rows.find((r) => r.rowNumber === 1);
  header?.cells.forEach((v, col) => {
    const text = cellValue(v);
    if (typeof text !== 'string') return;
    const key = byHeader.get(normaliseHeader(text));
    if (!key) return;
    if (columns.has(key)) problems.push({ row: 1, column: text, message: `列“${text}”出现了两次` });
    else columns.set(key, col);
  });
  for (const c of spec.columns) if (c.required && !columns.has(c.key)) problems.push({ row: 1, column: c.header, message: `缺少必填列“${c.header}”` });
  if (problems.length) return { rows: [], problems, rowCount: 0 };

  const rows: R[] = [];
  let rowCount = 0;
  const colOf = spec.columns.map((c) => [c.key, columns.get(c.key)] as const);
  const headerOf = (key: K) => headerOfKey.get(key) ?? key;
  for (const r of sheet.rows) {
    if (r.rowNumber <= 1) continue;
    const values = new Map<K, Cell>();
    for (const [key, col] of colOf) {
      const v = col === undefined ? null : cellValue(r.cells[col]);
      if (v !== null) values.set(key, v);
    }
    if (values.size === 0) continue;
    rowCount++;
    if (rowCount > spec.maxRows) {
      if (rowCount === spec.maxRows + 1) problems.push({ row: r.rowNumber, column: '', message: `一次最多导入 ${spec.maxRows} 行` });
      continue;
    }
    const parsed = spec.parseRow(rowReader(r.rowNumber, (key) => values.get(key) ?? null, headerOf, sheet.date1904, problems), problems);
    if (parsed) rows.push(parsed);
  }
  if (rowCount === 0) problems.push({ row: 2, column: '', message: `“${sheet.name}”工作表中没有数据` });
  return { rows, problems, rowCount };
}

// ---- the template ----

export interface TemplateSpec<K extends string> {
  sheet: string;
  columns: readonly ImportColumn<K>[];
  /** Drop-down values by list name, in the order offered. */
  lists: Record<string, readonly string[]>;
  /** Title and numbered lines of the 填写说明 sheet; a table of the columns follows them. */
  help: { title: string; lines: readonly string[] };
  /** Example rows, on their own sheet so they are never imported by mistake. */
  example?: readonly (readonly unknown[])[];
  /** Rows that get the drop-downs. Default 2,000. */
  rows?: number;
}

const LISTS_SHEET = '代码表';

/** The import template: the data sheet with drop-downs, the instructions, an example and the (hidden) code lists. */
export async function buildImportTemplate<K extends string>(spec: TemplateSpec<K>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '清风';
  const ws = wb.addWorksheet(spec.sheet);
  const help = wb.addWorksheet('填写说明');
  const example = spec.example ? wb.addWorksheet('示例') : null;
  const lists = wb.addWorksheet(LISTS_SHEET);
  const textColumns = (sheet: ExcelJS.Worksheet) =>
    spec.columns.forEach((c, i) => {
      if (c.text) textFormat(sheet.getColumn(i + 1));
    });

  writeHeader(ws, spec.columns);
  textColumns(ws);

  // Drop-down lists read their values from the hidden code-list sheet: a long list (民族) is far beyond
  // the 255 characters an inline list may have.
  const listNames = Object.keys(spec.lists);
  const listRange = new Map<string, string>();
  listNames.forEach((name, i) => {
    const col = colLetter(i + 1);
    const values = spec.lists[name]!;
    lists.getCell(`${col}1`).value = name;
    values.forEach((v, j) => {
      lists.getCell(`${col}${j + 2}`).value = v;
    });
    listRange.set(name, `'${LISTS_SHEET}'!$${col}$2:$${col}$${values.length + 1}`);
  });
  lists.state = 'hidden';
  const validations = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  const last = (spec.rows ?? 2000) + 1;
  spec.columns.forEach((c, i) => {
    const range = c.list ? listRange.get(c.list) : undefined;
    if (!range) return;
    const col = colLetter(i + 1);
    validations.add(`${col}2:${col}${last}`, {
      type: 'list',
      allowBlank: !c.required,
      formulae: [range],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: c.header,
      error: `请从下拉列表中选择${c.header}`,
    });
  });

  help.columns = [{ width: 16 }, { width: 8 }, { width: 90 }];
  help.addRow([spec.help.title]).font = { bold: true, size: 14 };
  help.addRow([]);
  for (const line of spec.help.lines) help.addRow([line]);
  help.addRow([]);
  const head = help.addRow(['列名', '必填', '说明']);
  head.font = { bold: true };
  head.eachCell((cell) => {
    cell.fill = HEADER_FILL;
  });
  for (const c of spec.columns) help.addRow([c.header, c.required ? '是' : '', c.note]);

  if (example && spec.example) {
    writeHeader(example, spec.columns);
    textColumns(example);
    for (const r of spec.example) example.addRow([...r]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- the routes: template, preview, commit ----

/** Largest upload accepted. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
// Other text fields travel with the file to the module's plan (e.g. the roster's eligibilityOverride), read with c.req.valid('form').
const uploadForm = z.looseObject({ file: z.instanceof(File, { message: '请选择要上传的 Excel 文件（字段名 file）' }) });

async function readUpload(file: File): Promise<ArrayBuffer> {
  if (file.size === 0) throw badRequest('empty_file', '上传的文件是空的');
  if (file.size > MAX_IMPORT_BYTES) throw new AppError(413, 'file_too_large', `文件过大：导入文件上限为 ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  return file.arrayBuffer();
}

/**
 * NDJSON protocol of POST …/import/commit, one JSON object a line:
 *   {"phase":P,"done":n,"total":m}                                  progress, any number of times
 *   {"result":{"summary":S}}                                         last line on success (committed)
 *   {"error":{"code","message","problems"?:ImportProblem[],"summary"?}}  last line on failure (nothing written)
 * The HTTP status is 200 once streaming starts; only a missing/oversized file or a failed login/role
 * check answers 4xx JSON before the stream. A stream that ends without a result or error line means
 * the connection broke: the transaction was not committed unless a result came.
 */
export type ImportLine<P extends string, S> =
  | { phase: 'parse' | 'validate' | P; done: number; total: number }
  | { result: { summary: S } }
  | { error: { code: string; message: string; problems?: ImportProblem[]; summary?: S } };

export interface ImportPlanBase<S> {
  problems: ImportProblem[];
  summary: S;
}

export interface ImportSpec<Parsed extends { rowCount: number }, Plan extends ImportPlanBase<S>, S, Preview, P extends string> {
  /** For the server log line of an unexpected failure, e.g. 'roster import'. */
  name: string;
  /** Who may download the template, and who may preview and commit. */
  templateRoles: readonly Role[];
  importRoles: readonly Role[];
  templateFileName: string;
  buildTemplate(): Promise<Buffer>;
  parse(data: ArrayBuffer): Promise<Parsed> | Parsed;
  /** Validates everything against the database, writes nothing. `lock` = inside the commit transaction: take the locks. */
  plan(db: Kysely<Database>, c: Context<AppEnv>, parsed: Parsed, lock: boolean): Promise<Plan>;
  /** The preview's JSON body. */
  preview(plan: Plan): Preview;
  /** Writes the plan (batched), reporting progress by phase. */
  apply(trx: Kysely<Database>, plan: Plan, c: Context<AppEnv>, progress: (phase: P, done: number, total: number) => unknown): Promise<void>;
  /** The one audit event of a committed import. */
  audit(plan: Plan, c: Context<AppEnv>): AuditInput;
}

class ImportRejected<Plan> extends Error {
  constructor(readonly plan: Plan) {
    super('import rejected');
  }
}

/** GET /template.xlsx, POST /import/preview, POST /import/commit — guard first on each. */
export function importRoutes<Parsed extends { rowCount: number }, Plan extends ImportPlanBase<S>, S, Preview, P extends string>(spec: ImportSpec<Parsed, Plan, S, Preview, P>) {
  return new Hono<AppEnv>()
    .get('/template.xlsx', allow(...spec.templateRoles), async (c) => xlsxResponse(c, await spec.buildTemplate(), spec.templateFileName, 'template.xlsx'))
    .post('/import/preview', allow(...spec.importRoles), v('form', uploadForm), async (c) => {
      const data = await readUpload(c.req.valid('form').file);
      const parsed = await spec.parse(data);
      const plan = await spec.plan(c.get('db'), c, parsed, false);
      return c.json(spec.preview(plan) as Preview);
    })
    .post('/import/commit', allow(...spec.importRoles), v('form', uploadForm), async (c) => {
      const data = await readUpload(c.req.valid('form').file);
      // Parsed before the stream starts, so that an unreadable or oversized file answers a real 4xx.
      const parsed = await spec.parse(data);
      c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
      c.header('Cache-Control', 'no-store');
      return stream(
        c,
        async (s) => {
          // Never awaited inside the transaction: a client that stops reading must not hold the
          // transaction (and on PGlite the only connection) open. Writes keep their order; after the
          // client has gone they are dropped by the stream (StreamingApi.write swallows the error).
          const send = (line: ImportLine<P, S>) => {
            void s.write(`${JSON.stringify(line)}\n`);
          };
          try {
            send({ phase: 'parse', done: 1, total: 1 });
            const summary = await inTransaction(c, async (trx, audit) => {
              send({ phase: 'validate', done: 0, total: parsed.rowCount });
              // Re-validated here, against the rows as they are now, with the locks taken.
              const plan = await spec.plan(trx, c, parsed, true);
              if (plan.problems.length) throw new ImportRejected(plan);
              send({ phase: 'validate', done: parsed.rowCount, total: parsed.rowCount });
              await spec.apply(trx, plan, c, (phase, done, total) => send({ phase, done, total }));
              await audit(spec.audit(plan, c));
              return plan.summary;
            });
            send({ result: { summary } });
          } catch (err) {
            if (err instanceof ImportRejected) {
              const plan = err.plan as Plan;
              send({ error: { code: 'invalid_file', message: `文件中有 ${plan.problems.length} 处问题，未导入任何数据`, problems: plan.problems, summary: plan.summary } });
            } else if (err instanceof AppError) send({ error: { code: err.code, message: err.message } });
            else {
              // Class and reference only: parameters and messages could carry ID numbers.
              const ref = logFault(spec.name, err);
              send({ error: { code: 'internal', message: `导入失败，未导入任何数据，请稍后重试（参考编号 ${ref}）` } });
            }
          }
        },
        // Only reached if the handler above itself fails: log the class, end this response only.
        async (err) => {
          logFault(spec.name, err);
        },
      );
    });
}
