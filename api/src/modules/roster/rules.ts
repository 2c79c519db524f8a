// Roster rules (people, terms, posts). Pure functions: the routes and the Excel import run the
// same checks, inside their write transaction, against the rows they have just locked and read.
//
// Dates are 'YYYY-MM-DD' strings (they compare correctly as strings). Date ranges are HALF-OPEN:
// a post or term is held/in force on day D when `start_date <= D` and (`end_date` is empty or
// `D < end_date`). The end date is the day the post ended (离任日期): a successor may start on the
// same day without the two overlapping, and a roster as of the end date no longer shows the post.
// A new term's start is the previous term's end, with no day arithmetic.
import { COMMITTEES, EDUCATION_LEVELS, POSITIONS, type Committee, type EducationLevel, type Gender, type OrgKind, type Position, type PostHow, type Role } from '@qingfeng/db';
import { idNumberMismatch, isValidDate, parseIdNumber } from './identity.ts';
import { codeLabel, COMMITTEE_LABELS, committeeName, POSITION_LABELS, POST_HOW_LABELS } from './labels.ts';

export { committeeName } from './labels.ts';

export interface RuleProblem {
  code: string;
  /** Chinese, ready to show. */
  message: string;
  /** The input field it is about (API body key), when there is one. */
  field?: string;
}

// ---- viewers ----

/** Roles that maintain rosters see ID numbers in full; everyone else sees them masked. */
export const ROSTER_MAINTAINERS: readonly Role[] = ['admin', 'org_office'];
export function seesFullIdNumbers(role: Role): boolean {
  return ROSTER_MAINTAINERS.includes(role);
}

// ---- dates ----

