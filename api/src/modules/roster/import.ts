// Roster import: plan (validate everything against the rows in the database, write nothing),
// then apply (batched writes inside the caller's transaction).
//
// planRosterImport reads what it needs in a few queries (villages by name, people by ID number,
// every term and post of the file's villages — one array parameter each), then checks the whole
// file in memory with the same rules as the API (rules.ts). applyRosterImport writes batches of at
// most 1,000 rows per statement, each column passed as one array (INSERT … SELECT FROM unnest), so
// a statement carries a dozen bind parameters whatever its size (PGlite's cap is 32,767): no
// per-row queries.
//
// Matching, so that importing the same file twice changes nothing:
// - people by ID number; a file's empty optional cell leaves the stored value as it is;
// - terms by village + ordinal (a new term starts on its 换届日期 and closes an open previous
//   term, ending that term's open posts — the same rule as POST /api/terms);
// - posts by person + term + committee + position + start date.
import { sql, type Kysely } from 'kysely';
import type { Committee, Database, EducationLevel, OrgKind, Gender, PoliticalStatus, Position, Post, PostHow, Term } from '@qingfeng/db';
import { nameInitials, nameStrokeKey } from '@qingfeng/db';
import { eligibilityProblems } from './eligibility.ts';
import { HEADER, type ImportColumnKey, type ImportProblem, type ImportRow, type ParsedSheet } from './excel.ts';
import type { ProblemRef } from '../../excel/import.ts';
import { chunks, lockOrgs, type PersonValues, type RosterScope } from './queries.ts';
import { blindIndexLookup, withIdNumber } from './id-crypt.ts';
import { byteaText, sealIdNumber } from '@qingfeng/db';
import { committeeName } from './labels.ts';
import { personProblems, positionLabel, postProblems, TERM_END_REASON, termAdjustments, termProblems, type PostSpan, type RuleProblem, type TermSpan } from './rules.ts';

export interface ImportSummary {
  /** Data rows in the file. */
  rows: number;
  people: { create: number; update: number; unchanged: number };
  terms: { create: number; unchanged: number; /** existing terms this import ends */ closed: number };
  posts: { create: number; update: number; unchanged: number; /** open posts ended with a closed term */ endedWithTerm: number };
}

/** What the preview shows besides the counts (each list capped at PREVIEW_LIMIT entries). */
export interface ImportChanges {
  people: { row: number; name: string; action: 'create' | 'update'; fields: string[] }[];
  terms: { row: number; village: string; ordinal: number; electionDate: string }[];
  closedTerms: { village: string; ordinal: number; endDate: string }[];
  posts: { row: number; name: string; village: string; ordinal: number; committee: string; position: string; action: 'create' | 'update' }[];
}
export const PREVIEW_LIMIT = 1000;

interface NewTerm extends TermSpan {
  key: string;
  orgUnitId: number;
  village: string;
  row: number;
}

interface NewPost {
  row: number;
  idNumber: string;
  personId: number | null;
  termKey: string;
  orgUnitId: number;
  committee: Committee;
  position: Position;
  startDate: string;
  endDate: string | null;
  endReason: string | null;
  how: PostHow;
  /** The office's written reason when the person is not eligible (domain.md §3); set by planRosterImport. */
  eligibilityOverride?: string | null;
}

export interface ImportPlan {
  problems: ImportProblem[];
  summary: ImportSummary;
  changes: ImportChanges;
  villageIds: number[];
  peopleCreate: PersonValues[];
  peopleUpdate: (PersonValues & { id: number })[];
  termsCreate: NewTerm[];
  termsClose: { id: number; endDate: string }[];
  postsCreate: NewPost[];
  postsUpdate: { id: number; endDate: string | null; endReason: string | null; how: PostHow }[];
  /** Rows added although not eligible, under the override reason (audited by the caller). */
  overridden?: { row: number; name: string }[];
}

// ---- what the planner reads ----

export interface ExistingVillage {
  id: number;
  name: string;
  kind: OrgKind;
  active: boolean;
}
export interface ExistingPerson extends PersonValues {
  id: number;
  in_scope: boolean;
  /** Registered (所属单位) inside the scope: only then may the import change the person's facts (finding 7). */
  home_in_scope: boolean;
}
export type ExistingTerm = Omit<Term, 'created_at'>;
export type ExistingPost = Omit<Post, 'created_at'> & { id_number: string; person_name: string };
export interface ImportData {
  villages: ExistingVillage[];
  people: ExistingPerson[];
  terms: ExistingTerm[];
  posts: ExistingPost[];
}

/** Keys per look-up query: one array parameter each, so this only bounds the statement's size. */
const IN_CHUNK = 10_000;
const like = (path: string) => `${path}%`;

