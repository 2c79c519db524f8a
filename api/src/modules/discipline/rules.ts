// Discipline inspection rules (domain.md §3–§5, §9): pure, browser-safe (the web imports the labels
// from here), unit-tested at every boundary in rules.test.ts.
import type { PersonCategory, PoliticalStatus, SanctionStatus, SanctionSystem, SanctionType, TalkKind, Violation } from '@qingfeng/db/schema';

// ---- labels ----

export const TALK_KIND_LABELS: Record<TalkKind, string> = {
  collective: '集体谈话',
  reminder: '提醒谈话',
  admonishment: '诫勉谈话',
  warning_talk: '警示谈话',
  inquiry_letter: '函询',
  integrity: '廉政谈话',
  pre_appointment: '任前廉政谈话',
};

export const SANCTION_SYSTEM_LABELS: Record<SanctionSystem, string> = { party: '党纪处分', government: '政务处分', organizational: '组织处理' };

export const SANCTION_TYPE_LABELS: { [S in SanctionSystem]: Record<string, string> } = {
  party: { warning: '警告', serious_warning: '严重警告', removal_from_post: '撤销党内职务', probation: '留党察看', expulsion: '开除党籍' },
  government: { warning: '警告', demerit: '记过', major_demerit: '记大过', demotion: '降级', dismissal: '撤职', expulsion: '开除' },
  organizational: { suspension: '停职检查', position_adjustment: '调整职务', ordered_resignation: '责令辞职', removal: '免职', demotion: '降职' },
};

export const VIOLATION_LABELS: Record<Violation, string> = {
  political: '政治纪律',
  organizational: '组织纪律',
  integrity: '廉洁纪律',
  mass: '群众纪律',
  work: '工作纪律',
  life: '生活纪律',
};

export const PERSON_CATEGORY_LABELS: Record<PersonCategory, string> = {
  village_cadre: '村(社区)干部',
  civil_servant: '公务员/参公人员',
  public_employee: '其他公职人员',
  party_member: '其他党员',
  other: '其他',
};

/** Stored status plus the derived 影响期已满. */
export type DisplayStatus = SanctionStatus | 'influence_ended';
export const SANCTION_STATUS_LABELS: Record<DisplayStatus, string> = {
  in_force: '影响期内',
  influence_ended: '影响期已满',
  revoked: '已撤销',
  changed_on_appeal: '申诉后变更',
};

export const FORM_LABELS = { first: '第一种形态', second: '第二种形态', third: '第三种形态', fourth: '第四种形态' } as const;
export type FourForm = keyof typeof FORM_LABELS;
export const FORMS = ['first', 'second', 'third', 'fourth'] as const satisfies readonly FourForm[];

export function sanctionLabel(system: SanctionSystem, type: string, probationMonths?: number | null): string {
  const t = SANCTION_TYPE_LABELS[system][type] ?? type;
  const base = system === 'organizational' ? t : `${system === 'party' ? '党纪' : '政务'}${t}`;
  return probationMonths ? `${base}（察看${probationMonths / 12}年）` : base;
}

/** A stored code from a table by own key only (never `in`, which also finds `toString`). */
export function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// ---- dates ----

const pad = (n: number) => String(n).padStart(2, '0');
const fmt = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** E + N calendar months, the day clamped to the month's last day (2021-08-31 + 6 = 2022-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return fmt(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export function addDays(date: string, days: number): string {
  const t = Date.UTC(...(parts(date).map((v, i) => (i === 1 ? v - 1 : v)) as [number, number, number])) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export interface WorkCalendar {
  /** Public holidays (non-working even on weekdays). */
  holidays: readonly string[];
  /** Make-up working days (调休: working even on a Saturday or Sunday). */
  workdays?: readonly string[];
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  if (cal.workdays?.includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  const w = weekday(date);
  return w !== 0 && w !== 6;
}

/** The Nth working day after `date` (the sending day itself is not counted). */
export function addWorkingDays(date: string, n: number, cal: WorkCalendar): string {
  let d = date;
  let left = n;
  // Bounded: a calendar cannot make more than a year of consecutive days non-working in practice; stop anyway.
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/** Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` <= `from`. */
export function workingDaysBetween(from: string, to: string, cal: WorkCalendar): number {
  let n = 0;
  let d = from;
  for (let guard = 0; d < to && guard < 3660; guard++) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) n++;
  }
  return n;
}

