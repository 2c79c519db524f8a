// The annual summary (domain.md §9): the paragraphs in the reference report's own phrasing, built from
// the modules' own sentence functions (so the summary and each module's page can never phrase a figure
// differently), with every number linked to the records it counts. Pure: also used by the web page.
import { integritySentence, type IntegrityFigure, type IntegrityFigures, type SentencePart } from '../discipline/rules.ts';
import { decisionsSentence } from '../decisions/rules.ts';
import { pledgeCountPhrase, pledgeSentence } from '../pledges/rules.ts';
import { formatPercent, wholeYears, type CommitteeStructureReport } from '../reports/rules.ts';

// Not org_office (decided for issue 9, domain.md §10): the summary states talk and sanction figures, and
// its drill-downs open talk and sanction lists; the office reads neither (nor the integrity figures,
// GET /api/reports/integrity). Its own parts are on their own pages: decisions, pledges, 两委 structure.
export const SUMMARY_READERS = ['inspector', 'auditor'] as const;

/** The committee-structure keys (domain.md §2) that the 两委 sentence states. */
export type CommitteeFigure =
  | 'committee.villages'
  | 'committee.members'
  | 'committee.age35OrUnder'
  | 'committee.female'
  | 'committee.femalePrincipals'
  | 'committee.averageAge'
  | 'committee.averageAgeChange'
  | 'committee.collegeOrAbove'
  | 'committee.collegeOrAboveChange'
  | 'committee.dualRoleRatio';

export type SummaryFigure = 'decisions' | 'pledgesSigned' | IntegrityFigure | CommitteeFigure;

/** Where a figure's records are: the API list endpoint with its filter, and the page that shows it. */
export interface DrillDown {
  api: string;
  query: Record<string, string>;
  page: string;
}

/** A piece of a paragraph: text, or a number (as printed) that links to its figure's records. */
export type Part = string | { figure: SummaryFigure; text: string };

export interface Paragraph {
  key: 'committee' | 'decisions' | 'integrity' | 'pledges';
  heading: string;
  parts: Part[];
}

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();

/** The drill-down of every figure: the modules' own list endpoints and pages, with the figure's filter. */
export function drillDown(figure: SummaryFigure, org: number, year: number): DrillDown {
  const base = { org: String(org), year: String(year) };
  if (figure === 'decisions') {
    const query = { ...base, counted: 'yes' };
    return { api: '/api/reports/decisions/items', query, page: `/reports/decisions/items?${qs(query)}` };
  }
  if (figure === 'pledgesSigned') return { api: '/api/reports/pledges/records', query: base, page: `/reports/pledges?${qs(base)}` };
  if (figure.startsWith('committee.')) {
    const query = { org: String(org) };
    return { api: '/api/reports/committee-structure', query, page: `/reports/committee-structure?${qs(query)}` };
  }
  const query = { ...base, figure };
  return { api: '/api/reports/integrity/records', query, page: `/discipline/integrity/records?${qs(query)}` };
}

/**
 * Splits a sentence produced by a module into parts, linking the given numbers in order: each is the
 * next whole number (not part of a longer one) equal to its text after the previous match. A number
 * the sentence leaves out (e.g. a change phrased "与上届持平") stays unlinked.
 */
export function linkNumbers(sentence: string, figures: readonly { figure: SummaryFigure; text: string }[]): Part[] {
  const parts: Part[] = [];
  let cursor = 0;
  for (const f of figures) {
    const re = new RegExp(`(?<![0-9.])${f.text.replace(/[.]/g, '\\.')}(?![0-9.])`, 'g');
    re.lastIndex = cursor;
    const m = re.exec(sentence);
    if (!m) continue;
    if (m.index > cursor) parts.push(sentence.slice(cursor, m.index));
    parts.push({ figure: f.figure, text: f.text });
    cursor = m.index + f.text.length;
  }
  if (cursor < sentence.length) parts.push(sentence.slice(cursor));
  return parts;
}

export const partsText = (parts: readonly Part[]) => parts.map((p) => (typeof p === 'string' ? p : p.text)).join('');

/** Whether the structure report counts a term elected in `year` (the 两委 sentence is written then). */
export function electedInYear(report: Pick<CommitteeStructureReport, 'byVillage'>, year: number): boolean {
  return report.byVillage.some((v) => v.currentTerm !== null && v.currentTerm.electionDate.startsWith(`${year}-`));
}