async function fetchVillages(db: Kysely<Database>, scope: RosterScope, names: string[]): Promise<ExistingVillage[]> {
  const out: ExistingVillage[] = [];
  for (const chunk of chunks(names, IN_CHUNK)) {
    const r = await sql<ExistingVillage>`
      SELECT id, name, kind, active FROM org_unit
      WHERE path LIKE ${like(scope.path)} AND kind IN ('village', 'community') AND name = ANY(${chunk}::text[])`.execute(db);
    out.push(...r.rows);
  }
  return out;
}

/** Reads what the file refers to: a few queries whatever its size. `lock` takes the village locks first (commit). */
export async function fetchImportData(db: Kysely<Database>, scope: RosterScope, parsed: ParsedSheet, lock: boolean): Promise<ImportData> {
  const names = [...new Set(parsed.rows.map((r) => r.village))];
  const villages = names.length ? await fetchVillages(db, scope, names) : [];
  const villageIds = villages.map((v) => v.id);
  if (lock && villageIds.length) {
    await lockOrgs(db, villageIds);
    for (const chunk of chunks([...villageIds].sort((a, b) => a - b), IN_CHUNK))
      await sql`SELECT id FROM term WHERE org_unit_id = ANY(${chunk}::int[]) ORDER BY id FOR UPDATE`.execute(db);
  }
  const idNumbers = [...new Set(parsed.rows.map((r) => r.person.idNumber))];
  const people: ExistingPerson[] = [];
  for (const chunk of chunks(idNumbers, IN_CHUNK)) {
    // By blind index: the numbers are stored encrypted; the index names the file's number it matched.
    const lookup = blindIndexLookup(db, chunk);
    const r = await sql<Omit<ExistingPerson, 'id_number'> & { bidx: Uint8Array }>`
      SELECT pe.id, pe.org_unit_id, pe.name, pe.gender, pe.id_number_bidx AS bidx, pe.birth_date, pe.ethnicity, pe.political_status,
             pe.party_join_date, pe.education_full_time, pe.education_highest, pe.phone, pe.is_veteran,
             -- CASE fixes the order: the post look-up runs only for people registered outside the scope.
             (CASE WHEN o.path LIKE ${like(scope.path)} THEN true ELSE EXISTS (
               SELECT 1 FROM post vp JOIN org_unit vo ON vo.id = vp.org_unit_id
               WHERE vp.person_id = pe.id AND vo.path LIKE ${like(scope.path)}) END) AS in_scope,
             (o.path LIKE ${like(scope.path)}) AS home_in_scope
      FROM person pe JOIN org_unit o ON o.id = pe.org_unit_id
      WHERE pe.id_number_bidx = ANY(${lookup.keys}::text[]::bytea[])`.execute(db);
    for (const { bidx, ...p } of r.rows) people.push({ ...p, id_number: lookup.numberOf(bidx)! });
  }
  const terms: ExistingTerm[] = [];
  const posts: ExistingPost[] = [];
  for (const chunk of chunks(villageIds, IN_CHUNK)) {
    const t = await sql<ExistingTerm>`
      SELECT id, org_unit_id, ordinal, election_date, start_date, end_date FROM term WHERE org_unit_id = ANY(${chunk}::int[])`.execute(db);
    terms.push(...t.rows);
    const p = await sql<Omit<ExistingPost, 'id_number'> & { id_number_enc: Uint8Array }>`
      SELECT p.id, p.person_id, pe.id_number_enc, pe.name AS person_name, p.org_unit_id, p.term_id, p.committee, p.position,
             p.start_date, p.end_date, p.end_reason, p.how
      FROM post p JOIN person pe ON pe.id = p.person_id
      WHERE p.org_unit_id = ANY(${chunk}::int[])`.execute(db);
    for (const row of p.rows) posts.push(withIdNumber(db, row));
  }
  return { villages, people, terms, posts };
}

// ---- planning (pure, given the data) ----

/** The refusal when a new term would start before posts of the previous one: each post named (the first 10). */
export function latePostsMessage(village: string, prevOrdinal: number, ordinal: number, startDate: string, late: readonly Pick<ExistingPost, 'person_name' | 'committee' | 'position' | 'start_date' | 'end_date'>[]): string {
  const shown = late.slice(0, 10).map((p) => `${p.person_name}（${positionLabel(p.committee, p.position)}，${p.start_date}${p.end_date ? `至${p.end_date}` : '起'}）`);
  const more = late.length > shown.length ? `等 ${late.length} 条` : '';
  return `“${village}”第${prevOrdinal}届有 ${late.length} 条任职的日期晚于第${ordinal}届的开始日期（${startDate}）：${shown.join('、')}${more}。请先在系统中更正或删除这些任职（点击姓名打开更正页面），或核对本文件的换届日期`;
}

