// The integrity figures (domain.md §9) and the four forms (§5), set-based over an org subtree and a
// period, and the drill-down list behind every figure. Each figure is ONE definition below (source
// table, filter, unit); the counting query and the list query are both built from it, so a figure
// and its list cannot disagree.
//
// Counting rules: a talk belongs to the period of its talk_date (an Asia/Shanghai day); a sanction to
// the period of its effective date, and only `in_force` rows count (revoked ones count nowhere; one
// changed on appeal is replaced by the new one it links to, which counts in its own right).
// The org path and the dates are inlined as checked literals (see the structure report: a generic
// plan cannot see a subtree's size through `path LIKE $1`).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, SanctionSystem, TalkKind } from '@qingfeng/db';
import {
  FIRST_FORM_TALKS,
  fourFormsFigures,
  PARTY_TYPES,
  sanctionForm,
  sanctionLabel,
  secondFormPairs,
  talkForm,
  TALK_KIND_LABELS,
  type FourForm,
  type IntegrityFigure,
  type IntegrityFigures,
  type PartyType,
} from './rules.ts';

type Source = 'talk' | 'sanction';
type Unit = 'rows' | 'participants' | 'persons';

interface FigureDef {
  source: Source;
  /** Condition on `t` (talk) or `s` (sanction), beyond scope and period. */
  where: RawBuilder<boolean>;
  unit: Unit;
}

const lit = (s: string) => sql.lit(s);
const kindIs = (...kinds: TalkKind[]) => sql<boolean>`t.kind IN (${sql.join(kinds.map(lit))})`;
const systemIs = (system: SanctionSystem) => sql<boolean>`s.system = ${lit(system)}`;

/** SQL: the form of a counted sanction aliased `s`, from the same table as rules.sanctionForm. */
export const sanctionFormSql = sql<FourForm>`(CASE WHEN s.criminal_referral THEN 'fourth'
  WHEN (s.system, s.type) IN (${sql.join(secondFormPairs().map(([a, b]) => sql`(${lit(a)}, ${lit(b)})`))}) THEN 'second' ELSE 'third' END)`;
const formIs = (form: FourForm) => sql<boolean>`${sanctionFormSql} = ${lit(form)}`;

const partyType = (t: PartyType): FigureDef => ({ source: 'sanction', where: sql`s.system = 'party' AND s.type = ${lit(t)}`, unit: 'persons' });

export const FIGURE_DEFS: Record<IntegrityFigure, FigureDef> = {
  collectiveTalks: { source: 'talk', where: kindIs('collective'), unit: 'rows' },
  collectiveTalkParticipants: { source: 'talk', where: kindIs('collective'), unit: 'participants' },
  // 个别谈话 = 提醒 + 诫勉 + 警示 (函询, 廉政谈话, 任前廉政谈话 are not in it).
  individualTalks: { source: 'talk', where: kindIs('reminder', 'admonishment', 'warning_talk'), unit: 'rows' },
  reminderTalks: { source: 'talk', where: kindIs('reminder'), unit: 'rows' },
  admonishments: { source: 'talk', where: kindIs('admonishment'), unit: 'rows' },
  warningTalks: { source: 'talk', where: kindIs('warning_talk'), unit: 'rows' },
  inquiryLetters: { source: 'talk', where: kindIs('inquiry_letter'), unit: 'rows' },
  integrityTalks: { source: 'talk', where: kindIs('integrity'), unit: 'rows' },
  preAppointmentTalks: { source: 'talk', where: kindIs('pre_appointment'), unit: 'rows' },
  // Distinct persons: a person with two party sanctions in the year counts once here and once per type.
  partySanctionedPersons: { source: 'sanction', where: systemIs('party'), unit: 'persons' },
  'partySanctions.warning': partyType('warning'),
  'partySanctions.serious_warning': partyType('serious_warning'),
  'partySanctions.removal_from_post': partyType('removal_from_post'),
  'partySanctions.probation': partyType('probation'),
  'partySanctions.expulsion': partyType('expulsion'),
  governmentSanctions: { source: 'sanction', where: systemIs('government'), unit: 'rows' },
  organizationalActions: { source: 'sanction', where: systemIs('organizational'), unit: 'rows' },
  'fourForms.first': { source: 'talk', where: kindIs(...FIRST_FORM_TALKS), unit: 'rows' },
  'fourForms.second': { source: 'sanction', where: formIs('second'), unit: 'rows' },
  'fourForms.third': { source: 'sanction', where: formIs('third'), unit: 'rows' },
  'fourForms.fourth': { source: 'sanction', where: formIs('fourth'), unit: 'rows' },
};

