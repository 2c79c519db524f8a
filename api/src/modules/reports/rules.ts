// Pure rules of the committee-structure report: figure definitions, shaping the SQL rows into the
// report object, ± changes, and the reference report's sentence (domain.md §2).
import type { EducationLevel, Gender, OrgKind } from '@qingfeng/db';
import { EDUCATION_LEVELS } from '@qingfeng/db';
import { AGE_BANDS, type AgeBandKey } from '../roster/identity.ts';
import { EDUCATION_LABELS, GENDER_LABELS } from '../roster/labels.ts';

// ---- rows of the SQL statement (queries.ts) ----

/** Figures of one side (current or previous) of a result row. */
export interface StructureRowSide {
  term_id: number | null;
  ordinal: number | null;
  election_date: string | null;
  as_of: string | null;
  /** Village rows: 1 when the village has this term, else 0. Total row: villages with this term. */
  villages: number;
  /** Total row only: range of the counted terms' election dates. */
  first_election_date: string | null;
  last_election_date: string | null;
  members: number | null;
  age35_or_under: number | null;
  female: number | null;
  female_principals: number | null;
  average_age: number | null;
  college_or_above: number | null;
  dual_role_villages: number | null;
  /** Villages with a dual-role holder ÷ villages with this term, 4 decimals (village rows: 0 or 1). */
  dual_role_ratio: number | null;
  cross_serving: number | null;
  party_members: number | null;
  /** Total row only: members per age band, in AGE_BANDS order. */
  age_bands: number[] | null;
  /** Total row only: members per 最高学历, in EDUCATION_LEVELS order. */
  education: number[] | null;
}

const SIDE_COLUMNS = [
  'term_id',
  'ordinal',
  'election_date',
  'as_of',
  'villages',
  'first_election_date',
  'last_election_date',
  'members',
  'age35_or_under',
  'female',
  'female_principals',
  'average_age',
  'college_or_above',
  'dual_role_villages',
  'dual_role_ratio',
  'cross_serving',
  'party_members',
  'age_bands',
  'education',
] as const satisfies readonly (keyof StructureRowSide)[];

type Prefixed<P extends string> = { [K in keyof StructureRowSide as `${P}${K}`]: StructureRowSide[K] };

/** One row per village in scope (in sort order), then one 'total' row; c_ = current term, p_ = previous. */
export type StructureRow = {
  row_kind: 'village' | 'total';
  org_id: number | null;
  name: string | null;
  kind: OrgKind | null;
  /** Village rows: the current term when it has no post entered yet (未录入), else null. */
  pending_term_id: number | null;
  pending_ordinal: number | null;
  pending_election_date: string | null;
} & Prefixed<'c_'> &
  Prefixed<'p_'>;

/** Reads one side of a row back into an object. */
export function rowSide(row: StructureRow, side: 'c' | 'p'): StructureRowSide {
  const r = row as unknown as Record<string, unknown>;
  return Object.fromEntries(SIDE_COLUMNS.map((k) => [k, r[`${side}_${k}`]])) as unknown as StructureRowSide;
}

// ---- the report ----

