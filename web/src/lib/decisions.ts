// 三重一大 helpers shared by the decisions pages (browser-safe: labels and rules come from the API's
// pure rules module).
import {
  ATTENDANCE_LABELS,
  CATEGORY_LABELS,
  DECISION_WRITERS,
  MAJOR_CATEGORIES,
  MEETING_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  OPINION_LABELS,
  OUTCOME_LABELS,
  RULE_LABELS,
  STEP_LABELS,
  STEP_ORDER,
  VOTING_METHOD_LABELS,
  meetingKindsFor,
  meetingTimeText,
  yuan,
} from '@qingfeng/api/rules/decisions';
import { codeLabel } from '@qingfeng/api/labels';

export {
  ATTENDANCE_LABELS,
  CATEGORY_LABELS,
  MAJOR_CATEGORIES,
  MEETING_KIND_LABELS,
  MEMBER_ROLE_LABELS,
  OPINION_LABELS,
  OUTCOME_LABELS,
  RULE_LABELS,
  STEP_LABELS,
  STEP_ORDER,
  VOTING_METHOD_LABELS,
  meetingKindsFor,
  meetingTimeText,
  yuan,
};

export const canRecordDecisions = (role: string) => (DECISION_WRITERS as readonly string[]).includes(role);

/** A label from a code table by own key only. */
export const label = (table: Readonly<Record<string, string>>, key: string | null | undefined, fallback = '—'): string => codeLabel(table, key) ?? fallback;

/** '12,000.00 元' or '—'. */
export const money = (fen: number | null | undefined) => (fen == null ? '—' : `${yuan(fen)} 元`);

/** '120000' or '120,000.50' (元) → fen; '' → null; undefined when not a valid amount. */
export function parseYuan(s: string): number | null | undefined {
  const t = s.replaceAll(',', '').replaceAll('，', '').trim();
  if (t === '') return null;
  if (!/^\d{1,11}(\.\d{1,2})?$/.test(t)) return undefined;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Fen → the value of an amount input (元, no separators). */
export const yuanInput = (fen: number | null | undefined) => (fen == null ? '' : `${Math.floor(fen / 100)}${fen % 100 ? `.${String(fen % 100).padStart(2, '0')}` : ''}`);

export const OUTCOME_CLASSES: Record<string, string> = {
  adopted: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-stone-100 text-stone-700 ring-stone-300',
  deferred: 'bg-amber-50 text-amber-800 ring-amber-200',
};

/** A moment in Beijing time as tables show it: '2026-12-02 05:28'. */
export function tableTime(at: string | Date | null | undefined): string {
  if (!at) return '—';
  const d = new Date(new Date(at).getTime() + 8 * 3_600_000);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(0, 16).replace('T', ' ');
}