const PERSON_FIELDS: { key: keyof PersonValues; column: ImportColumnKey; from: (p: ImportRow['person']) => unknown; optional: boolean }[] = [
  { key: 'name', column: 'name', from: (p) => p.name, optional: false },
  { key: 'gender', column: 'gender', from: (p) => p.gender, optional: false },
  { key: 'birth_date', column: 'birthDate', from: (p) => p.birthDate, optional: false },
  { key: 'ethnicity', column: 'ethnicity', from: (p) => p.ethnicity, optional: false },
  { key: 'political_status', column: 'politicalStatus', from: (p) => p.politicalStatus, optional: false },
  { key: 'party_join_date', column: 'partyJoinDate', from: (p) => p.partyJoinDate, optional: true },
  { key: 'education_full_time', column: 'educationFullTime', from: (p) => p.educationFullTime, optional: true },
  { key: 'education_highest', column: 'educationHighest', from: (p) => p.educationHighest, optional: false },
  { key: 'phone', column: 'phone', from: (p) => p.phone, optional: true },
  { key: 'is_veteran', column: 'isVeteran', from: (p) => p.isVeteran, optional: true },
];

const PERSON_FIELD_COLUMNS: Record<string, ImportColumnKey> = {
  name: 'name',
  gender: 'gender',
  idNumber: 'idNumber',
  birthDate: 'birthDate',
  partyJoinDate: 'partyJoinDate',
  educationFullTime: 'educationFullTime',
};
const POST_PROBLEM_COLUMNS: Record<string, ImportColumnKey> = {
  second_secretary: 'position',
  second_director: 'position',
  bad_position: 'position',
  end_before_start: 'endDate',
};
const POST_FIELD_COLUMNS: Record<string, ImportColumnKey> = { startDate: 'startDate', endDate: 'endDate', position: 'position' };
const TERM_FIELD_COLUMNS: Record<string, ImportColumnKey> = { ordinal: 'ordinal', electionDate: 'electionDate', startDate: 'electionDate', endDate: 'ordinal' };

const normName = (s: string) => s.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');