/** Exactly the keys of domain.md §2, in the order tables print them. */
export const FIGURE_KEYS = [
  'members',
  'age35OrUnder',
  'female',
  'femalePrincipals',
  'averageAge',
  'collegeOrAbove',
  'dualRoleVillages',
  'dualRoleRatio',
  'crossServing',
  'partyMembers',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export interface StructureFigures {
  members: number;
  age35OrUnder: number;
  female: number;
  femalePrincipals: number;
  /** Mean age in full years, one decimal; null when there are no members. */
  averageAge: number | null;
  collegeOrAbove: number;
  dualRoleVillages: number;
  /** dualRoleVillages ÷ villages with a term, e.g. 1 or 0.85 (4 decimals); 0 when there is none. */
  dualRoleRatio: number;
  crossServing: number;
  partyMembers: number;
}

/** Chinese labels and units for tables (web, Excel, PDF). */
export const FIGURE_LABELS: Record<FigureKey, { label: string; unit: string }> = {
  members: { label: '“两委”成员', unit: '名' },
  age35OrUnder: { label: '35岁以下年轻干部', unit: '名' },
  female: { label: '女性成员', unit: '名' },
  femalePrincipals: { label: '女性主职干部', unit: '名' },
  averageAge: { label: '平均年龄', unit: '岁' },
  collegeOrAbove: { label: '大专及以上学历', unit: '名' },
  dualRoleVillages: { label: '“一肩挑”村（社区）', unit: '个' },
  dualRoleRatio: { label: '“一肩挑”比例', unit: '%' },
  crossServing: { label: '交叉任职', unit: '名' },
  partyMembers: { label: '党员', unit: '名' },
};

export interface TermInfo {
  termId: number;
  ordinal: number;
  electionDate: string;
  /** The date the term's figures are counted at. */
  asOf: string;
}

/**
 * How a village takes part: `counted`; `not_entered` (未录入) — its current term has no post entered yet,
 * so it is listed but not counted (nor in the 一肩挑 denominator); `no_term` — no term in force at the
 * as-of date, or none elected in the requested round.
 */
export type VillageStatus = 'counted' | 'not_entered' | 'no_term';

export interface VillageRow {
  orgId: number;
  name: string;
  kind: OrgKind;
  status: VillageStatus;
  /** The 换届 round (election year) of the term shown: the counted one, or the one not entered yet. */
  round: number | null;
  /** The current term without posts (status not_entered). */
  pendingTerm: { termId: number; ordinal: number; electionDate: string } | null;
  /** Null when the village has no term in force at the as-of date. */
  currentTerm: TermInfo | null;
  /** Null when there is no current term or no term before it. */
  previousTerm: TermInfo | null;
  current: StructureFigures | null;
  previous: StructureFigures | null;
}

export interface Distribution<K extends string> {
  key: K;
  label: string;
  current: number;
  previous: number;
}

export interface CommitteeStructureReport {
  org: { id: number; name: string; kind: OrgKind };
  /** The requested date, or null: each village counted at its latest term's election date. */
  asOf: string | null;
  /** The requested 换届 round (election year), or null. */
  round: number | null;
  /** Every round in the subtree, newest first, with the number of villages that held one. */
  rounds: { year: number; villages: number }[];
  /** Which villages are in which round (the counted or not-entered term's election year), newest first. */
  roundsShown: { year: number; villages: string[] }[];
  villages: {
    /** … whose current term has no post entered yet (未录入): listed, not counted. */
    notEntered: number;
    /** Active villages and communities in the subtree. */
    inScope: number;
    /** … with a term in force (the 一肩挑 denominator and the sentence's "N个村(社区)"). */
    current: number;
    /** … whose current term has a previous term. */
    previous: number;
  };
  /** Range of the counted terms' election dates (null when none). */
  electionDates: { current: { from: string; to: string } | null; previous: { from: string; to: string } | null };
  current: StructureFigures;
  previous: StructureFigures;
  /** current − previous (the ± column); null when no village has a previous term. */
  change: StructureFigures | null;
  ageBands: Distribution<AgeBandKey>[];
  education: Distribution<EducationLevel>[];
  gender: Distribution<Gender>[];
  byVillage: VillageRow[];
  sentence: string;
}

export function emptyFigures(): StructureFigures {
  return {
    members: 0,
    age35OrUnder: 0,
    female: 0,
    femalePrincipals: 0,
    averageAge: null,
    collegeOrAbove: 0,
    dualRoleVillages: 0,
    dualRoleRatio: 0,
    crossServing: 0,
    partyMembers: 0,
  };
}

function figuresOf(r: StructureRowSide): StructureFigures {
  return {
    members: r.members ?? 0,
    age35OrUnder: r.age35_or_under ?? 0,
    female: r.female ?? 0,
    femalePrincipals: r.female_principals ?? 0,
    averageAge: r.average_age,
    collegeOrAbove: r.college_or_above ?? 0,
    dualRoleVillages: r.dual_role_villages ?? 0,
    dualRoleRatio: r.dual_role_ratio ?? 0,
    crossServing: r.cross_serving ?? 0,
    partyMembers: r.party_members ?? 0,
  };
}

// The per-village path reads the prefixed columns directly: at 50,000 villages this loop is part of
// the endpoint's overhead over the bare statement.
function villageFigures(r: StructureRow, side: 'c' | 'p'): StructureFigures {
  return side === 'c'
    ? {
        members: r.c_members ?? 0,
        age35OrUnder: r.c_age35_or_under ?? 0,
        female: r.c_female ?? 0,
        femalePrincipals: r.c_female_principals ?? 0,
        averageAge: r.c_average_age,
        collegeOrAbove: r.c_college_or_above ?? 0,
        dualRoleVillages: r.c_dual_role_villages ?? 0,
        dualRoleRatio: r.c_dual_role_ratio ?? 0,
        crossServing: r.c_cross_serving ?? 0,
        partyMembers: r.c_party_members ?? 0,
      }
    : {
        members: r.p_members ?? 0,
        age35OrUnder: r.p_age35_or_under ?? 0,
        female: r.p_female ?? 0,
        femalePrincipals: r.p_female_principals ?? 0,
        averageAge: r.p_average_age,
        collegeOrAbove: r.p_college_or_above ?? 0,
        dualRoleVillages: r.p_dual_role_villages ?? 0,
        dualRoleRatio: r.p_dual_role_ratio ?? 0,
        crossServing: r.p_cross_serving ?? 0,
        partyMembers: r.p_party_members ?? 0,
      };
}

const round = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

/** The ± column: current − previous (averageAge to one decimal, ratio to four). */
export function figureChange(current: StructureFigures, previous: StructureFigures): StructureFigures {
  return {
    members: current.members - previous.members,
    age35OrUnder: current.age35OrUnder - previous.age35OrUnder,
    female: current.female - previous.female,
    femalePrincipals: current.femalePrincipals - previous.femalePrincipals,
    averageAge: current.averageAge === null || previous.averageAge === null ? null : round(current.averageAge - previous.averageAge, 1),
    collegeOrAbove: current.collegeOrAbove - previous.collegeOrAbove,
    dualRoleVillages: current.dualRoleVillages - previous.dualRoleVillages,
    dualRoleRatio: round(current.dualRoleRatio - previous.dualRoleRatio, 4),
    crossServing: current.crossServing - previous.crossServing,
    partyMembers: current.partyMembers - previous.partyMembers,
  };
}

/** Turns the statement's rows (one per village, then the total row) into the report. */
export function shapeReport(
  rows: readonly StructureRow[],
  org: CommitteeStructureReport['org'],
  asOf: string | null,
  rounds: { round: number | null; rounds: { year: number; villages: number }[] } = { round: null, rounds: [] },
): CommitteeStructureReport {
  const byVillage: VillageRow[] = [];
  let totalRow: StructureRow | undefined;
  for (const r of rows) {
    if (r.row_kind === 'total') {
      totalRow = r;
      continue;
    }
    byVillage.push({
      orgId: r.org_id!,
      name: r.name!,
      kind: r.kind!,
      status: r.c_term_id !== null ? 'counted' : r.pending_term_id !== null ? 'not_entered' : 'no_term',
      round: r.c_election_date ? Number(r.c_election_date.slice(0, 4)) : r.pending_election_date ? Number(r.pending_election_date.slice(0, 4)) : null,
      pendingTerm: r.pending_term_id === null ? null : { termId: r.pending_term_id, ordinal: r.pending_ordinal!, electionDate: r.pending_election_date! },
      currentTerm: r.c_term_id === null ? null : { termId: r.c_term_id, ordinal: r.c_ordinal!, electionDate: r.c_election_date!, asOf: r.c_as_of! },
      previousTerm: r.p_term_id === null ? null : { termId: r.p_term_id, ordinal: r.p_ordinal!, electionDate: r.p_election_date!, asOf: r.p_as_of! },
      current: r.c_term_id === null ? null : villageFigures(r, 'c'),
      previous: r.p_term_id === null ? null : villageFigures(r, 'p'),
    });
  }
  const tc = totalRow ? rowSide(totalRow, 'c') : undefined;
  const tp = totalRow ? rowSide(totalRow, 'p') : undefined;
  const current = tc ? figuresOf(tc) : emptyFigures();
  const previous = tp ? figuresOf(tp) : emptyFigures();
  const villages = {
    notEntered: byVillage.filter((v) => v.status === 'not_entered').length,
    inScope: byVillage.length,
    current: tc?.villages ?? 0,
    previous: tp?.villages ?? 0,
  };
  const shown = new Map<number, string[]>();
  for (const v of byVillage) if (v.round !== null) shown.set(v.round, [...(shown.get(v.round) ?? []), v.name]);
  const hasPrevious = villages.previous > 0;
  const dates = (r: StructureRowSide | undefined) => (r?.first_election_date ? { from: r.first_election_date, to: r.last_election_date! } : null);
  const counts = (r: StructureRowSide | undefined, key: 'age_bands' | 'education', i: number) => r?.[key]?.[i] ?? 0;
  return {
    org,
    asOf,
    round: rounds.round,
    rounds: rounds.rounds,
    roundsShown: [...shown.entries()].sort((a, b) => b[0] - a[0]).map(([year, names]) => ({ year, villages: names })),
    villages,
    electionDates: { current: dates(tc), previous: dates(tp) },
    current,
    previous,
    change: hasPrevious ? figureChange(current, previous) : null,
    ageBands: AGE_BANDS.map((b, i) => ({ key: b.key, label: b.label, current: counts(tc, 'age_bands', i), previous: counts(tp, 'age_bands', i) })),
    education: EDUCATION_LEVELS.map((level, i) => ({
      key: level,
      label: EDUCATION_LABELS[level],
      current: counts(tc, 'education', i),
      previous: counts(tp, 'education', i),
    })),
    gender: [
      { key: 'male', label: GENDER_LABELS.male, current: current.members - current.female, previous: previous.members - previous.female },
      { key: 'female', label: GENDER_LABELS.female, current: current.female, previous: previous.female },
    ],
    byVillage,
    sentence: composeSentence({ villages: villages.current, current, previous: hasPrevious ? previous : null }),
  };
}

/** The 届次 cell of a village (web, Excel, PDF): 第N届, 第N届（未录入）, or 无在届班子. */
export function villageTermLabel(v: Pick<VillageRow, 'currentTerm' | 'pendingTerm'>): string {
  if (v.currentTerm) return `第${v.currentTerm.ordinal}届`;
  if (v.pendingTerm) return `第${v.pendingTerm.ordinal}届（未录入）`;
  return '无在届班子';
}

/** A ratio as the sentence prints it: 1 → "100%", 0.855 → "85.5%", 2/3 → "66.7%". */
export function formatPercent(ratio: number): string {
  return `${round(ratio * 100, 1)}%`;
}

/** Whole years for the sentence, half up (42.5 → 43), from the one-decimal figure the tables show. */
export function wholeYears(averageAge: number): number {
  return Math.floor(averageAge + 0.5);
}

/**
 * The change of the average age as the sentence states it: the difference of the two averages as
 * printed (each rounded to whole years first), so the sentence reads consistently — "43岁, 较上届
 * 下降5岁" always means the previous term's sentence said 48岁.
 */
export function ageChangePhrase(currentAverage: number, previousAverage: number): string {
  const d = wholeYears(previousAverage) - wholeYears(currentAverage);
  if (d > 0) return `较上届平均年龄下降${d}岁`;
  if (d < 0) return `较上届平均年龄上升${-d}岁`;
  return '与上届持平';
}

export function countChangePhrase(current: number, previous: number): string {
  const d = current - previous;
  if (d > 0) return `较上届新增${d}名`;
  if (d < 0) return `较上届减少${-d}名`;
  return '与上届持平';
}

/**
 * The reference report's paragraph (七), generated from the figures. ASCII commas, parentheses and
 * semicolons and Chinese curly quotes, exactly as the reference prints them. It has no closing
 * punctuation: in the reference the sentence continues (",实现……"), so the writer adds what follows.
 * Without a previous term the comparisons are left out.
 */
export function composeSentence(input: { villages: number; current: StructureFigures; previous: StructureFigures | null }): string {
  const { villages, current: c, previous: p } = input;
  if (villages === 0 || c.members === 0 || c.averageAge === null) return '范围内暂无在届的村(社区)“两委”成员';
  const age =
    p && p.averageAge !== null
      ? `“两委”成员平均年龄${wholeYears(c.averageAge)}岁,${ageChangePhrase(c.averageAge, p.averageAge)}`
      : `“两委”成员平均年龄${wholeYears(c.averageAge)}岁`;
  const education = p
    ? `“两委”成员中大专及以上学历${c.collegeOrAbove}名,${countChangePhrase(c.collegeOrAbove, p.collegeOrAbove)}`
    : `“两委”成员中大专及以上学历${c.collegeOrAbove}名`;
  const ratio = c.dualRoleRatio > 0 ? `“一肩挑”比例达${formatPercent(c.dualRoleRatio)}` : '“一肩挑”比例为0%';
  return (
    `圆满完成${villages}个村(社区)“两委”换届选举,共产生${c.members}名村(社区)“两委”成员,` +
    `其中35岁以下年轻干部${c.age35OrUnder}名,女性成员${c.female}名,其中女性主职干部${c.femalePrincipals}名;` +
    `${age};${education};${ratio}`
  );
}
