// Roster helpers shared by the 两委 pages (browser-safe: labels and ID-number rules come from the
// API's pure modules, which import nothing but types from the database package).
import type { Committee, EducationLevel, Gender, OrgKind, PoliticalStatus, Position, PostHow } from '@qingfeng/db/schema';
import { codeLabel, COMMITTEE_LABELS, committeeName, committeeShortName, EDUCATION_LABELS, ETHNICITIES, ETHNICITY_LIST, ethnicityLabel, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from '@qingfeng/api/labels';
import { idNumberMismatch, parseIdNumber } from '@qingfeng/api/identity';
import type { AppType } from '@qingfeng/api';
import { hc } from 'hono/client';

export { COMMITTEE_LABELS, EDUCATION_LABELS, ETHNICITIES, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS };

// Code tables by own keys only (codeLabel): a stored 'toString' must print as itself, not as a function.
export const positionLabel = (committee: Committee, position: Position): string =>
  codeLabel(codeLabel(COMMITTEE_LABELS, committee) === undefined ? {} : POSITION_LABELS[committee], position) ?? position;
/** 党组织书记, 村委会主任, 居委会主任 — a post in a few characters, for lists (the committee named by the village's kind). */
export const postTitle = (committee: Committee, position: Position, kind: OrgKind): string => `${committeeShortName(committee, kind)}${positionLabel(committee, position)}`;
export const educationLabel = (e: EducationLevel | null | undefined): string => (e ? (codeLabel(EDUCATION_LABELS, e) ?? e) : '—');
export const politicalLabel = (s: PoliticalStatus): string => codeLabel(POLITICAL_STATUS_LABELS, s) ?? s;
export const genderLabel = (g: Gender): string => codeLabel(GENDER_LABELS, g) ?? g;
export { committeeName, committeeShortName, ethnicityLabel, ETHNICITY_LIST };
export const howLabel = (h: PostHow): string => codeLabel(POST_HOW_LABELS, h) ?? h;

/** Who may change what (the API decides; the UI only hides what would be refused). */
export const ROSTER_EDITORS = ['org_office'] as const;
export const TERM_EDITORS = ['admin', 'org_office'] as const;
export const canEditRoster = (role: string) => (ROSTER_EDITORS as readonly string[]).includes(role);
export const canEditTerms = (role: string) => (TERM_EDITORS as readonly string[]).includes(role);

/** The choices of the combined 班子·职务 select (value "party.secretary"), the committee named by the village's kind. */
export const postChoices = (kind: OrgKind): { committee: Committee; label: string; positions: { value: string; label: string }[] }[] =>
  (['party', 'residents'] as const).map((committee) => ({
    committee,
    label: committeeName(committee, kind),
    positions: Object.entries(POSITION_LABELS[committee]).map(([position, label]) => ({ value: `${committee}.${position}`, label })),
  }));

/** 第11届 */
export const termName = (ordinal: number) => `第${ordinal}届`;

/**
 * An instant hint while typing an ID number (the server checks again and decides): empty while
 * incomplete, else what is wrong, or what the number encodes.
 */
export function idNumberHint(
  idNumber: string,
  record: { birthDate: string; gender: string },
): { kind: 'none' | 'ok' | 'error'; message: string; facts?: { birthDate: string; gender: Gender } } {
  const v = idNumber.trim().toUpperCase();
  if (v.length === 0) return { kind: 'none', message: '' };
  if (v.length < 18) {
    if (!/^\d*$/.test(v.slice(0, 17))) return { kind: 'error', message: '公民身份号码只能是数字（最后一位可为 X）' };
    return { kind: 'none', message: `已输入 ${v.length} 位，共 18 位` };
  }
  const parsed = parseIdNumber(v);
  if (!parsed.ok) return { kind: 'error', message: parsed.message };
  const facts = parsed.facts;
  if (record.birthDate && (record.gender === 'male' || record.gender === 'female')) {
    const mismatch = idNumberMismatch(facts, { birthDate: record.birthDate, gender: record.gender });
    if (mismatch) return { kind: 'error', message: mismatch, facts };
  }
  return { kind: 'ok', message: `校验通过：出生日期 ${facts.birthDate}，性别${GENDER_LABELS[facts.gender]}`, facts };
}

/** Today's date in China (UTC+8 all year), YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Download links to /api/* (same origin, the session cookie goes along), built by the typed client
 * so that a renamed route or query parameter fails type checking: `apiLinks.api.x.$path({...})`.
 */
export const apiLinks = hc<AppType>('http://qingfeng.invalid');

/**
 * Org units in tree order: each unit followed by its subtree, siblings by their sort order, then id.
 * (Sorting by the materialised path would put /1/10/ before /1/2/.)
 */
export function inTreeOrder<T extends { id: number; parent_id: number | null; sort_order: number }>(orgs: readonly T[]): T[] {
  const ids = new Set(orgs.map((o) => o.id));
  const children = new Map<number | null, T[]>();
  for (const o of orgs) {
    const parent = o.parent_id !== null && ids.has(o.parent_id) ? o.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), o]);
  }
  for (const list of children.values()) list.sort((a, b) => a.sort_order - b.sort_order || a.id - b.id);
  const out: T[] = [];
  const walk = (parent: number | null) => {
    for (const o of children.get(parent) ?? []) {
      out.push(o);
      walk(o.id);
    }
  };
  walk(null);
  return out;
}
