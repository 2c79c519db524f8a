import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { errorBody } from './errors.ts';

/** Schemas by validator middleware, so that the OpenAPI document can describe each route. */
export const validatorSchemas = new WeakMap<Function, { target: keyof ValidationTargets; schema: z.ZodType }>();

/**
 * Chinese names of request fields, for validation messages ("截至日期：日期无效", never "asOf: 日期无效").
 * A Map (own keys only); modules add theirs with registerFieldLabels.
 */
const FIELD_LABELS = new Map<string, string>(
  Object.entries({
    asOf: '截至日期',
    org: '组织',
    orgId: '组织',
    orgUnitId: '所属组织',
    page: '页码',
    pageSize: '每页条数',
    search: '搜索内容',
    q: '搜索内容',
    sort: '排序',
    year: '年份',
    round: '换届年份',
    from: '起始日期',
    to: '截止日期',
    kind: '类型',
    actor: '操作人',
    id: '编号',
    file: '文件',
    reason: '原因',
    name: '姓名',
    gender: '性别',
    idNumber: '公民身份号码',
    birthDate: '出生日期',
    ethnicity: '民族',
    politicalStatus: '政治面貌',
    partyJoinDate: '入党时间',
    educationFullTime: '全日制学历',
    educationHighest: '最高学历',
    phone: '联系电话',
    isVeteran: '退役军人',
    personId: '人员',
    termId: '届次',
    ordinal: '届次',
    electionDate: '换届日期',
    startDate: '开始日期',
    endDate: '结束日期',
    endReason: '离任原因',
    committee: '班子',
    position: '职务',
    how: '产生方式',
    username: '用户名',
    displayName: '姓名',
    role: '角色',
  }),
);

/** Adds (or renames) Chinese field names for validation messages. */
export function registerFieldLabels(labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) FIELD_LABELS.set(k, v);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'string' ? (FIELD_LABELS.get(p) ?? p) : typeof p === 'number' ? `第${p + 1}项` : String(p))).join('·');
  return path ? `${path}：${issue.message}` : issue.message;
}

/**
 * Control characters (U+0000–U+001F except tab, line feed and carriage return; U+007F) and lone
 * surrogates have no place in any field: PostgreSQL refuses NUL in text (a 500 before this check), and
 * the others only hide text. Returns the path of the first offending string, or null.
 */
export function controlCharacterPath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = controlCharacterPath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    for (const [k, inner] of Object.entries(value)) {
      const found = controlCharacterPath(k, [...path, k]) ?? controlCharacterPath(inner, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

const noControlCharacters = z.unknown().superRefine((value, ctx) => {
  const path = controlCharacterPath(value);
  if (path) ctx.addIssue({ code: 'custom', message: '不能包含控制字符', path });
});

/** zod validation whose failures are 400 `{ error: { code: 'validation', message } }` in Chinese. */
export function v<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  // Every input is first checked for control characters, then by the route's schema. The types stay
  // the schema's own (the typed client and the OpenAPI document read them).
  const checked = noControlCharacters.pipe(schema) as unknown as T;
  const mw = zValidator(target, checked, (result, c) => {
    if (!result.success) {
      const issues = result.error.issues;
      const message = `输入有误：${issues.map(describeIssue).join('；')}`;
      return c.json(errorBody('validation', message, issues.map((i) => ({ path: i.path, message: i.message }))), 400);
    }
  });
  validatorSchemas.set(mw, { target, schema });
  return mw;
}

// Chinese messages for zod's built-in checks.
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined ? '必填' : '类型不正确';
      case 'too_small':
        return issue.origin === 'string' ? `至少 ${issue.minimum} 个字符` : `不能小于 ${issue.minimum}`;
      case 'too_big':
        return issue.origin === 'string' ? `最多 ${issue.maximum} 个字符` : `不能大于 ${issue.maximum}`;
      case 'invalid_value':
        return '取值不在允许范围内';
      case 'invalid_format':
        return '格式不正确';
      case 'unrecognized_keys':
        return `不认识的字段：${issue.keys.join('、')}`;
      default:
        return undefined;
    }
  },
});

/** Ids are PostgreSQL `integer`s: larger numbers would fail in SQL (a 500), so refuse them here. */
export const MAX_DB_ID = 2_147_483_647;
export const dbId = z.number().int().positive().max(MAX_DB_ID);
export const idParam = z.object({ id: z.coerce.number().int().positive().max(MAX_DB_ID) });
/** Dates the records can mean (9999-12-31 as an end date once closed every open post). */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '2100-12-31';
export const isPlausibleDate = (s: string) => s >= DATE_MIN && s <= DATE_MAX;
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '日期无效')
  .refine(isPlausibleDate, `日期应在 ${DATE_MIN} 至 ${DATE_MAX} 之间`);
export const pagination = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};