/** The 两委 sentence (the structure report's own), with its numbers linked. */
export function committeeParagraph(r: CommitteeStructureReport): Part[] {
  const c = r.current;
  const p = r.change ? r.previous : null;
  const nums: { figure: SummaryFigure; text: string }[] = [
    { figure: 'committee.villages', text: String(r.villages.current) },
    { figure: 'committee.members', text: String(c.members) },
    { figure: 'committee.age35OrUnder', text: String(c.age35OrUnder) },
    { figure: 'committee.female', text: String(c.female) },
    { figure: 'committee.femalePrincipals', text: String(c.femalePrincipals) },
  ];
  if (c.averageAge !== null) {
    nums.push({ figure: 'committee.averageAge', text: String(wholeYears(c.averageAge)) });
    if (p && p.averageAge !== null) nums.push({ figure: 'committee.averageAgeChange', text: String(Math.abs(wholeYears(p.averageAge) - wholeYears(c.averageAge))) });
  }
  nums.push({ figure: 'committee.collegeOrAbove', text: String(c.collegeOrAbove) });
  if (p) nums.push({ figure: 'committee.collegeOrAboveChange', text: String(Math.abs(c.collegeOrAbove - p.collegeOrAbove)) });
  nums.push({ figure: 'committee.dualRoleRatio', text: formatPercent(c.dualRoleRatio).replace('%', '') });
  return linkNumbers(`${r.sentence}。`, nums);
}

// The year prefix stays outside the linked sentence, so a count equal to the year cannot link the year.
export const decisionsParagraph = (year: number, n: number): Part[] => [`${year}年,`, ...linkNumbers(`${decisionsSentence(n)}。`, [{ figure: 'decisions', text: String(n) }])];

export function integrityParagraph(year: number, f: IntegrityFigures): Part[] {
  const parts: Part[] = integritySentence(f).map((p: SentencePart) => (typeof p === 'string' ? p : { figure: p.figure, text: String(p.value) }));
  return [`${year}年,`, ...parts, '。'];
}

export function pledgesParagraph(n: number): Part[] {
  const phrase = pledgeCountPhrase(n);
  return linkNumbers(`${pledgeSentence(n)}。`, [{ figure: 'pledgesSigned', text: phrase.replace(/余?份$/, '') }]);
}

export interface SummaryFigures {
  year: number;
  decisions: number;
  integrity: IntegrityFigures;
  pledgesSigned: number;
  committee: CommitteeStructureReport | null;
}

/** The section's paragraphs in the reference's order: 两委 (only in an election year), 三重一大, talks and sanctions, pledges. */
export function summaryParagraphs(s: SummaryFigures): Paragraph[] {
  const out: Paragraph[] = [];
  if (s.committee) out.push({ key: 'committee', heading: '村(社区)“两委”换届', parts: committeeParagraph(s.committee) });
  out.push({ key: 'decisions', heading: '“三重一大”事项集体决策', parts: decisionsParagraph(s.year, s.decisions) });
  out.push({ key: 'integrity', heading: '谈话和党纪处分', parts: integrityParagraph(s.year, s.integrity) });
  out.push({ key: 'pledges', heading: '廉洁自律承诺', parts: pledgesParagraph(s.pledgesSigned) });
  return out;
}

// ---- checks on the records (what would make a figure doubtful) ----

export const CHECKS = ['talkWithoutLeader', 'sanctionWithoutEffectiveDate', 'inquiryOverdue', 'itemNotClosed', 'campaignOpen'] as const;
export type Check = (typeof CHECKS)[number];

export const CHECK_LABELS: Record<Check, { label: string; why: string }> = {
  talkWithoutLeader: { label: '未记录谈话人的谈话', why: '“街道领导班子成员开展谈话”以谈话人为准，缺谈话人的记录无法核实' },
  sanctionWithoutEffectiveDate: { label: '缺少生效日期的处分', why: '处分按生效日期计入年度，缺生效日期则无法计入' },
  inquiryOverdue: { label: '逾期未回复的函询', why: '函询已过回复期限仍未登记回复' },
  itemNotClosed: { label: '未办结的“三重一大”议题', why: '议题未办结，表决和出席情况仍可能修改' },
  campaignOpen: { label: '仍在进行的承诺书签署活动', why: '活动未结束，签订份数仍可能增加' },
};

/** A check's record link: the detail page of the record. */
export function checkRecordHref(check: Check, id: number): string {
  switch (check) {
    case 'talkWithoutLeader':
    case 'inquiryOverdue':
      return `/discipline/talks/${id}`;
    case 'sanctionWithoutEffectiveDate':
      return `/discipline/sanctions/${id}`;
    case 'itemNotClosed':
      return `/decisions/items/${id}`;
    case 'campaignOpen':
      return `/pledges/${id}`;
  }
}