/** Half-open: in force on D when start <= D < end (end null = never ends). */
export function covers(start: string, end: string | null, day: string): boolean {
  return start <= day && (end === null || day < end);
}

/** The Asia/Shanghai calendar day of an instant (UTC+8, no daylight saving). */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

// ---- influence periods ----

export type OrganizationalMonths = Record<(typeof ORGANIZATIONAL_TYPES)[number], number>;
export const ORGANIZATIONAL_TYPES = ['suspension', 'position_adjustment', 'ordered_resignation', 'removal', 'demotion'] as const;

/** Months of influence by type; null = permanent. 留党察看 adds the 察看 period (see influenceEnd). */
const PARTY_MONTHS: Record<string, number> = { warning: 12, serious_warning: 18, removal_from_post: 24, probation: 24, expulsion: 60 };
const GOVERNMENT_MONTHS: Record<string, number | null> = { warning: 6, demerit: 12, major_demerit: 18, demotion: 24, dismissal: 24, expulsion: null };

export interface PeriodSettings {
  organizationalMonths: OrganizationalMonths;
}

/**
 * First day out of influence for a sanction effective on `effective` (null: permanent).
 * 留党察看: the 察看 period (12 or 24 months) plus 24 months after rights are restored.
 */
export function influenceEnd(
  s: { system: SanctionSystem; type: string; effectiveDate: string; probationMonths?: number | null },
  settings: PeriodSettings,
): string | null {
  let months: number | null | undefined;
  if (s.system === 'party') months = lookup(PARTY_MONTHS, s.type);
  else if (s.system === 'government') months = lookup(GOVERNMENT_MONTHS, s.type);
  else months = lookup(settings.organizationalMonths as Record<string, number>, s.type);
  if (months === undefined) throw new Error(`unknown sanction type ${s.system}/${s.type}`);
  if (months === null) return null;
  if (s.system === 'party' && s.type === 'probation') months = (s.probationMonths ?? 12) + 24;
  return addMonths(s.effectiveDate, months);
}

/** What a sanction's status reads on `today`: 影响期已满 is derived from the date. */
export function displayStatus(s: { status: SanctionStatus; influenceEnd: string | null }, today: string): DisplayStatus {
  if (s.status !== 'in_force') return s.status;
  return s.influenceEnd !== null && today >= s.influenceEnd ? 'influence_ended' : 'in_force';
}

// ---- who may receive what (domain.md §4) ----

const PARTY_STATUSES: readonly PoliticalStatus[] = ['cpc_member', 'cpc_probationary'];
/** 公职人员政务处分法 §22: village cadres who are not civil servants get only these. */
const VILLAGE_CADRE_GOVERNMENT = ['warning', 'demerit', 'major_demerit'];

export interface Problem {
  code: string;
  message: string;
  field?: string;
}

export function sanctionProblems(
  person: { category: PersonCategory; politicalStatus: PoliticalStatus },
  s: { system: SanctionSystem; type: string; probationMonths?: number | null; decisionDate: string; effectiveDate: string },
): Problem[] {
  const problems: Problem[] = [];
  const typeLabel = lookup(SANCTION_TYPE_LABELS[s.system], s.type);
  if (!typeLabel) return [{ code: 'bad_type', field: 'type', message: `${SANCTION_SYSTEM_LABELS[s.system]}没有“${s.type}”这一种类` }];
  const who = PERSON_CATEGORY_LABELS[person.category];
  if (s.system === 'party' && !PARTY_STATUSES.includes(person.politicalStatus))
    problems.push({ code: 'not_party_member', field: 'system', message: '该人员不是中共党员或预备党员，不能给予党纪处分' });
  if (s.system === 'government') {
    if (person.category === 'party_member' || person.category === 'other')
      problems.push({ code: 'category_not_allowed', field: 'type', message: `身份类别为“${who}”的人员不是公职人员，不能给予政务处分` });
    else if (person.category === 'village_cadre' && !VILLAGE_CADRE_GOVERNMENT.includes(s.type))
      problems.push({ code: 'category_not_allowed', field: 'type', message: `身份类别为“${who}”的人员只能给予政务警告、记过、记大过（公职人员政务处分法第二十二条），不能给予${typeLabel}` });
  }
  if (s.system === 'organizational' && (person.category === 'party_member' || person.category === 'other'))
    problems.push({ code: 'category_not_allowed', field: 'type', message: `身份类别为“${who}”的人员不担任职务，不能给予组织处理` });
  const probation = s.system === 'party' && s.type === 'probation';
  if (probation && s.probationMonths !== 12 && s.probationMonths !== 24)
    problems.push({ code: 'probation_months', field: 'probationMonths', message: '留党察看须选择察看期：一年或二年' });
  if (!probation && s.probationMonths != null) problems.push({ code: 'probation_months', field: 'probationMonths', message: '只有留党察看有察看期' });
  if (s.effectiveDate < s.decisionDate) problems.push({ code: 'effective_before_decision', field: 'effectiveDate', message: '生效日期不能早于决定日期' });
  return problems;
}