/** Today's date in China (Asia/Shanghai has no daylight saving: UTC+8 all year). */
export function todayInShanghai(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Same month and day `years` later (29 February → 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ty = y + years;
  const leap = (ty % 4 === 0 && ty % 100 !== 0) || ty % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(ty).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A term lasts five years (村民委员会组织法 §11; 农村基层组织工作条例): the suggested end date. */
export const TERM_YEARS = 5;
export function suggestTermEnd(startDate: string): string {
  return addYears(startDate, TERM_YEARS);
}

/** True when [aStart, aEnd) and [bStart, bEnd) share a day; a null end is open. */
export function rangesOverlap(aStart: string, aEnd: string | null, bStart: string, bEnd: string | null): boolean {
  return (bEnd === null || aStart < bEnd) && (aEnd === null || bStart < aEnd);
}

/** The earlier of two optional end dates (null = open). */
export function earlierEnd(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** The last day a term is in force on, or null when it has no end. */
export function lastDayOf(term: { startDate: string; endDate: string | null }): string | null {
  if (term.endDate === null) return null;
  return term.endDate > term.startDate ? addDays(term.endDate, -1) : term.startDate;
}

/** A roster date inside the term: before its start → its start; on or after its end → its last day. */
export function clipToTerm(asOf: string, term: { startDate: string; endDate: string | null }): string {
  if (asOf < term.startDate) return term.startDate;
  const last = lastDayOf(term);
  if (last !== null && asOf > last) return last;
  return asOf;
}

const fmtEnd = (end: string | null) => end ?? '今';

// ---- people ----

export interface PersonFacts {
  name: string;
  gender: Gender;
  idNumber: string;
  birthDate: string;
  partyJoinDate: string | null;
  educationFullTime?: EducationLevel | null | undefined;
  educationHighest?: EducationLevel | undefined;
}

/**
 * Problems with a person's facts: the ID number's checksum, and the birth date and gender it
 * encodes against the record. Returns the normalised ID number (upper-case X) when it is valid.
 */
export function personProblems(p: PersonFacts, today: string): { idNumber: string | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const parsed = parseIdNumber(p.idNumber);
  if (!parsed.ok) {
    problems.push({ code: 'bad_id_number', message: parsed.message, field: 'idNumber' });
  } else {
    const mismatch = idNumberMismatch(parsed.facts, { birthDate: p.birthDate, gender: p.gender });
    if (mismatch) problems.push({ code: 'id_number_mismatch', message: mismatch, field: mismatch.startsWith('性别') ? 'gender' : 'birthDate' });
  }
  if (!p.name.trim()) problems.push({ code: 'name_required', message: '姓名不能为空', field: 'name' });
  if (p.birthDate > today) problems.push({ code: 'birth_in_future', message: '出生日期不能晚于今天', field: 'birthDate' });
  if (p.partyJoinDate !== null) {
    if (!isValidDate(p.partyJoinDate)) problems.push({ code: 'bad_date', message: '入党时间无效', field: 'partyJoinDate' });
    else if (p.partyJoinDate <= p.birthDate) problems.push({ code: 'party_join_before_birth', message: '入党时间应晚于出生日期', field: 'partyJoinDate' });
    else if (p.partyJoinDate > today) problems.push({ code: 'party_join_in_future', message: '入党时间不能晚于今天', field: 'partyJoinDate' });
  }
  // EDUCATION_LEVELS runs from highest to lowest.
  if (p.educationFullTime && p.educationHighest && EDUCATION_LEVELS.indexOf(p.educationFullTime) < EDUCATION_LEVELS.indexOf(p.educationHighest))
    problems.push({ code: 'education_order', message: '全日制学历不能高于最高学历', field: 'educationFullTime' });
  return { idNumber: parsed.ok ? parsed.value : null, problems };
}

// ---- terms ----

export interface TermSpan {
  /** Absent for a term not yet written. */
  id?: number | undefined;
  ordinal: number;
  electionDate: string;
  startDate: string;
  endDate: string | null;
}

/** An election may come some weeks before the term starts, but not after it and not years before. */
export const MAX_ELECTION_LEAD_DAYS = 366;

/** The neighbours of `ordinal` among a village's other terms. */
export function neighbours<T extends TermSpan>(ordinal: number, others: readonly T[]): { previous: T | undefined; next: T | undefined } {
  let previous: T | undefined;
  let next: T | undefined;
  for (const t of others) {
    if (t.ordinal < ordinal && (!previous || t.ordinal > previous.ordinal)) previous = t;
    if (t.ordinal > ordinal && (!next || t.ordinal < next.ordinal)) next = t;
  }
  return { previous, next };
}

/**
 * Problems of a term against the village's other terms: ordinals unique, dates in ordinal order,
 * no two terms in force on the same day, the election not after the start.
 * `others` must not contain the term itself.
 *
 * Decision: a term left open (no end date) is closed by the next one — see termAdjustments — so
 * an open previous term is not a problem here; a previous term whose end date runs past the new
 * start is (the user has to correct one of them).
 */
export function termProblems(t: TermSpan, others: readonly TermSpan[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (t.electionDate > t.startDate) problems.push({ code: 'election_after_start', message: '换届日期不能晚于届期开始日期', field: 'electionDate' });
  else if (addDays(t.electionDate, MAX_ELECTION_LEAD_DAYS) < t.startDate)
    problems.push({ code: 'election_too_early', message: '换届日期与届期开始日期相隔超过一年，请核对', field: 'electionDate' });
  if (t.endDate !== null && t.endDate <= t.startDate) problems.push({ code: 'end_before_start', message: '届期结束日期应晚于开始日期', field: 'endDate' });
  if (others.some((o) => o.ordinal === t.ordinal)) problems.push({ code: 'duplicate_ordinal', message: `该村（社区）已有第${t.ordinal}届`, field: 'ordinal' });
  const { previous, next } = neighbours(t.ordinal, others);
  if (previous) {
    if (previous.startDate >= t.startDate)
      problems.push({ code: 'term_order', message: `第${t.ordinal}届的开始日期应晚于上一届（第${previous.ordinal}届，${previous.startDate}开始）`, field: 'startDate' });
    else if (previous.endDate !== null && previous.endDate > t.startDate)
      problems.push({ code: 'term_overlap', message: `与上一届（第${previous.ordinal}届，至${previous.endDate}）的届期重叠`, field: 'startDate' });
  }
  if (next) {
    if (next.startDate <= t.startDate)
      problems.push({ code: 'term_order', message: `第${t.ordinal}届的开始日期应早于下一届（第${next.ordinal}届，${next.startDate}开始）`, field: 'startDate' });
    else if (t.endDate === null)
      problems.push({ code: 'term_open_before_next', message: `已有下一届（第${next.ordinal}届，${next.startDate}开始），本届须有结束日期`, field: 'endDate' });
    else if (t.endDate > next.startDate)
      problems.push({ code: 'term_overlap', message: `届期结束日期晚于下一届（第${next.ordinal}届）的开始日期${next.startDate}`, field: 'endDate' });
  }
  return problems;
}

/**
 * What writing a new term changes besides itself (decision, documented in the report):
 * - an open previous term ends on the day the new one starts (its open posts end with it, 届满);
 * - a new term with no end date, inserted before an existing later term, ends when that one starts.
 */
export function termAdjustments(t: TermSpan, others: readonly TermSpan[]): { endDate: string | null; closePrevious: TermSpan | null } {
  const { previous, next } = neighbours(t.ordinal, others);
  return {
    endDate: t.endDate ?? (next ? next.startDate : null),
    closePrevious: previous && previous.endDate === null ? previous : null,
  };
}

/** The reason recorded on posts ended because their term ended. */
export const TERM_END_REASON = '届满';

// ---- posts ----

export interface PostSpan {
  /** Absent for a post not yet written. */
  id?: number | undefined;
  /** Who holds it: a person id, or (in an import) the ID number of a person not yet written. */
  personKey: string;
  personName: string;
  termId: number | string;
  committee: Committee;
  position: Position;
  startDate: string;
  endDate: string | null;
  /** End of the post's term: a post never outlives its term. */
  termEndDate: string | null;
}

export function isPrincipal(committee: Committee, position: Position): boolean {
  return (committee === 'party' && position === 'secretary') || (committee === 'residents' && position === 'director');
}

export function positionLabel(committee: Committee, position: Position): string {
  // Stored rows and imported cells reach here too: look codes up by own keys only.
  const table: Readonly<Record<string, string>> = (COMMITTEES as readonly string[]).includes(committee) ? POSITION_LABELS[committee] : {};
  return codeLabel(table, position) ?? position;
}

export function isValidPosition(committee: string, position: string): boolean {
  return (COMMITTEES as readonly string[]).includes(committee) && (POSITIONS[committee as Committee] as readonly string[]).includes(position);
}

/** A post on its own and against its term: a known position, end after start, inside the term. */
export function postShapeProblems(
  p: { committee: Committee; position: Position; startDate: string; endDate: string | null },
  term: { ordinal: number; startDate: string; endDate: string | null },
  kind?: OrgKind,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!isValidPosition(p.committee, p.position))
    problems.push({ code: 'bad_position', message: `${kind ? committeeName(p.committee, kind) : (codeLabel(COMMITTEE_LABELS, p.committee) ?? '该班子')}没有“${p.position}”这一职务`, field: 'position' });
  if (p.endDate !== null && p.endDate === p.startDate)
    // A post that ends the day it starts was never held: that is a record entered by mistake.
    problems.push({ code: 'end_on_start_day', message: `任职结束日期与开始日期相同（${p.startDate}），这条任职一天也没有生效。如系误录，请删除这条任职记录`, field: 'endDate' });
  else if (p.endDate !== null && p.endDate < p.startDate) problems.push({ code: 'end_before_start', message: '任职结束日期应晚于开始日期', field: 'endDate' });
  if (p.startDate < term.startDate)
    problems.push({ code: 'outside_term', message: `任职开始日期（${p.startDate}）早于第${term.ordinal}届届期开始日期（${term.startDate}）`, field: 'startDate' });
  if (term.endDate !== null && p.startDate >= term.endDate)
    problems.push({ code: 'outside_term', message: `任职开始日期（${p.startDate}）不在第${term.ordinal}届届期内（届期至${term.endDate}）`, field: 'startDate' });
  else if (term.endDate !== null && p.endDate !== null && p.endDate > term.endDate)
    problems.push({ code: 'outside_term', message: `任职结束日期（${p.endDate}）晚于第${term.ordinal}届届期结束日期（${term.endDate}）`, field: 'endDate' });
  return problems;
}

/**
 * Conflicts of a post with the other posts of the same village (any term): one party secretary
 * and one residents' director at a time; one person holds at most one post per committee at a
 * time. A post with no end date is held until its term ends.
 */
export function postConflicts(p: PostSpan, others: readonly PostSpan[], kind?: OrgKind): RuleProblem[] {
  const committeeOf = (c: Committee) => (kind ? committeeName(c, kind) : COMMITTEE_LABELS[c]);
  const problems: RuleProblem[] = [];
  const end = earlierEnd(p.endDate, p.termEndDate);
  for (const o of others) {
    if (p.id !== undefined && o.id === p.id) continue;
    if (o.committee !== p.committee) continue;
    const oEnd = earlierEnd(o.endDate, o.termEndDate);
    if (!rangesOverlap(p.startDate, end, o.startDate, oEnd)) continue;
    const span = `${o.startDate}至${fmtEnd(oEnd)}`;
    if (o.personKey === p.personKey) {
      problems.push({
        code: 'overlapping_post',
        message: `${p.personName}同一时间已在${committeeOf(p.committee)}任${positionLabel(o.committee, o.position)}（${span}），同一人在同一班子不能同时担任两个职务`,
        field: 'startDate',
      });
    } else if (isPrincipal(p.committee, p.position) && o.position === p.position) {
      const what = p.committee === 'party' ? '党组织书记' : `${committeeOf('residents')}主任`;
      problems.push({
        code: p.committee === 'party' ? 'second_secretary' : 'second_director',
        message: `同一时间只能有一名${what}：与${o.personName}的任职（${span}）重叠`,
        field: 'startDate',
      });
    }
  }
  return problems;
}

/** All the problems of one post: shape, term and conflicts. */
export function postProblems(p: PostSpan, term: { ordinal: number; startDate: string; endDate: string | null }, others: readonly PostSpan[], kind?: OrgKind): RuleProblem[] {
  const shape = postShapeProblems(p, term, kind);
  // Conflicts are only meaningful for a post whose own dates make sense.
  return shape.length ? shape : postConflicts(p, others, kind);
}

/** Joins problems into one Chinese message for an API error. */
export function joinProblems(problems: readonly RuleProblem[]): string {
  return problems.map((p) => p.message).join('；');
}

// ---- 任职变动 history, in words ----


const POST_FIELD_LABELS: Record<string, string> = {
  committee: '班子',
  position: '职务',
  start_date: '任职开始',
  end_date: '任职结束',
  end_reason: '离任原因',
  how: '产生方式',
};

export interface PostHistoryFacts {
  kind: 'start' | 'end' | 'corrected' | 'deleted';
  orgKind: OrgKind;
  termOrdinal: number | null;
  committee: Committee | null;
  position: Position | null;
  how: PostHow | null;
  endReason: string | null;
  details: Record<string, unknown> | null;
}

/** One history line in Chinese, e.g. "任村民委员会主任（第11届，换届选举）". */
export function describePostChange(h: PostHistoryFacts): string {
  const post = h.committee && h.position ? `${committeeName(h.committee, h.orgKind)}${positionLabel(h.committee, h.position)}` : '';
  const term = h.termOrdinal !== null ? `第${h.termOrdinal}届` : '';
  const d = h.details ?? {};
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  switch (h.kind) {
    case 'start':
      return `任${post}（${[term, h.how ? POST_HOW_LABELS[h.how] : ''].filter(Boolean).join('，')}）`;
    case 'end':
      return `不再担任${post}${h.endReason ? `（${h.endReason}）` : ''}`;
    case 'deleted': {
      const span = str('startDate') ? `，${str('startDate')}${str('endDate') ? `至${str('endDate')}` : '起'}` : '';
      return `删除任职记录：${post || '任职'}（${term}${span}）${str('reason') ? `。原因：${str('reason')}` : ''}`;
    }
    case 'corrected': {
      const changes = (d.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
      const parts = Object.entries(changes).map(([field, c]) => `${POST_FIELD_LABELS[field] ?? field} ${postFieldValue(field, c.from, h)} → ${postFieldValue(field, c.to, h)}`);
      const what = parts.length ? parts.join('；') : Array.isArray(d.fields) ? (d.fields as string[]).map((f) => POST_FIELD_LABELS[f] ?? f).join('、') : '';
      return `更正${post || '任职'}：${what || '任职信息'}${str('reason') ? `。原因：${str('reason')}` : ''}`;
    }
  }
}

function postFieldValue(field: string, value: unknown, h: PostHistoryFacts): string {
  if (value === null || value === undefined || value === '') return '（空）';
  const s = String(value);
  if (field === 'how' && Object.hasOwn(POST_HOW_LABELS, s)) return POST_HOW_LABELS[s as PostHow];
  if (field === 'committee' && (s === 'party' || s === 'residents')) return committeeName(s, h.orgKind);
  if (field === 'position' && h.committee) return positionLabel(h.committee, s as Position);
  return s;
}