/** [from, to) of a calendar year as Asia/Shanghai days. */
export const yearDays = (year: number) => ({ from: `${year}-01-01`, to: `${year + 1}-01-01` });

// ---- the report (shaped from the figure statements' results) ----

export interface SummaryInput extends SummaryFigures {
  org: { id: number; name: string };
  decisionsByCategory: { category: string; label: string; count: number; amountFen: number }[];
  pledgesByVillage: { orgUnitId: number; orgName: string; pledgesSigned: number }[];
}

/** Every figure key of domain.md §9 that a paragraph or a table can link, with its value. */
export function figureValues(s: SummaryFigures): Partial<Record<SummaryFigure, number>> {
  const f = s.integrity;
  const out: Partial<Record<SummaryFigure, number>> = {
    decisions: s.decisions,
    pledgesSigned: s.pledgesSigned,
    collectiveTalks: f.collectiveTalks,
    collectiveTalkParticipants: f.collectiveTalkParticipants,
    individualTalks: f.individualTalks,
    reminderTalks: f.reminderTalks,
    admonishments: f.admonishments,
    warningTalks: f.warningTalks,
    inquiryLetters: f.inquiryLetters,
    integrityTalks: f.integrityTalks,
    preAppointmentTalks: f.preAppointmentTalks,
    partySanctionedPersons: f.partySanctionedPersons,
    governmentSanctions: f.governmentSanctions,
    organizationalActions: f.organizationalActions,
    'fourForms.first': f.fourForms.first.count,
    'fourForms.second': f.fourForms.second.count,
    'fourForms.third': f.fourForms.third.count,
    'fourForms.fourth': f.fourForms.fourth.count,
  };
  for (const [t, n] of Object.entries(f.partySanctions)) out[`partySanctions.${t}` as IntegrityFigure] = n;
  if (s.committee) {
    const c = s.committee.current;
    Object.assign(out, {
      'committee.villages': s.committee.villages.current,
      'committee.members': c.members,
      'committee.age35OrUnder': c.age35OrUnder,
      'committee.female': c.female,
      'committee.femalePrincipals': c.femalePrincipals,
      'committee.collegeOrAbove': c.collegeOrAbove,
    });
  }
  return out;
}

/** The JSON answer's body: the §9 keys, the paragraphs, the drill-down of every figure and the tables. */
export function shapeSummary(s: SummaryInput) {
  const f = s.integrity;
  const values = figureValues(s);
  const drillDowns = Object.fromEntries(Object.keys(values).map((k) => [k, drillDown(k as SummaryFigure, s.org.id, s.year)])) as Partial<Record<SummaryFigure, DrillDown>>;
  const paragraphs = summaryParagraphs(s);
  return {
    org: s.org,
    year: s.year,
    figures: {
      decisions: s.decisions,
      collectiveTalks: f.collectiveTalks,
      collectiveTalkParticipants: f.collectiveTalkParticipants,
      individualTalks: f.individualTalks,
      reminderTalks: f.reminderTalks,
      admonishments: f.admonishments,
      warningTalks: f.warningTalks,
      inquiryLetters: f.inquiryLetters,
      integrityTalks: f.integrityTalks,
      preAppointmentTalks: f.preAppointmentTalks,
      partySanctionedPersons: f.partySanctionedPersons,
      partySanctions: f.partySanctions,
      governmentSanctions: f.governmentSanctions,
      organizationalActions: f.organizationalActions,
      fourForms: f.fourForms,
      pledgesSigned: s.pledgesSigned,
      pledgesPhrase: pledgeCountPhrase(s.pledgesSigned),
      committeeStructure: s.committee ? { ...s.committee.current, villages: s.committee.villages.current, previous: s.committee.change ? s.committee.previous : null, change: s.committee.change } : null,
    },
    paragraphs: paragraphs.map((p) => ({ ...p, text: partsText(p.parts) })),
    drillDowns,
    tables: {
      decisionsByCategory: s.decisionsByCategory,
      pledgesByVillage: s.pledgesByVillage,
      committeeByVillage: s.committee
        ? s.committee.byVillage.map((v) => ({ orgId: v.orgId, name: v.name, electionDate: v.currentTerm?.electionDate ?? null, current: v.current, previous: v.previous }))
        : null,
    },
  };
}