// ---- the four forms (2023 条例 §5) ----

export interface FormRule {
  form: FourForm | null;
  rule: string;
}

/** The form of a talk kind, with the rule that puts it there. */
export function talkForm(kind: TalkKind): FormRule {
  switch (kind) {
    case 'reminder':
    case 'admonishment':
    case 'warning_talk':
    case 'inquiry_letter':
      return { form: 'first', rule: `${TALK_KIND_LABELS[kind]}属谈话函询类措施，计入第一种形态` };
    case 'collective':
      return { form: null, rule: '集体谈话属教育措施，不计入四种形态' };
    case 'integrity':
    case 'pre_appointment':
      return { form: null, rule: `${TALK_KIND_LABELS[kind]}属预防性措施，不计入四种形态` };
  }
}

const SECOND = {
  party: ['warning', 'serious_warning'],
  government: ['warning', 'demerit', 'major_demerit', 'demotion'],
  organizational: ['suspension', 'position_adjustment', 'ordered_resignation', 'removal', 'demotion'],
} as const;

/** The form of a sanction (counted ones only: not revoked, not changed on appeal). */
export function sanctionForm(s: { system: SanctionSystem; type: string; criminalReferral: boolean }): FormRule {
  const label = sanctionLabel(s.system, s.type);
  if (s.criminalReferral) return { form: 'fourth', rule: `${label}并移送司法机关，计入第四种形态` };
  if ((SECOND[s.system] as readonly string[]).includes(s.type)) {
    const why = s.system === 'party' ? '党纪轻处分' : s.system === 'government' ? '政务警告至降级' : '组织调整';
    return { form: 'second', rule: `${label}属${why}，计入第二种形态` };
  }
  const why = s.system === 'party' ? '党纪重处分' : '重大职务调整（政务撤职、开除）';
  return { form: 'third', rule: `${label}属${why}，计入第三种形态` };
}

/** Every (system, type) pair of the second form, for SQL built from the same table as sanctionForm. */
export function secondFormPairs(): [SanctionSystem, string][] {
  return (Object.keys(SECOND) as SanctionSystem[]).flatMap((sys) => SECOND[sys].map((t) => [sys, t] as [SanctionSystem, string]));
}
export const FIRST_FORM_TALKS: readonly TalkKind[] = (['collective', 'reminder', 'admonishment', 'warning_talk', 'inquiry_letter', 'integrity', 'pre_appointment'] as const).filter(
  (k) => talkForm(k).form === 'first',
);

// ---- the integrity figures (domain.md §9) ----

export const PARTY_TYPES = ['warning', 'serious_warning', 'removal_from_post', 'probation', 'expulsion'] as const;
export type PartyType = (typeof PARTY_TYPES)[number];

export interface IntegrityFigures {
  collectiveTalks: number;
  collectiveTalkParticipants: number;
  individualTalks: number;
  reminderTalks: number;
  admonishments: number;
  warningTalks: number;
  inquiryLetters: number;
  integrityTalks: number;
  preAppointmentTalks: number;
  partySanctionedPersons: number;
  partySanctions: Record<PartyType, number>;
  governmentSanctions: number;
  organizationalActions: number;
  fourForms: FourFormsFigures;
}

export interface FourFormsFigures {
  total: number;
  first: { count: number; percent: number };
  second: { count: number; percent: number };
  third: { count: number; percent: number };
  fourth: { count: number; percent: number };
}

