import { fail } from '@sveltejs/kit';
import type { ApiError } from '$lib/api';

/** What a form needs back after a failed submission: messages by field, the values typed, a general message. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, string>;
  message: string | null;
}

/** A failed action for the form named `key` (pages with several forms keep their errors apart). */
export function formFail<K extends string>(status: number, key: K, state: Partial<FormState>) {
  const full: FormState = { errors: {}, values: {}, message: null, ...state };
  return fail(status, { [key]: full } as { [P in K]: FormState });
}

/**
 * An API error as a form failure: validation issues go next to their fields, `fieldFor` maps
 * other error codes to a field, anything else is a message at the top of the form.
 */
export function apiFail<K extends string>(key: K, e: ApiError, values: Record<string, string>, fieldFor: Record<string, string> = {}) {
  const stale = conflictMessage(e);
  if (stale) return formFail(e.status, key, { values: withCurrentVersion(e, values), message: stale });
  const errors = e.fieldErrors();
  const field = fieldFor[e.code];
  if (field) errors[field] = e.message;
  const message = field || Object.keys(errors).length ? null : e.message;
  return formFail(e.status, key, { errors, values, message });
}

// Field names of the API, for the message of a stale write (a Map: own keys only).
const CHANGED_LABELS = new Map(
  Object.entries({
    orgUnitId: '所属组织', name: '名称', gender: '性别', idNumber: '公民身份号码', birthDate: '出生日期', ethnicity: '民族',
    politicalStatus: '政治面貌', partyJoinDate: '入党时间', educationFullTime: '全日制学历', educationHighest: '最高学历',
    phone: '电话', isVeteran: '退役军人', category: '身份类别', committee: '班子', position: '职务', startDate: '开始日期',
    endDate: '结束日期', endReason: '离任原因', how: '产生方式', electionDate: '换届日期', ordinal: '届次',
    displayName: '显示名称', role: '角色', title: '标题', body: '正文', deadline: '截止日期', kind: '类型',
    heldOn: '日期', heldTime: '时间', place: '地点', chair: '主持人', recorder: '记录人', notes: '备注',
  }),
);

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') return '（已更改）';
  return String(v);
}

/**
 * The message for a 409 `conflict` (issue 11 finding 6: someone saved the record after this form was
 * opened). Names each field whose saved value differs from the user's input, with the saved value; the
 * form keeps the input and the page reloads the record (and its version), so saving again overwrites
 * knowingly. Null for any other error.
 */
export function conflictMessage(e: ApiError, labels: Record<string, string> = {}): string | null {
  if (e.code !== 'conflict') return null;
  const changed = (e.details as { changed?: Record<string, unknown> } | undefined)?.changed ?? {};
  const parts = Object.entries(changed).map(([k, v]) => `${Object.hasOwn(labels, k) ? labels[k] : (CHANGED_LABELS.get(k) ?? k)}：现为「${shown(v)}」`);
  return `该记录在您打开页面后已被他人修改并保存。${parts.length ? `与您填写不同的已保存内容——${parts.join('；')}。` : ''}您填写的内容仍在表单中：请核对后再次保存（将以您的填写为准），或取消。`;
}

/**
 * The values to send back after a 409: the user's input plus the version now saved. A failed action
 * does not reload the page's data under `use:enhance`, so each form's hidden `version` field prefers
 * this one; saving again then overwrites knowingly instead of failing once more.
 */
export function withCurrentVersion(e: ApiError, values: Record<string, string>): Record<string, string> {
  const version = (e.details as { version?: unknown } | undefined)?.version;
  return typeof version === 'number' ? { ...values, version: String(version) } : values;
}