/** Checks the whole file against the data and works out every write. Writes nothing. */
export function planImport(parsed: ParsedSheet, data: ImportData, today: string): ImportPlan {
  const problems: ImportProblem[] = [...parsed.problems];
  const problem = (row: number, column: ImportColumnKey | '', message: string) => problems.push({ row, column: column ? HEADER[column] : '', message });
  const bad = new Set<number>(); // rows with a problem: later checks skip them
  const flag = (row: number, column: ImportColumnKey | '', message: string) => {
    problem(row, column, message);
    bad.add(row);
  };

  // Villages by name.
  const villagesByName = new Map<string, ExistingVillage[]>();
  for (const v of data.villages) {
    const list = villagesByName.get(normName(v.name)) ?? [];
    list.push(v);
    villagesByName.set(normName(v.name), list);
  }
  const villageOf = new Map<number, ExistingVillage>();
  const normNames = new Map<string, string>();
  for (const r of parsed.rows) {
    let norm = normNames.get(r.village);
    if (norm === undefined) normNames.set(r.village, (norm = normName(r.village)));
    const list = villagesByName.get(norm) ?? [];
    if (list.length === 0) flag(r.row, 'village', `辖区内没有名为“${r.village}”的村（社区）`);
    else if (list.length > 1) flag(r.row, 'village', `辖区内有 ${list.length} 个名为“${r.village}”的村（社区），无法区分，请先在组织架构中区分名称`);
    else if (!list[0]!.active) flag(r.row, 'village', `“${r.village}”已停用`);
    else villageOf.set(r.row, list[0]!);
  }

  // People: rows of one ID number must agree; then compare with the stored person.
  const peopleByIdNumber = new Map(data.people.map((p) => [p.id_number, p]));
  const rowsByPerson = new Map<string, ImportRow[]>();
  for (const r of parsed.rows) {
    const list = rowsByPerson.get(r.person.idNumber) ?? [];
    list.push(r);
    rowsByPerson.set(r.person.idNumber, list);
  }
  const peopleCreate: PersonValues[] = [];
  const peopleUpdate: (PersonValues & { id: number })[] = [];
  const changes: ImportChanges = { people: [], terms: [], closedTerms: [], posts: [] };
  const personName = new Map<string, string>();
  const personIdOf = new Map<string, number>();
  let peopleUnchanged = 0;
  for (const [idNumber, rows] of rowsByPerson) {
    const first = rows[0]!;
    const merged: Record<string, unknown> = {};
    let consistent = true;
    for (const f of PERSON_FIELDS) {
      for (const r of rows) {
        const value = f.from(r.person);
        if (value === null) continue;
        if (merged[f.key] === undefined) merged[f.key] = value;
        else if (merged[f.key] !== value) {
          flag(r.row, f.column, `与第${first.row}行（同一公民身份号码）的${HEADER[f.column]}不一致`);
          consistent = false;
        }
      }
    }
    if (!consistent) {
      for (const r of rows) bad.add(r.row);
      continue;
    }
    const facts = personProblems(
      {
        name: merged.name as string,
        gender: merged.gender as Gender,
        idNumber,
        birthDate: merged.birth_date as string,
        partyJoinDate: (merged.party_join_date as string | undefined) ?? null,
        educationFullTime: (merged.education_full_time as EducationLevel | undefined) ?? null,
        educationHighest: merged.education_highest as EducationLevel,
      },
      today,
    ).problems;
    for (const p of facts) flag(first.row, PERSON_FIELD_COLUMNS[p.field ?? ''] ?? 'idNumber', p.message);
    if (facts.length) {
      for (const r of rows) bad.add(r.row);
      continue;
    }
    personName.set(idNumber, merged.name as string);
    const existing = peopleByIdNumber.get(idNumber);
    if (existing && !existing.in_scope) {
      flag(first.row, 'idNumber', '该公民身份号码已由辖区外的单位登记，不能在此导入，请联系上级党建办核实');
      for (const r of rows) bad.add(r.row);
      continue;
    }
    if (existing) {
      personIdOf.set(idNumber, existing.id);
      const changed: string[] = [];
      const next: PersonValues & { id: number } = {
        id: existing.id,
        org_unit_id: existing.org_unit_id,
        name: existing.name,
        gender: existing.gender,
        id_number: existing.id_number,
        birth_date: existing.birth_date,
        ethnicity: existing.ethnicity,
        political_status: existing.political_status,
        party_join_date: existing.party_join_date,
        education_full_time: existing.education_full_time,
        education_highest: existing.education_highest,
        phone: existing.phone,
        is_veteran: existing.is_veteran,
      };
      for (const f of PERSON_FIELDS) {
        const value = merged[f.key];
        if (value === undefined) continue;
        if ((existing as unknown as Record<string, unknown>)[f.key] !== value) {
          (next as unknown as Record<string, unknown>)[f.key] = value;
          changed.push(HEADER[f.column]);
        }
      }
      if (changed.length && !existing.home_in_scope) {
        // Seen here through a post only: their record is kept by their own unit (finding 7).
        flag(first.row, 'idNumber', `该人员的所属单位不在您的管辖范围内，其个人信息（${changed.join('、')}）只能由所属单位修改；请按已登记的信息填写`);
        for (const r of rows) bad.add(r.row);
        continue;
      }
      if (changed.length) {
        peopleUpdate.push(next);
        if (changes.people.length < PREVIEW_LIMIT) changes.people.push({ row: first.row, name: next.name, action: 'update', fields: changed });
      } else peopleUnchanged++;
    } else {
      const village = villageOf.get(first.row) ?? rows.map((r) => villageOf.get(r.row)).find(Boolean);
      if (!village) continue; // the village is already reported
      peopleCreate.push({
        org_unit_id: village.id,
        name: merged.name as string,
        gender: merged.gender as Gender,
        id_number: idNumber,
        birth_date: merged.birth_date as string,
        ethnicity: merged.ethnicity as string,
        political_status: merged.political_status as PoliticalStatus,
        party_join_date: (merged.party_join_date as string | undefined) ?? null,
        education_full_time: (merged.education_full_time as EducationLevel | undefined) ?? null,
        education_highest: merged.education_highest as EducationLevel,
        phone: (merged.phone as string | undefined) ?? null,
        is_veteran: (merged.is_veteran as boolean | undefined) ?? false,
      });
      if (changes.people.length < PREVIEW_LIMIT) changes.people.push({ row: first.row, name: merged.name as string, action: 'create', fields: [] });
    }
  }

  // Terms: by village + ordinal. A term's span as the rules see it, after this import.
  type Span = TermSpan & { key: string; ordinal: number; existing: ExistingTerm | null; planned: NewTerm | null; closedHere: boolean };
  const spansByVillage = new Map<number, Span[]>();
  for (const t of data.terms) {
    const list = spansByVillage.get(t.org_unit_id) ?? [];
    list.push({
      key: `id:${t.id}`,
      id: t.id,
      ordinal: t.ordinal,
      electionDate: t.election_date,
      startDate: t.start_date,
      endDate: t.end_date,
      existing: t,
      planned: null,
      closedHere: false,
    });
    spansByVillage.set(t.org_unit_id, list);
  }
  const wantedTerms = new Map<string, { village: ExistingVillage; ordinal: number; electionDate: string; row: number }>();
  const termKeyOfRow = new Map<number, string>();
  for (const r of parsed.rows) {
    const village = villageOf.get(r.row);
    if (!village) continue;
    const existing = (spansByVillage.get(village.id) ?? []).find((s) => s.ordinal === r.ordinal);
    if (existing) {
      if (existing.electionDate !== r.electionDate) flag(r.row, 'electionDate', `与系统中“${village.name}”第${r.ordinal}届的换届日期（${existing.electionDate}）不一致`);
      else termKeyOfRow.set(r.row, existing.key);
      continue;
    }
    const key = `new:${village.id}:${r.ordinal}`;
    const wanted = wantedTerms.get(key);
    if (wanted && wanted.electionDate !== r.electionDate) {
      flag(r.row, 'electionDate', `与第${wanted.row}行（${village.name}第${r.ordinal}届）的换届日期不一致`);
      continue;
    }
    if (!wanted) wantedTerms.set(key, { village, ordinal: r.ordinal, electionDate: r.electionDate, row: r.row });
    termKeyOfRow.set(r.row, key);
  }
  const termsCreate: NewTerm[] = [];
  const termsClose: { id: number; endDate: string }[] = [];
  const badTerms = new Set<string>();
  const postsOfTerm = new Map<number, ExistingPost[]>();
  for (const p of data.posts) {
    const list = postsOfTerm.get(p.term_id) ?? [];
    list.push(p);
    postsOfTerm.set(p.term_id, list);
  }
  let endedWithTerm = 0;
  const lateRefs = new Map<number, ProblemRef[]>();
  const byOrdinal = [...wantedTerms.entries()].sort((a, b) => a[1].ordinal - b[1].ordinal);
  for (const [key, w] of byOrdinal) {
    const siblings = spansByVillage.get(w.village.id) ?? [];
    const t: NewTerm = { key, orgUnitId: w.village.id, village: w.village.name, row: w.row, ordinal: w.ordinal, electionDate: w.electionDate, startDate: w.electionDate, endDate: null };
    const adj = termAdjustments(t, siblings);
    t.endDate = adj.endDate;
    const tp = termProblems(t, siblings);
    if (!tp.length && adj.closePrevious) {
      const prev = adj.closePrevious as Span;
      if (prev.existing) {
        const late = (postsOfTerm.get(prev.existing.id) ?? []).filter((p) => p.start_date >= t.startDate || (p.end_date !== null && p.end_date > t.startDate));
        if (late.length) {
          tp.push({ code: 'posts_after_new_term', message: latePostsMessage(w.village.name, prev.ordinal, t.ordinal, t.startDate, late), field: 'startDate' });
          lateRefs.set(w.row, late.map((p) => ({ kind: 'post' as const, id: p.id, label: `${p.person_name}（${positionLabel(p.committee, p.position)}）`, orgId: p.org_unit_id })));
        }
      }
    }
    if (tp.length) {
      for (const p of tp) flag(w.row, TERM_FIELD_COLUMNS[p.field ?? ''] ?? 'ordinal', `${w.village.name}第${w.ordinal}届：${p.message}`);
      const refs = lateRefs.get(w.row);
      if (refs) problems[problems.length - 1]!.refs = refs;
      badTerms.add(key);
      continue;
    }
    if (adj.closePrevious) {
      const prev = adj.closePrevious as Span;
      prev.endDate = t.startDate;
      prev.closedHere = true;
      if (prev.existing) {
        termsClose.push({ id: prev.existing.id, endDate: t.startDate });
        endedWithTerm += (postsOfTerm.get(prev.existing.id) ?? []).filter((p) => p.end_date === null).length;
        if (changes.closedTerms.length < PREVIEW_LIMIT) changes.closedTerms.push({ village: w.village.name, ordinal: prev.ordinal, endDate: t.startDate });
      } else if (prev.planned) prev.planned.endDate = t.startDate;
    }
    termsCreate.push(t);
    siblings.push({ ...t, existing: null, planned: t, closedHere: false });
    spansByVillage.set(w.village.id, siblings);
    if (changes.terms.length < PREVIEW_LIMIT) changes.terms.push({ row: w.row, village: w.village.name, ordinal: w.ordinal, electionDate: w.electionDate });
  }
  const spanOfKey = new Map<string, Span>();
  for (const list of spansByVillage.values()) for (const s of list) spanOfKey.set(s.key, s);

  // Posts: the village's stored posts as they will be after this import, plus the file's.
  const villagePosts = new Map<number, PostSpan[]>();
  const storedSpan = new Map<number, PostSpan>();
  for (const p of data.posts) {
    const term = spanOfKey.get(`id:${p.term_id}`);
    const span: PostSpan = {
      id: p.id,
      personKey: p.id_number,
      personName: p.person_name,
      termId: `id:${p.term_id}`,
      committee: p.committee,
      position: p.position,
      startDate: p.start_date,
      // An open post of a term this import closes ends with it.
      endDate: p.end_date ?? (term?.closedHere ? term.endDate : null),
      termEndDate: term?.endDate ?? null,
    };
    storedSpan.set(p.id, span);
    const list = villagePosts.get(p.org_unit_id) ?? [];
    list.push(span);
    villagePosts.set(p.org_unit_id, list);
  }
  const storedByKey = new Map(data.posts.map((p) => [`${p.id_number}|id:${p.term_id}|${p.committee}|${p.position}|${p.start_date}`, p]));
  const postsCreate: NewPost[] = [];
  const postsUpdate: ImportPlan['postsUpdate'] = [];
  const toCheck: { row: ImportRow; span: PostSpan; term: Span; orgUnitId: number }[] = [];
  const rowOfKey = new Map<string, number>();
  let postsUnchanged = 0;
  for (const r of parsed.rows) {
    if (bad.has(r.row)) continue;
    const village = villageOf.get(r.row);
    const termKey = termKeyOfRow.get(r.row);
    if (!village || !termKey || badTerms.has(termKey)) continue;
    const term = spanOfKey.get(termKey)!;
    const startDate = r.startDate ?? term.startDate;
    const key = `${r.person.idNumber}|${termKey}|${r.committee}|${r.position}|${startDate}`;
    const dup = rowOfKey.get(key);
    if (dup !== undefined) {
      flag(r.row, 'position', `与第${dup}行是同一条任职（同一人、届次、班子、职务和任职开始日期）`);
      continue;
    }
    rowOfKey.set(key, r.row);
    const stored = storedByKey.get(key);
    const name = personName.get(r.person.idNumber) ?? r.person.name;
    const change = { row: r.row, name, village: village.name, ordinal: term.ordinal, committee: committeeName(r.committee, village.kind), position: positionLabel(r.committee, r.position) };
    if (stored) {
      const span = storedSpan.get(stored.id)!;
      const endDate = r.endDate ?? span.endDate;
      const endReason = r.endReason ?? stored.end_reason;
      const how = r.how ?? stored.how;
      if (endDate === stored.end_date && endReason === stored.end_reason && how === stored.how) {
        postsUnchanged++;
        continue;
      }
      // A change only the term's closing makes is counted there, not as an update.
      if (r.endDate === null && r.endReason === null && (r.how === null || r.how === stored.how) && stored.end_date === null && term.closedHere) {
        postsUnchanged++;
        continue;
      }
      span.endDate = endDate;
      postsUpdate.push({ id: stored.id, endDate, endReason: endDate !== null && endReason === null && term.closedHere ? TERM_END_REASON : endReason, how });
      if (changes.posts.length < PREVIEW_LIMIT) changes.posts.push({ ...change, action: 'update' });
      toCheck.push({ row: r, span, term, orgUnitId: village.id });
      continue;
    }
    // A new post in a term this import closes ends with it, like the posts already there.
    const closes = term.closedHere && r.endDate === null;
    const post: NewPost = {
      row: r.row,
      idNumber: r.person.idNumber,
      personId: personIdOf.get(r.person.idNumber) ?? null,
      termKey,
      orgUnitId: village.id,
      committee: r.committee,
      position: r.position,
      startDate,
      endDate: closes ? term.endDate : r.endDate,
      endReason: closes ? TERM_END_REASON : r.endReason,
      how: r.how ?? 'elected',
    };
    postsCreate.push(post);
    const span: PostSpan = {
      id: -r.row, // not yet written: a placeholder id so that the rules skip the post itself
      personKey: r.person.idNumber,
      personName: name,
      termId: termKey,
      committee: r.committee,
      position: r.position,
      startDate,
      endDate: post.endDate,
      termEndDate: term.endDate,
    };
    const list = villagePosts.get(village.id) ?? [];
    list.push(span);
    villagePosts.set(village.id, list);
    toCheck.push({ row: r, span, term, orgUnitId: village.id });
    if (changes.posts.length < PREVIEW_LIMIT) changes.posts.push({ ...change, action: 'create' });
  }
  // Term end dates may have moved while planning (a term closed by a later one in the file).
  for (const list of villagePosts.values())
    for (const s of list) {
      const t = spanOfKey.get(String(s.termId));
      if (t) s.termEndDate = t.endDate;
    }
  const kindOf = new Map(data.villages.map((v) => [v.id, v.kind]));
  for (const c of toCheck) {
    const found: RuleProblem[] = postProblems(c.span, c.term, villagePosts.get(c.orgUnitId) ?? [], kindOf.get(c.orgUnitId));
    for (const p of found) flag(c.row.row, POST_PROBLEM_COLUMNS[p.code] ?? POST_FIELD_COLUMNS[p.field ?? ''] ?? 'startDate', p.message);
  }

  return {
    problems: problems.sort((a, b) => a.row - b.row),
    summary: {
      rows: parsed.rowCount,
      people: { create: peopleCreate.length, update: peopleUpdate.length, unchanged: peopleUnchanged },
      terms: { create: termsCreate.length, unchanged: new Set([...termKeyOfRow.values()].filter((k) => k.startsWith('id:'))).size, closed: termsClose.length },
      posts: { create: postsCreate.length, update: postsUpdate.length, unchanged: postsUnchanged, endedWithTerm },
    },
    changes,
    villageIds: [...new Set([...villageOf.values()].map((v) => v.id))],
    peopleCreate,
    peopleUpdate,
    termsCreate,
    termsClose,
    postsCreate,
    postsUpdate,
  };
}