export interface Period {
  /** Materialised path of the org whose subtree is counted (already checked to be in scope). */
  orgPath: string;
  /** Half-open [from, to). */
  from: string;
  to: string;
}

function checkedPeriod(p: Period): Period {
  if (!/^\/(\d+\/)+$/.test(p.orgPath)) throw new Error('bad org path');
  for (const d of [p.from, p.to]) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error('bad date');
  return p;
}

export const yearPeriod = (orgPath: string, year: number): Period => ({ orgPath, from: `${year}-01-01`, to: `${year + 1}-01-01` });

/** FROM … WHERE for a source over scope and period. */
function sourceFrom(source: Source, p: Period, withPerson = false): RawBuilder<unknown> {
  const { orgPath, from, to } = checkedPeriod(p);
  const path = lit(`${orgPath}%`);
  // Lists show the person and the org they belong to; counts need neither join.
  const person =
    source === 'talk'
      ? sql.raw(withPerson ? 'LEFT JOIN person pe ON pe.id = t.subject_person_id' : '')
      : sql.raw(withPerson ? 'JOIN person pe ON pe.id = s.person_id JOIN org_unit po ON po.id = pe.org_unit_id' : '');
  return source === 'talk'
    ? sql`talk t JOIN org_unit o ON o.id = t.org_unit_id ${person}
        WHERE o.path LIKE ${path} AND t.talk_date >= ${lit(from)}::date AND t.talk_date < ${lit(to)}::date`
    : sql`sanction s JOIN org_unit o ON o.id = s.org_unit_id ${person}
        WHERE o.path LIKE ${path} AND s.effective_date >= ${lit(from)}::date AND s.effective_date < ${lit(to)}::date AND s.status = 'in_force'`;
}

function aggregate(key: string, def: FigureDef): RawBuilder<unknown> {
  const filter = sql`FILTER (WHERE ${def.where})`;
  const measure =
    def.unit === 'rows' ? sql`count(*) ${filter}` : def.unit === 'participants' ? sql`coalesce(sum(t.participant_count) ${filter}, 0)` : sql`count(DISTINCT s.person_id) ${filter}`;
  return sql`${measure}::int AS ${sql.id(key)}`;
}

/**
 * Every figure in ONE statement (one round trip): a pass over the scope's talks of the period and one
 * over its sanctions, side by side in one row. Exported so that the benchmark's raw SQL is this statement.
 */
export function integrityFiguresQuery(p: Period): RawBuilder<Record<IntegrityFigure, number>> {
  const entries = Object.entries(FIGURE_DEFS) as [IntegrityFigure, FigureDef][];
  const of = (source: Source) => sql.join(entries.filter(([, d]) => d.source === source).map(([k, d]) => aggregate(k, d)));
  return sql<Record<IntegrityFigure, number>>`
    SELECT * FROM (SELECT ${of('talk')} FROM ${sourceFrom('talk', p)}) t
    CROSS JOIN (SELECT ${of('sanction')} FROM ${sourceFrom('sanction', p)}) s`;
}