/** Percentages of the total with one decimal (0 when there is nothing). */
export function fourFormsFigures(counts: Record<FourForm, number>): FourFormsFigures {
  const total = counts.first + counts.second + counts.third + counts.fourth;
  const pct = (n: number) => (total === 0 ? 0 : Math.round((n * 1000) / total) / 10);
  return {
    total,
    first: { count: counts.first, percent: pct(counts.first) },
    second: { count: counts.second, percent: pct(counts.second) },
    third: { count: counts.third, percent: pct(counts.third) },
    fourth: { count: counts.fourth, percent: pct(counts.fourth) },
  };
}

/** The figure keys a drill-down can open (the same names as the report's keys). */
export const INTEGRITY_FIGURES = [
  'collectiveTalks',
  'collectiveTalkParticipants',
  'individualTalks',
  'reminderTalks',
  'admonishments',
  'warningTalks',
  'inquiryLetters',
  'integrityTalks',
  'preAppointmentTalks',
  'partySanctionedPersons',
  'partySanctions.warning',
  'partySanctions.serious_warning',
  'partySanctions.removal_from_post',
  'partySanctions.probation',
  'partySanctions.expulsion',
  'governmentSanctions',
  'organizationalActions',
  'fourForms.first',
  'fourForms.second',
  'fourForms.third',
  'fourForms.fourth',
] as const;
export type IntegrityFigure = (typeof INTEGRITY_FIGURES)[number];

export const FIGURE_LABELS: Record<IntegrityFigure, string> = {
  collectiveTalks: '集体谈话（次）',
  collectiveTalkParticipants: '集体谈话（人次）',
  individualTalks: '个别谈话（人次）',
  reminderTalks: '提醒谈话',
  admonishments: '诫勉谈话',
  warningTalks: '警示谈话',
  inquiryLetters: '函询',
  integrityTalks: '廉政谈话',
  preAppointmentTalks: '任前廉政谈话',
  partySanctionedPersons: '受党纪处分党员（人）',
  'partySanctions.warning': '党纪警告（人）',
  'partySanctions.serious_warning': '党纪严重警告（人）',
  'partySanctions.removal_from_post': '撤销党内职务（人）',
  'partySanctions.probation': '留党察看（人）',
  'partySanctions.expulsion': '开除党籍（人）',
  governmentSanctions: '政务处分（人次）',
  organizationalActions: '组织处理（人次）',
  'fourForms.first': '第一种形态（人次）',
  'fourForms.second': '第二种形态（人次）',
  'fourForms.third': '第三种形态（人次）',
  'fourForms.fourth': '第四种形态（人次）',
};

/** A piece of the sentence: plain text, or a number that links to its figure's records. */
export type SentencePart = string | { figure: IntegrityFigure; value: number };

/**
 * The reference phrasing (domain.md §5): talks, then party sanctions by type (types with nobody are
 * left out, as the reference leaves out 撤销党内职务 and 留党察看). Returned as parts so that the page
 * can link every number; `sentenceText` joins them.
 */
export function integritySentence(f: IntegrityFigures): SentencePart[] {
  const parts: SentencePart[] = [
    '街道领导班子成员开展集体谈话',
    { figure: 'collectiveTalks', value: f.collectiveTalks },
    '次、',
    { figure: 'collectiveTalkParticipants', value: f.collectiveTalkParticipants },
    '人次,个别谈话',
    { figure: 'individualTalks', value: f.individualTalks },
    '人次(提醒谈话',
    { figure: 'reminderTalks', value: f.reminderTalks },
    '次、诫勉谈话',
    { figure: 'admonishments', value: f.admonishments },
    '人次、警示谈话',
    { figure: 'warningTalks', value: f.warningTalks },
    '人次);给予辖区',
    { figure: 'partySanctionedPersons', value: f.partySanctionedPersons },
    '名党员党纪处分',
  ];
  const types = PARTY_TYPES.filter((t) => f.partySanctions[t] > 0);
  if (types.length) {
    parts.push('(');
    types.forEach((t, i) => {
      parts.push(`${i ? '、' : ''}${SANCTION_TYPE_LABELS.party[t]}`, { figure: `partySanctions.${t}`, value: f.partySanctions[t] }, '人');
    });
    parts.push(')');
  }
  return parts;
}

export function sentenceText(parts: readonly SentencePart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : String(p.value))).join('');
}

// ---- eligibility (domain.md §3) ----

export type IneligibleReason =
  | { kind: 'sanction'; sanctionId: number; label: string; effectiveDate: string; influenceEnd: string | null }
  | { kind: 'admonishment'; talkId: number; talkDate: string; influenceEnd: string }
  | { kind: 'investigation'; since: string | null; caseNumber: string | null };