/** Reads and plans (preview; or, with `lock`, inside the commit transaction). */
export async function planRosterImport(
  db: Kysely<Database>,
  scope: RosterScope,
  parsed: ParsedSheet,
  today: string,
  lock = false,
  /** The office's written reason to add people who are not eligible; without it they are problems. */
  eligibilityOverride: string | null = null,
): Promise<ImportPlan> {
  if (parsed.rows.length === 0) return planImport(parsed, { villages: [], people: [], terms: [], posts: [] }, today);
  const data = await fetchImportData(db, scope, parsed, lock);
  const plan = planImport(parsed, data, today);
  if (plan.problems.length === 0 && plan.postsCreate.length) {
    const eligibility = await eligibilityProblems(
      db,
      plan.postsCreate.map((p) => ({ personId: p.personId, personKey: p.idNumber, startDate: p.startDate })),
    );
    const names = new Map(parsed.rows.map((r) => [r.person.idNumber, r.person.name]));
    plan.overridden = [];
    for (const p of plan.postsCreate) {
      const e = eligibility.get(p.idNumber);
      if (!e) continue;
      if (eligibilityOverride) {
        p.eligibilityOverride = eligibilityOverride;
        plan.overridden.push({ row: p.row, name: names.get(p.idNumber) ?? '' });
      } else plan.problems.push({ row: p.row, column: HEADER.idNumber, message: e.message.replace('该人员', names.get(p.idNumber) ?? '该人员') });
    }
  }
  return plan;
}