export async function integrityFigures(db: Kysely<Database>, p: Period): Promise<IntegrityFigures> {
  const v = (await integrityFiguresQuery(p).execute(db)).rows[0]!;
  return {
    collectiveTalks: v.collectiveTalks,
    collectiveTalkParticipants: v.collectiveTalkParticipants,
    individualTalks: v.individualTalks,
    reminderTalks: v.reminderTalks,
    admonishments: v.admonishments,
    warningTalks: v.warningTalks,
    inquiryLetters: v.inquiryLetters,
    integrityTalks: v.integrityTalks,
    preAppointmentTalks: v.preAppointmentTalks,
    partySanctionedPersons: v.partySanctionedPersons,
    partySanctions: Object.fromEntries(PARTY_TYPES.map((k) => [k, v[`partySanctions.${k}`]])) as Record<PartyType, number>,
    governmentSanctions: v.governmentSanctions,
    organizationalActions: v.organizationalActions,
    fourForms: fourFormsFigures({ first: v['fourForms.first'], second: v['fourForms.second'], third: v['fourForms.third'], fourth: v['fourForms.fourth'] }),
  };
}

// ---- drill-down ----

/** One counted record: a talk, a sanction, or (for person figures) a person with the sanctions that count. */
export interface FigureRecord {
  type: 'talk' | 'sanction' | 'person';
  id: number;
  date: string | null;
  orgName: string;
  personId: number | null;
  personName: string | null;
  label: string;
  participants: number | null;
  form: FourForm | null;
  rule: string | null;
  sanctions: { id: number; label: string; effectiveDate: string }[] | null;
}

interface RawRecord {
  id: number;
  d: string | null;
  org_name: string;
  person_id: number | null;
  person_name: string | null;
  kind: string | null;
  system: SanctionSystem | null;
  type: string | null;
  probation_months: number | null;
  criminal_referral: boolean | null;
  participants: number | null;
  sanctions: { id: number; system: SanctionSystem; type: string; probation_months: number | null; effective_date: string }[] | null;
  total: number;
}

function toRecord(source: Source, unit: Unit, r: RawRecord): FigureRecord {
  if (unit === 'persons')
    return {
      type: 'person',
      id: r.person_id!,
      date: null,
      orgName: r.org_name,
      personId: r.person_id,
      personName: r.person_name,
      label: (r.sanctions ?? []).map((s) => sanctionLabel(s.system, s.type, s.probation_months)).join('、'),
      participants: null,
      form: null,
      rule: null,
      sanctions: (r.sanctions ?? []).map((s) => ({ id: s.id, label: sanctionLabel(s.system, s.type, s.probation_months), effectiveDate: s.effective_date })),
    };
  if (source === 'talk') {
    const f = talkForm(r.kind as TalkKind);
    return {
      type: 'talk',
      id: r.id,
      date: r.d,
      orgName: r.org_name,
      personId: r.person_id,
      personName: r.person_name,
      label: TALK_KIND_LABELS[r.kind as TalkKind],
      participants: r.participants,
      form: f.form,
      rule: f.rule,
      sanctions: null,
    };
  }
  const f = sanctionForm({ system: r.system!, type: r.type!, criminalReferral: r.criminal_referral! });
  return {
    type: 'sanction',
    id: r.id,
    date: r.d,
    orgName: r.org_name,
    personId: r.person_id,
    personName: r.person_name,
    label: sanctionLabel(r.system!, r.type!, r.probation_months),
    participants: null,
    form: f.form,
    rule: f.rule,
    sanctions: null,
  };
}

