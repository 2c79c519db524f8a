// Server helpers of the 两委 pages: reading the person form, and turning the roster API's errors
// into messages next to the fields they are about.
import { error } from '@sveltejs/kit';
import { EDUCATION_LEVELS, GENDERS, PERSON_CATEGORIES, POLITICAL_STATUSES, type EducationLevel, type Gender, type PersonCategory, type PoliticalStatus } from '@qingfeng/db/schema';
import type { InferRequestType } from 'hono/client';
import type { ApiClient, ApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { conflictMessage, formFail, withCurrentVersion } from './forms';
import { ISO_DATE } from '$lib/roster';

/** A positive integer route parameter, or 404 (the same answer as an object outside the scope). */
export function idParam(value: string, what = '记录'): string {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2_147_483_647) error(404, { message: `${what}不存在` });
  return String(n);
}

/**
 * Field messages of an API error: zod issues (`details: [{ path, message }]`) and the roster rules'
 * problems (`details: { problems: [{ field, message }] }`); the first message per field wins.
 */
export function apiFieldErrors(e: ApiError, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (field: string, message: string) => {
    // Field names come from the API: own keys only (a field called "toString" must not find a method).
    const f = Object.hasOwn(rename, field) ? rename[field]! : field;
    if (!Object.hasOwn(out, f)) out[f] = message;
  };
  for (const [field, message] of Object.entries(e.fieldErrors())) put(field, message);
  const problems = (e.details as { problems?: { field?: string; message?: string }[] } | undefined)?.problems;
  if (Array.isArray(problems)) for (const p of problems) if (p.field && p.message) put(p.field, p.message);
  return out;
}

/** A form failure from an API error: messages next to fields when the API names them, else on top. */
export function apiFormFail<K extends string>(key: K, e: ApiError, values: Record<string, string>, fieldFor: Record<string, string> = {}, rename: Record<string, string> = {}) {
  const stale = conflictMessage(e);
  if (stale) return formFail(e.status, key, { values: withCurrentVersion(e, values), message: stale });
  const errors = apiFieldErrors(e, rename);
  const field = fieldFor[e.code];
  if (field && !errors[field]) errors[field] = e.message;
  const message = Object.keys(errors).length ? (field ? null : '请按提示修改后再保存') : e.message;
  return formFail(e.status, key, { errors, values, message });
}

export const PERSON_FIELDS = [
  'orgUnitId',
  'name',
  'gender',
  'idNumber',
  'birthDate',
  'ethnicity',
  'politicalStatus',
  'partyJoinDate',
  'educationFullTime',
  'educationHighest',
  'phone',
  'isVeteran',
  'category',
] as const;

/** The body of POST /api/people, as the API's validator declares it (no hand-copied DTO). */
export type PersonBody = InferRequestType<ApiClient['api']['people']['$post']>['json'];

const isOneOf = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

/**
 * The person form: what was typed (to show it again), the first-pass errors (required fields and
 * formats — the API checks everything again, including the ID number), and the API body.
 */
export function readPersonForm(data: FormData): { values: Record<string, string>; errors: Record<string, string>; body: PersonBody | null } {
  const values: Record<string, string> = {};
  for (const f of PERSON_FIELDS) values[f] = text(data, f);
  values.isVeteran = data.get('isVeteran') ? 'on' : '';
  values.idNumber = values.idNumber!.toUpperCase().replace(/\s+/g, '');
  const v = values as Record<(typeof PERSON_FIELDS)[number], string>;
  const errors: Record<string, string> = {};
  const orgUnitId = positiveInt(data, 'orgUnitId');
  if (!orgUnitId) errors.orgUnitId = '请选择所属组织';
  if (!v.name) errors.name = '请输入姓名';
  else if (v.name.length > 40) errors.name = '姓名最多 40 个字符';
  if (!isOneOf(GENDERS, v.gender)) errors.gender = '请选择性别';
  if (!v.idNumber) errors.idNumber = '请输入公民身份号码';
  else if (!/^\d{17}[\dX]$/.test(v.idNumber)) errors.idNumber = '公民身份号码应为 18 位（最后一位可为 X）';
  if (!v.birthDate) errors.birthDate = '请输入出生日期';
  else if (!ISO_DATE.test(v.birthDate)) errors.birthDate = '日期格式应为 YYYY-MM-DD';
  if (!v.ethnicity) errors.ethnicity = '请选择民族';
  if (!isOneOf(POLITICAL_STATUSES, v.politicalStatus)) errors.politicalStatus = '请选择政治面貌';
  if (v.partyJoinDate && !ISO_DATE.test(v.partyJoinDate)) errors.partyJoinDate = '日期格式应为 YYYY-MM-DD';
  if (v.educationFullTime && !isOneOf(EDUCATION_LEVELS, v.educationFullTime)) errors.educationFullTime = '请从列表中选择';
  if (!isOneOf(EDUCATION_LEVELS, v.educationHighest)) errors.educationHighest = '请选择最高学历';
  if (v.phone && !/^[0-9+\-() ]{5,20}$/.test(v.phone)) errors.phone = '电话号码格式不正确';
  if (v.category && !isOneOf(PERSON_CATEGORIES, v.category)) errors.category = '请从列表中选择';
  if (Object.keys(errors).length || !orgUnitId) return { values, errors, body: null };
  return {
    values,
    errors,
    body: {
      orgUnitId,
      name: v.name,
      gender: v.gender as Gender,
      idNumber: v.idNumber,
      birthDate: v.birthDate,
      ethnicity: v.ethnicity,
      politicalStatus: v.politicalStatus as PoliticalStatus,
      partyJoinDate: v.partyJoinDate || null,
      educationFullTime: (v.educationFullTime || null) as EducationLevel | null,
      educationHighest: v.educationHighest as EducationLevel,
      phone: v.phone || null,
      isVeteran: v.isVeteran === 'on',
      ...(v.category && { category: v.category as PersonCategory }),
    },
  };
}

/** Error codes of the person API that belong to one field. */
export const PERSON_FIELD_CODES: Record<string, string> = {
  duplicate_id_number: 'idNumber',
  bad_id_number: 'idNumber',
  not_found: 'orgUnitId',
};

/** A failed person create/update: messages next to fields; a duplicate ID number links to its holder. */
export function personApiFail(e: ApiError, values: Record<string, string>) {
  const stale = conflictMessage(e);
  if (stale) return formFail(e.status, 'person', { values: withCurrentVersion(e, values), message: stale });
  const errors = apiFieldErrors(e);
  const field = PERSON_FIELD_CODES[e.code];
  if (field && !errors[field]) errors[field] = e.message;
  const holder = (e.details as { personId?: unknown } | undefined)?.personId;
  const state = { ...values, ...(e.code === 'duplicate_id_number' && typeof holder === 'number' ? { duplicateOf: String(holder) } : {}) };
  return formFail(e.status, 'person', { errors, values: state, message: Object.keys(errors).length ? '请按提示修改后再保存' : e.message });
}