// ---- applying ----

export type ImportPhase = 'people' | 'terms' | 'posts';
export type ImportProgress = (phase: ImportPhase, done: number, total: number) => unknown;

/**
 * Rows per statement. Each statement passes one array per column (unnest), so the bind-parameter
 * count is the column count whatever the batch size; 1,000 rows keeps statements bounded and the
 * progress lines frequent.
 */
export const BATCH_ROWS = 1000;

/** Booleans travel as 't'/'f' text: postgres.js would type a JS boolean array as a scalar boolean. */
const boolText = (b: boolean | null) => (b === null ? null : b ? 't' : 'f');
const col = <T, V>(rows: readonly T[], f: (r: T) => V) => rows.map(f);

/** Writes a plan without problems. Call inside the transaction the plan was made in (after its locks). */
export async function applyRosterImport(trx: Kysely<Database>, plan: ImportPlan, now: Date, progress: ImportProgress = () => {}): Promise<void> {
  if (plan.problems.length) throw new Error('applyRosterImport: the plan has problems');
  const personIds = new Map<string, number>();
  for (const p of plan.peopleUpdate) personIds.set(p.id_number, p.id);
  for (const p of plan.postsCreate) if (p.personId !== null) personIds.set(p.idNumber, p.personId);

  const peopleTotal = plan.peopleCreate.length + plan.peopleUpdate.length;
  let done = 0;
  await progress('people', 0, peopleTotal);
  for (const b of chunks(plan.peopleCreate, BATCH_ROWS)) {
    // Encrypted here; bytea travels as '\x…' text (both drivers pass text arrays alike). The row order is
    // kept by unnest, so the returned ids pair with the batch's numbers by position.
    const sealed = b.map((p) => sealIdNumber(trx, p.id_number));
    const r = await sql<{ id: number }>`
      INSERT INTO person (org_unit_id, name, gender, id_number_enc, id_number_bidx, id_number_tail_bidx, birth_date, ethnicity, political_status, party_join_date,
                          education_full_time, education_highest, phone, is_veteran, name_initials, name_stroke_key, updated_at)
      SELECT u.*, ${now}::timestamptz FROM unnest(
        ${col(b, (p) => p.org_unit_id)}::int[], ${col(b, (p) => p.name)}::text[], ${col(b, (p) => p.gender)}::text[],
        ${col(sealed, (s) => byteaText(s.id_number_enc))}::text[]::bytea[], ${col(sealed, (s) => byteaText(s.id_number_bidx))}::text[]::bytea[],
        ${col(sealed, (s) => byteaText(s.id_number_tail_bidx))}::text[]::bytea[], ${col(b, (p) => p.birth_date)}::date[], ${col(b, (p) => p.ethnicity)}::text[],
        ${col(b, (p) => p.political_status)}::text[], ${col(b, (p) => p.party_join_date)}::date[],
        ${col(b, (p) => p.education_full_time)}::text[], ${col(b, (p) => p.education_highest)}::text[],
        ${col(b, (p) => p.phone)}::text[], ${col(b, (p) => boolText(p.is_veteran))}::text[]::boolean[],
        ${col(b, (p) => nameInitials(p.name))}::text[], ${col(b, (p) => nameStrokeKey(p.name))}::text[]) AS u
      RETURNING id`.execute(trx);
    r.rows.forEach((row, i) => personIds.set(b[i]!.id_number, row.id));
    done += b.length;
    await progress('people', done, peopleTotal);
  }
  for (const b of chunks(plan.peopleUpdate, BATCH_ROWS)) {
    await sql`
      UPDATE person SET name = v.name, gender = v.gender, birth_date = v.birth_date, ethnicity = v.ethnicity,
        political_status = v.political_status, party_join_date = v.party_join_date, education_full_time = v.education_full_time,
        education_highest = v.education_highest, phone = v.phone, is_veteran = v.is_veteran,
        name_initials = v.name_initials, name_stroke_key = v.name_stroke_key, updated_at = ${now},
        version = person.version + 1
      FROM unnest(
        ${col(b, (p) => p.id)}::int[], ${col(b, (p) => p.name)}::text[], ${col(b, (p) => p.gender)}::text[],
        ${col(b, (p) => p.birth_date)}::date[], ${col(b, (p) => p.ethnicity)}::text[], ${col(b, (p) => p.political_status)}::text[],
        ${col(b, (p) => p.party_join_date)}::date[], ${col(b, (p) => p.education_full_time)}::text[],
        ${col(b, (p) => p.education_highest)}::text[], ${col(b, (p) => p.phone)}::text[],
        ${col(b, (p) => boolText(p.is_veteran))}::text[]::boolean[],
        ${col(b, (p) => nameInitials(p.name))}::text[], ${col(b, (p) => nameStrokeKey(p.name))}::text[])
        AS v(id, name, gender, birth_date, ethnicity, political_status, party_join_date, education_full_time, education_highest, phone, is_veteran, name_initials, name_stroke_key)
      WHERE person.id = v.id`.execute(trx);
    done += b.length;
    await progress('people', done, peopleTotal);
  }

  const termIds = new Map<string, number>();
  const termsTotal = plan.termsCreate.length + plan.termsClose.length;
  done = 0;
  await progress('terms', 0, termsTotal);
  for (const b of chunks(plan.termsCreate, BATCH_ROWS)) {
    const r = await sql<{ id: number; org_unit_id: number; ordinal: number }>`
      INSERT INTO term (org_unit_id, ordinal, election_date, start_date, end_date)
      SELECT * FROM unnest(${col(b, (t) => t.orgUnitId)}::int[], ${col(b, (t) => t.ordinal)}::int[], ${col(b, (t) => t.electionDate)}::date[],
                           ${col(b, (t) => t.startDate)}::date[], ${col(b, (t) => t.endDate)}::date[])
      RETURNING id, org_unit_id, ordinal`.execute(trx);
    for (const row of r.rows) termIds.set(`new:${row.org_unit_id}:${row.ordinal}`, row.id);
    done += b.length;
    await progress('terms', done, termsTotal);
  }
  for (const b of chunks(plan.termsClose, BATCH_ROWS)) {
    const ids = col(b, (t) => t.id);
    const ends = col(b, (t) => t.endDate);
    await sql`UPDATE term SET end_date = v.end_date FROM unnest(${ids}::int[], ${ends}::date[]) AS v(id, end_date) WHERE term.id = v.id`.execute(trx);
    // The same rule as POST /api/terms: the closed term's open posts end with it.
    await sql`
      UPDATE post SET end_date = v.end_date, end_reason = ${TERM_END_REASON}
      FROM unnest(${ids}::int[], ${ends}::date[]) AS v(id, end_date)
      WHERE post.term_id = v.id AND post.end_date IS NULL`.execute(trx);
    done += b.length;
    await progress('terms', done, termsTotal);
  }

  const termIdOf = (key: string) => (key.startsWith('id:') ? Number(key.slice(3)) : termIds.get(key)!);
  const postsTotal = plan.postsCreate.length + plan.postsUpdate.length;
  done = 0;
  await progress('posts', 0, postsTotal);
  for (const b of chunks(plan.postsCreate, BATCH_ROWS)) {
    await sql`
      INSERT INTO post (person_id, org_unit_id, term_id, committee, position, start_date, end_date, end_reason, how, eligibility_override)
      SELECT * FROM unnest(
        ${col(b, (p) => personIds.get(p.idNumber)!)}::int[], ${col(b, (p) => p.orgUnitId)}::int[], ${col(b, (p) => termIdOf(p.termKey))}::int[],
        ${col(b, (p) => p.committee)}::text[], ${col(b, (p) => p.position)}::text[], ${col(b, (p) => p.startDate)}::date[],
        ${col(b, (p) => p.endDate)}::date[], ${col(b, (p) => p.endReason)}::text[], ${col(b, (p) => p.how)}::text[],
        ${col(b, (p) => p.eligibilityOverride ?? null)}::text[])`.execute(trx);
    done += b.length;
    await progress('posts', done, postsTotal);
  }
  for (const b of chunks(plan.postsUpdate, BATCH_ROWS)) {
    await sql`
      UPDATE post SET end_date = v.end_date, end_reason = v.end_reason, how = v.how
      FROM unnest(${col(b, (p) => p.id)}::int[], ${col(b, (p) => p.endDate)}::date[], ${col(b, (p) => p.endReason)}::text[], ${col(b, (p) => p.how)}::text[])
        AS v(id, end_date, end_reason, how)
      WHERE post.id = v.id`.execute(trx);
    done += b.length;
    await progress('posts', done, postsTotal);
  }
}