/** The records a figure counts, paginated; `total` is the number of records (the figure, except for 人次 of collective talks). */
export async function figureRecords(db: Kysely<Database>, p: Period, figure: IntegrityFigure, page: number, pageSize: number) {
  const def = FIGURE_DEFS[figure];
  const offset = (page - 1) * pageSize;
  let q: RawBuilder<RawRecord>;
  if (def.unit === 'persons') {
    q = sql<RawRecord>`
      SELECT pe.id AS person_id, pe.id, NULL::date AS d, po.name AS org_name, pe.name AS person_name,
             json_agg(json_build_object('id', s.id, 'system', s.system, 'type', s.type, 'probation_months', s.probation_months,
                      'effective_date', to_char(s.effective_date, 'YYYY-MM-DD')) ORDER BY s.effective_date, s.id) AS sanctions,
             (count(*) OVER ())::int AS total
      FROM ${sourceFrom('sanction', p, true)} AND ${def.where}
      GROUP BY pe.id, pe.name, po.name
      ORDER BY pe.name, pe.id LIMIT ${pageSize} OFFSET ${offset}`;
  } else if (def.source === 'talk') {
    q = sql<RawRecord>`
      SELECT t.id, t.talk_date AS d, o.name AS org_name, t.subject_person_id AS person_id, pe.name AS person_name, t.kind,
             t.participant_count AS participants, (count(*) OVER ())::int AS total
      FROM ${sourceFrom('talk', p, true)} AND ${def.where}
      ORDER BY t.talk_date, t.id LIMIT ${pageSize} OFFSET ${offset}`;
  } else {
    q = sql<RawRecord>`
      SELECT s.id, s.effective_date AS d, o.name AS org_name, s.person_id, pe.name AS person_name, s.system, s.type, s.probation_months,
             s.criminal_referral, (count(*) OVER ())::int AS total
      FROM ${sourceFrom('sanction', p, true)} AND ${def.where}
      ORDER BY s.effective_date, s.id LIMIT ${pageSize} OFFSET ${offset}`;
  }
  const rows = (await q.execute(db)).rows;
  return { items: rows.map((r) => toRecord(def.source, def.unit, r)), total: rows[0]?.total ?? (await countRecords(db, p, def)), page, pageSize };
}

/** The number of records when the page is past the end (the window count needs a row). */
async function countRecords(db: Kysely<Database>, p: Period, def: FigureDef): Promise<number> {
  const measure = def.unit === 'persons' ? sql`count(DISTINCT s.person_id)` : sql`count(*)`;
  const r = await sql<{ n: number }>`SELECT ${measure}::int AS n FROM ${sourceFrom(def.source, p)} AND ${def.where}`.execute(db);
  return r.rows[0]!.n;
}

// ---- the four forms over a period ----

/** Every counted four-forms record of the period: the org path it belongs to, its day and its form. */
function formRecords(p: Period): RawBuilder<unknown> {
  return sql`(
    SELECT o.path, t.talk_date AS d, 'first'::text AS form FROM ${sourceFrom('talk', p)} AND ${FIGURE_DEFS['fourForms.first'].where}
    UNION ALL
    SELECT o.path, s.effective_date AS d, ${sanctionFormSql}::text AS form FROM ${sourceFrom('sanction', p)})`;
}

export interface FourFormsRow {
  key: string;
  first: number;
  second: number;
  third: number;
  fourth: number;
}

const formColumns = sql`count(*) FILTER (WHERE form = 'first')::int AS first, count(*) FILTER (WHERE form = 'second')::int AS second,
  count(*) FILTER (WHERE form = 'third')::int AS third, count(*) FILTER (WHERE form = 'fourth')::int AS fourth`;

/**
 * 人次 by form: in total, by month (YYYY-MM of the record's day) and by the org's direct children
 * (key = the child's id; '' = records of the org itself).
 */
export async function fourFormsBreakdown(db: Kysely<Database>, p: Period) {
  const records = formRecords(p);
  const start = p.orgPath.length + 1;
  const [total, byMonth, byOrg] = await Promise.all([
    sql<FourFormsRow>`SELECT 'total' AS key, ${formColumns} FROM ${records} r`.execute(db),
    sql<FourFormsRow>`SELECT to_char(d, 'YYYY-MM') AS key, ${formColumns} FROM ${records} r GROUP BY 1 ORDER BY 1`.execute(db),
    sql<FourFormsRow>`SELECT split_part(substr(path, ${sql.lit(start)}), '/', 1) AS key, ${formColumns} FROM ${records} r GROUP BY 1`.execute(db),
  ]);
  return { total: total.rows[0]!, byMonth: byMonth.rows, byOrg: byOrg.rows };
}