export function reasonText(r: IneligibleReason): string {
  switch (r.kind) {
    case 'sanction':
      return `${r.label}（${r.effectiveDate}起）影响期${r.influenceEnd ? `至${addDays(r.influenceEnd, -1)}` : '为永久'}`;
    case 'admonishment':
      return `诫勉（${r.talkDate}）影响期至${addDays(r.influenceEnd, -1)}`;
    case 'investigation':
      return `正在接受立案审查${r.since ? `（${r.since}立案${r.caseNumber ? `，案号${r.caseNumber}` : ''}）` : ''}`;
  }
}

/** What the party work office is told: the result, never the sanction behind it. */
export function ineligibleMessage(name: string, on: string): string {
  return `${name}在${on}不符合任职资格（换届“十不选”负面清单），如确需任职，须由党建办填写特批理由`;
}

// ---- talks (domain.md §5) ----

export interface TalkInput {
  kind: TalkKind;
  date: string;
  subjectPersonId?: number | null | undefined;
  participantCount?: number | undefined;
  participantIds?: readonly number[] | undefined;
  replyDate?: string | null | undefined;
  reply?: string | null | undefined;
}

/** A collective talk counts its participants (the names, when given, must match); an individual talk has exactly one subject. */
export function talkProblems(t: TalkInput): Problem[] {
  const problems: Problem[] = [];
  if (t.kind === 'collective') {
    if (t.subjectPersonId != null) problems.push({ code: 'collective_subject', field: 'subjectPersonId', message: '集体谈话不填谈话对象，请填参加人数或参加人员' });
    const names = t.participantIds ?? [];
    if (new Set(names).size !== names.length) problems.push({ code: 'duplicate_participant', field: 'participantIds', message: '参加人员有重复' });
    if (t.participantCount === undefined && names.length === 0) problems.push({ code: 'participants_required', field: 'participantCount', message: '请填写集体谈话的参加人数' });
    else if (names.length > 0 && t.participantCount !== undefined && t.participantCount !== names.length)
      problems.push({ code: 'participant_count_mismatch', field: 'participantCount', message: `参加人数（${t.participantCount}）与列出的参加人员（${names.length}人）不一致` });
  } else {
    if (t.subjectPersonId == null) problems.push({ code: 'subject_required', field: 'subjectPersonId', message: `${TALK_KIND_LABELS[t.kind]}须有且只有一名谈话对象` });
    if ((t.participantIds?.length ?? 0) > 0 || (t.participantCount !== undefined && t.participantCount !== 1))
      problems.push({ code: 'individual_participants', field: 'participantCount', message: `${TALK_KIND_LABELS[t.kind]}是个别谈话，只有一名谈话对象` });
  }
  if (t.kind !== 'inquiry_letter' && (t.replyDate != null || (t.reply != null && t.reply !== '')))
    problems.push({ code: 'reply_not_inquiry', field: 'replyDate', message: '只有函询有回复' });
  if (t.replyDate != null && t.replyDate < t.date) problems.push({ code: 'reply_before_letter', field: 'replyDate', message: '回复日期不能早于函询日期' });
  return problems;
}

/** The derived dates of a talk: a 函询's reply due date and an 诫勉's influence end. */
export function talkDates(kind: TalkKind, date: string, s: { calendar: WorkCalendar; replyWorkingDays: number; admonishmentMonths: number }) {
  return {
    replyDueDate: kind === 'inquiry_letter' ? addWorkingDays(date, s.replyWorkingDays, s.calendar) : null,
    influenceEnd: kind === 'admonishment' ? addMonths(date, s.admonishmentMonths) : null,
  };
}

/** A 函询 reply's state on `today`: answered, overdue, or due in N working days. */
export function replyState(t: { replyDate: string | null; replyDueDate: string | null }, today: string, cal: WorkCalendar): { state: 'answered' | 'overdue' | 'open'; workingDaysLeft: number | null } {
  if (t.replyDate) return { state: 'answered', workingDaysLeft: null };
  if (!t.replyDueDate) return { state: 'open', workingDaysLeft: null };
  if (today > t.replyDueDate) return { state: 'overdue', workingDaysLeft: 0 };
  return { state: 'open', workingDaysLeft: workingDaysBetween(today, t.replyDueDate, cal) };
}
