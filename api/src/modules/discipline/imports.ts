// Excel import of the talk and sanction ledgers (offices keep years of them in Excel), on the shared
// pipeline (api/src/excel/import.ts): template → preview → commit, all or nothing, one audit event.
// People are matched by ID number within the caller's scope (nobody is created here: register them
// first); units by name. Importing the same file twice changes nothing: a talk matches on kind, date,
// subject (or unit) and topic; a sanction on person, system, type and effective date.
import { sql, type Kysely } from 'kysely';
import type { Database, PersonCategory, PoliticalStatus, SanctionSystem, SanctionType, TalkKind, Violation } from '@qingfeng/db';
import { TALK_KINDS, SANCTION_SYSTEMS, VIOLATIONS } from '@qingfeng/db';
import { buildImportTemplate, lookup, readImportSheet, type ImportColumn, type ImportProblem, type ParsedSheet } from '../../excel/import.ts';
import { chunks, personVisible } from '../roster/queries.ts';
import { blindIndexLookup } from '../roster/id-crypt.ts';
import type { DisciplineSettings, SanctionValues, TalkValues } from './queries.ts';
import {
  influenceEnd,
  SANCTION_SYSTEM_LABELS,
  SANCTION_TYPE_LABELS,
  sanctionProblems,
  TALK_KIND_LABELS,
  talkDates,
  talkProblems,
  VIOLATION_LABELS,
  type Problem,
} from './rules.ts';

export const MAX_LEDGER_ROWS = 20_000;
const BATCH = 1000;
const like = (p: string) => `${p}%`;

// ---- talks ----

type TalkKey = 'kind' | 'date' | 'time' | 'org' | 'name' | 'idNumber' | 'count' | 'leader' | 'leaderTitle' | 'topic' | 'outcome' | 'followUp' | 'replyDate' | 'reply';
export const TALK_COLUMNS: ImportColumn<TalkKey>[] = [
  { key: 'kind', header: '类别', width: 14, required: true, list: 'kinds', note: '提醒谈话、诫勉谈话、警示谈话、函询、廉政谈话、任前廉政谈话、集体谈话' },
  { key: 'date', header: '日期', width: 12, required: true, text: true, note: '北京时间的日期，如 2021-05-10；决定记录归属的年度' },
  { key: 'time', header: '时间', width: 8, required: false, text: true, note: '可选，如 09:30' },
  { key: 'org', header: '单位', width: 16, required: false, note: '集体谈话填组织名称（须与系统一致）；不填为本单位。个别谈话取谈话对象的所属单位' },
  { key: 'name', header: '谈话对象', width: 10, required: false, note: '个别谈话必填，须与身份号码一致' },
  { key: 'idNumber', header: '谈话对象公民身份号码', width: 22, required: false, text: true, note: '个别谈话必填；人员须已在系统中登记' },
  { key: 'count', header: '参加人数', width: 10, required: false, note: '集体谈话必填' },
  { key: 'leader', header: '谈话人', width: 10, required: true, note: '' },
  { key: 'leaderTitle', header: '谈话人职务', width: 20, required: false, note: '' },
  { key: 'topic', header: '事由', width: 30, required: true, note: '' },
  { key: 'outcome', header: '结果', width: 24, required: false, note: '' },
  { key: 'followUp', header: '后续', width: 24, required: false, note: '' },
  { key: 'replyDate', header: '回复日期', width: 12, required: false, text: true, note: '仅函询' },
  { key: 'reply', header: '回复内容', width: 24, required: false, note: '仅函询' },
];

export interface TalkImportRow {
  row: number;
  kind: TalkKind;
  date: string;
  time: string | null;
  org: string | null;
  name: string | null;
  idNumber: string | null;
  count: number | null;
  leader: string;
  leaderTitle: string;
  topic: string;
  outcome: string;
  followUp: string;
  replyDate: string | null;
  reply: string | null;
}

const kindLookup = lookup(TALK_KINDS.map((k) => [TALK_KIND_LABELS[k], k] as const));

export function parseTalkWorkbook(data: ArrayBuffer | Uint8Array): ParsedSheet<TalkImportRow> {
  return readImportSheet(data, {
    sheet: '谈话台账',
    columns: TALK_COLUMNS,
    maxRows: MAX_LEDGER_ROWS,
    parseRow(r) {
      const kind = r.required('kind', r.coded('kind', kindLookup, '谈话类别')) as TalkKind | null;
      const date = r.required('date', r.date('date'));
      const leader = r.required('leader', r.text('leader', 40));
      const topic = r.required('topic', r.text('topic', 200));
      const time = r.text('time', 5);
      if (time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) r.problem('time', `“${time}”不是有效时间，格式应为 09:30`);
      const countCell = r.get('count');
      const count = countCell === null ? null : Number(countCell);
      if (count !== null && (!Number.isInteger(count) || count < 1 || count > 100_000)) r.problem('count', '参加人数应为 1–100000 的整数');
      const idNumber = r.text('idNumber', 20);
      if (!kind || !date || !leader || !topic) return null;
      return {
        row: r.row,
        kind,
        date,
        time: time || null,
        org: r.text('org', 60),
        name: r.text('name', 40),
        idNumber: idNumber ? idNumber.toUpperCase() : null,
        count,
        leader,
        leaderTitle: r.text('leaderTitle', 60) ?? '',
        topic,
        outcome: r.text('outcome', 2000) ?? '',
        followUp: r.text('followUp', 2000) ?? '',
        replyDate: r.date('replyDate'),
        reply: r.text('reply', 2000),
      };
    },
  });
}

export function buildTalkTemplate(): Promise<Buffer> {
  return buildImportTemplate({
    sheet: '谈话台账',
    columns: TALK_COLUMNS,
    lists: { kinds: TALK_KINDS.map((k) => TALK_KIND_LABELS[k]) },
    help: {
      title: '谈话函询台账 导入说明',
      lines: [
        '1. 每行一次谈话：个别谈话（提醒、诫勉、警示、函询、廉政、任前廉政）一行一人；集体谈话一行一次，填参加人数。',
        '2. 谈话对象按公民身份号码匹配，须已在系统中登记（人员 → 新增人员），姓名须与号码一致。',
        '3. 函询的回复期限、诫勉的影响期由系统按设置计算，不必填写。',
        '4. 同一文件重复导入不会重复登记（类别、日期、对象或单位、事由相同的视为同一次谈话）。',
      ],
    },
    example: [['提醒谈话', '2021-05-10', '09:30', '', '张三', '990101198001010011', '', '王志刚', '街道党工委副书记', '工作作风问题', '本人表示整改', '三个月后回访', '', '']],
  });
}

// ---- sanctions ----

type SanctionKey = 'name' | 'idNumber' | 'system' | 'type' | 'probation' | 'violation' | 'authority' | 'caseNumber' | 'decisionDate' | 'effectiveDate' | 'criminal' | 'notes';
export const SANCTION_COLUMNS: ImportColumn<SanctionKey>[] = [
  { key: 'name', header: '姓名', width: 10, required: true, note: '须与身份号码一致' },
  { key: 'idNumber', header: '公民身份号码', width: 22, required: true, text: true, note: '人员须已在系统中登记' },
  { key: 'system', header: '处分类别', width: 12, required: true, list: 'systems', note: '党纪处分、政务处分、组织处理' },
  { key: 'type', header: '处分种类', width: 14, required: true, list: 'types', note: '如 警告、严重警告、记过、免职' },
  { key: 'probation', header: '察看期', width: 8, required: false, list: 'probation', note: '仅留党察看：一年或二年' },
  { key: 'violation', header: '违反纪律', width: 12, required: true, list: 'violations', note: '六项纪律之一' },
  { key: 'authority', header: '决定机关', width: 18, required: true, note: '' },
  { key: 'caseNumber', header: '案号', width: 18, required: false, note: '' },
  { key: 'decisionDate', header: '决定日期', width: 12, required: true, text: true, note: '如 2021-05-10' },
  { key: 'effectiveDate', header: '生效日期', width: 12, required: true, text: true, note: '影响期从此日起算' },
  { key: 'criminal', header: '移送司法机关', width: 12, required: false, list: 'yesNo', note: '是/否，默认否' },
  { key: 'notes', header: '备注', width: 24, required: false, note: '' },
];

export interface SanctionImportRow {
  row: number;
  name: string;
  idNumber: string;
  system: SanctionSystem;
  type: string;
  probationMonths: number | null;
  violation: Violation;
  authority: string;
  caseNumber: string;
  decisionDate: string;
  effectiveDate: string;
  criminalReferral: boolean;
  notes: string;
}

const systemLookup = lookup(SANCTION_SYSTEMS.map((s) => [SANCTION_SYSTEM_LABELS[s], s] as const));
const violationLookup = lookup(VIOLATIONS.flatMap((v) => [[VIOLATION_LABELS[v], v] as const, [VIOLATION_LABELS[v].replace('纪律', ''), v] as const]));
const probationLookup = lookup([['一年', '12'], ['二年', '24'], ['两年', '24'], ['12', '12'], ['24', '24']]);
const yesNo = lookup([['是', 't'], ['否', 'f']]);

export function parseSanctionWorkbook(data: ArrayBuffer | Uint8Array): ParsedSheet<SanctionImportRow> {
  return readImportSheet(data, {
    sheet: '处分台账',
    columns: SANCTION_COLUMNS,
    maxRows: MAX_LEDGER_ROWS,
    parseRow(r) {
      const name = r.required('name', r.text('name', 40));
      const idNumber = r.required('idNumber', r.text('idNumber', 20));
      const system = r.required('system', r.coded('system', systemLookup, '处分类别')) as SanctionSystem | null;
      const typeText = r.required('type', r.text('type', 20));
      let type: string | null = null;
      if (system && typeText) {
        type = lookup(Object.entries(SANCTION_TYPE_LABELS[system]).map(([k, v]) => [v, k] as const)).get(typeText) ?? null;
        if (!type) r.problem('type', `“${typeText}”不是${SANCTION_SYSTEM_LABELS[system]}的种类`);
      }
      const probation = r.coded('probation', probationLookup, '察看期');
      const violation = r.required('violation', r.coded('violation', violationLookup, '违反纪律类别')) as Violation | null;
      const authority = r.required('authority', r.text('authority', 100));
      const decisionDate = r.required('decisionDate', r.date('decisionDate'));
      const effectiveDate = r.required('effectiveDate', r.date('effectiveDate'));
      const criminal = r.coded('criminal', yesNo, '是/否');
      if (!name || !idNumber || !system || !type || !violation || !authority || !decisionDate || !effectiveDate) return null;
      return {
        row: r.row,
        name,
        idNumber: idNumber.toUpperCase(),
        system,
        type,
        probationMonths: probation ? Number(probation) : null,
        violation,
        authority,
        caseNumber: r.text('caseNumber', 60) ?? '',
        decisionDate,
        effectiveDate,
        criminalReferral: criminal === 't',
        notes: r.text('notes', 2000) ?? '',
      };
    },
  });
}

export function buildSanctionTemplate(): Promise<Buffer> {
  const types = [...new Set(SANCTION_SYSTEMS.flatMap((s) => Object.values(SANCTION_TYPE_LABELS[s])))];
  return buildImportTemplate({
    sheet: '处分台账',
    columns: SANCTION_COLUMNS,
    lists: { systems: SANCTION_SYSTEMS.map((s) => SANCTION_SYSTEM_LABELS[s]), types, probation: ['一年', '二年'], violations: VIOLATIONS.map((v) => VIOLATION_LABELS[v]), yesNo: ['是', '否'] },
    help: {
      title: '处分台账 导入说明',
      lines: [
        '1. 每行一项处分。人员按公民身份号码匹配，须已在系统中登记，并已填写身份类别。',
        '2. 身份类别不允许的处分会被拒绝（如村(社区)干部的政务处分只能是警告、记过、记大过）。',
        '3. 影响期由系统按生效日期计算；导入的处分状态均为有效，撤销或申诉变更请在系统中办理。',
        '4. 同一文件重复导入不会重复登记（同一人、同一处分、同一生效日期视为同一项）。',
      ],
    },
    example: [['张三', '990101198001010011', '党纪处分', '警告', '', '廉洁纪律', '街道纪工委', '青纪〔2021〕1号', '2021-05-10', '2021-05-10', '否', '']],
  });
}

// ---- planning and applying ----

export interface LedgerSummary {
  rows: number;
  create: number;
  unchanged: number;
}

interface Plan<V> {
  problems: ImportProblem[];
  summary: LedgerSummary;
  create: V[];
}
export type TalkPlan = Plan<TalkValues>;
export type SanctionPlan = Plan<SanctionValues>;

interface ScopedPerson {
  id: number;
  name: string;
  id_number: string;
  org_unit_id: number;
  category: PersonCategory;
  political_status: PoliticalStatus;
}

/** People of the file by ID number, visible in scope (one array parameter). */
async function peopleByIdNumber(db: Kysely<Database>, scopePath: string, ids: readonly string[]): Promise<Map<string, ScopedPerson>> {
  const out = new Map<string, ScopedPerson>();
  for (const chunk of chunks([...new Set(ids)], 10_000)) {
    // Matched by blind index (the numbers are stored encrypted); the index names the number it came from.
    const lookup = blindIndexLookup(db, chunk);
    const r = await sql<Omit<ScopedPerson, 'id_number'> & { bidx: Uint8Array }>`
      SELECT pe.id, pe.name, pe.id_number_bidx AS bidx, pe.org_unit_id, pe.category, pe.political_status
      FROM person pe JOIN org_unit o ON o.id = pe.org_unit_id
      WHERE pe.id_number_bidx = ANY(${lookup.keys}::text[]::bytea[])
        AND ${personVisible(scopePath)}`.execute(db);
    for (const { bidx, ...p } of r.rows) {
      const n = lookup.numberOf(bidx)!;
      out.set(n, { ...p, id_number: n });
    }
  }
  return out;
}

/** Advisory-lock classes (two-int keys: class, org id) of the ledger imports; single-key locks live elsewhere. */
const LEDGER_LOCK = { talk: 741_311, sanction: 741_312 } as const;

/**
 * Serialises commits of one ledger per org unit: two simultaneous commits of the same file would both
 * find nothing recorded and both insert. A row's duplicate key (subject person or unit) lies in one org
 * unit, so locking the rows' units (ascending: never a deadlock) before reading what exists is enough;
 * the locks end with the transaction.
 */
async function lockLedger(db: Kysely<Database>, ledger: keyof typeof LEDGER_LOCK, orgIds: readonly number[]): Promise<void> {
  for (const chunk of chunks([...new Set(orgIds)].sort((a, b) => a - b), 10_000)) {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK[ledger])}, x.id) FROM (SELECT unnest(${chunk}::int[]) AS id ORDER BY 1) x`.execute(db);
  }
}

const flag = (problems: ImportProblem[], row: number, column: string, ps: readonly Problem[]) => {
  for (const p of ps) problems.push({ row, column, message: p.message });
};

export async function planTalkImport(
  db: Kysely<Database>,
  scope: { path: string; orgUnitId: number },
  parsed: ParsedSheet<TalkImportRow>,
  settings: DisciplineSettings,
  /** Inside the commit transaction: take the ledger locks before reading what is already recorded. */
  lock = false,
): Promise<TalkPlan> {
  const problems = [...parsed.problems];
  const people = await peopleByIdNumber(db, scope.path, parsed.rows.flatMap((r) => (r.idNumber ? [r.idNumber] : [])));
  const orgs = await db.selectFrom('org_unit').select(['id', 'name']).where('path', 'like', like(scope.path)).execute();
  const orgByName = new Map<string, number | null>();
  for (const o of orgs) orgByName.set(o.name, orgByName.has(o.name) ? null : o.id);
  const create: TalkValues[] = [];
  for (const r of parsed.rows) {
    const person = r.idNumber ? people.get(r.idNumber) : undefined;
    if (r.idNumber && !person) problems.push({ row: r.row, column: '谈话对象公民身份号码', message: '系统中（本辖区）没有这个身份号码的人员，请先登记' });
    if (person && r.name && person.name !== r.name) problems.push({ row: r.row, column: '谈话对象', message: `身份号码对应的人员是“${person.name}”，与“${r.name}”不一致` });
    const rule = talkProblems({
      kind: r.kind,
      date: r.date,
      subjectPersonId: r.kind === 'collective' ? (r.idNumber ? -1 : null) : (person?.id ?? (r.idNumber ? -1 : null)),
      ...(r.count !== null && { participantCount: r.count }),
      replyDate: r.replyDate,
      reply: r.reply,
    });
    flag(problems, r.row, '类别', rule);
    let orgId = person?.org_unit_id ?? scope.orgUnitId;
    if (r.kind === 'collective' && r.org) {
      const found = orgByName.get(r.org);
      if (found === undefined) problems.push({ row: r.row, column: '单位', message: `本辖区没有名为“${r.org}”的组织` });
      else if (found === null) problems.push({ row: r.row, column: '单位', message: `有多个名为“${r.org}”的组织，无法确定` });
      else orgId = found;
    }
    if (rule.length || (r.idNumber && !person)) continue;
    const dates = talkDates(r.kind, r.date, settings);
    create.push({
      org_unit_id: orgId,
      kind: r.kind,
      talk_date: r.date,
      talk_time: r.time,
      subject_person_id: r.kind === 'collective' ? null : person!.id,
      participant_count: r.kind === 'collective' ? r.count! : 1,
      leader_name: r.leader,
      leader_title: r.leaderTitle,
      topic: r.topic,
      outcome: r.outcome,
      follow_up: r.followUp,
      reply_due_date: dates.replyDueDate,
      reply_date: r.replyDate,
      reply: r.reply,
      influence_end: dates.influenceEnd,
    });
  }
  // Already recorded (same kind, date, subject or unit, topic): unchanged.
  const existing = new Set<string>();
  const key = (t: Pick<TalkValues, 'kind' | 'talk_date' | 'subject_person_id' | 'org_unit_id' | 'topic'>) =>
    `${t.kind}|${t.talk_date}|${t.subject_person_id ?? `o${t.org_unit_id}`}|${t.topic}`;
  if (lock) await lockLedger(db, 'talk', create.map((t) => t.org_unit_id));
  if (create.length) {
    const dates = [...new Set(create.map((t) => t.talk_date))];
    for (const chunk of chunks(dates, 10_000)) {
      const r = await db.selectFrom('talk').select(['kind', 'talk_date', 'subject_person_id', 'org_unit_id', 'topic']).where(sql<boolean>`talk_date = ANY(${chunk}::date[])`).execute();
      for (const t of r) existing.add(key(t));
    }
  }
  const fresh = create.filter((t) => !existing.has(key(t)) && (existing.add(key(t)), true));
  return { problems: problems.sort((a, b) => a.row - b.row), summary: { rows: parsed.rowCount, create: fresh.length, unchanged: create.length - fresh.length }, create: fresh };
}

export async function planSanctionImport(db: Kysely<Database>, scopePath: string, parsed: ParsedSheet<SanctionImportRow>, settings: DisciplineSettings, lock = false): Promise<SanctionPlan> {
  const problems = [...parsed.problems];
  const people = await peopleByIdNumber(db, scopePath, parsed.rows.map((r) => r.idNumber));
  const create: SanctionValues[] = [];
  for (const r of parsed.rows) {
    const person = people.get(r.idNumber);
    if (!person) {
      problems.push({ row: r.row, column: '公民身份号码', message: '系统中（本辖区）没有这个身份号码的人员，请先登记' });
      continue;
    }
    if (person.name !== r.name) problems.push({ row: r.row, column: '姓名', message: `身份号码对应的人员是“${person.name}”，与“${r.name}”不一致` });
    const rule = sanctionProblems({ category: person.category, politicalStatus: person.political_status }, r);
    flag(problems, r.row, '处分种类', rule);
    if (rule.length) continue;
    create.push({
      person_id: person.id,
      org_unit_id: person.org_unit_id,
      system: r.system,
      type: r.type as SanctionType,
      probation_months: r.probationMonths,
      violation: r.violation,
      authority: r.authority,
      case_number: r.caseNumber,
      decision_date: r.decisionDate,
      effective_date: r.effectiveDate,
      influence_end: influenceEnd({ system: r.system, type: r.type, effectiveDate: r.effectiveDate, probationMonths: r.probationMonths }, settings),
      criminal_referral: r.criminalReferral,
      notes: r.notes,
    });
  }
  const key = (s: Pick<SanctionValues, 'person_id' | 'system' | 'type' | 'effective_date'>) => `${s.person_id}|${s.system}|${s.type}|${s.effective_date}`;
  if (lock) await lockLedger(db, 'sanction', create.map((s) => s.org_unit_id));
  const existing = new Set<string>();
  for (const chunk of chunks([...new Set(create.map((s) => s.person_id))], 10_000)) {
    const r = await db.selectFrom('sanction').select(['person_id', 'system', 'type', 'effective_date']).where(sql<boolean>`person_id = ANY(${chunk}::int[])`).execute();
    for (const s of r) existing.add(key(s));
  }
  const fresh = create.filter((s) => !existing.has(key(s)) && (existing.add(key(s)), true));
  return { problems: problems.sort((a, b) => a.row - b.row), summary: { rows: parsed.rowCount, create: fresh.length, unchanged: create.length - fresh.length }, create: fresh };
}

const col = <T, V>(rows: readonly T[], f: (r: T) => V) => rows.map(f);
const boolText = (b: boolean) => (b ? 't' : 'f');

export async function applyTalkImport(trx: Kysely<Database>, plan: TalkPlan, by: number, now: Date, progress: (phase: 'talks', done: number, total: number) => unknown) {
  let done = 0;
  await progress('talks', 0, plan.create.length);
  for (const b of chunks(plan.create, BATCH)) {
    await sql`
      INSERT INTO talk (org_unit_id, kind, talk_date, talk_time, subject_person_id, participant_count, leader_name, leader_title, topic, outcome,
                        follow_up, reply_due_date, reply_date, reply, influence_end, created_by, updated_at)
      SELECT u.*, ${by}::int, ${now}::timestamptz FROM unnest(
        ${col(b, (t) => t.org_unit_id)}::int[], ${col(b, (t) => t.kind)}::text[], ${col(b, (t) => t.talk_date)}::date[], ${col(b, (t) => t.talk_time)}::text[],
        ${col(b, (t) => t.subject_person_id)}::int[], ${col(b, (t) => t.participant_count)}::int[], ${col(b, (t) => t.leader_name)}::text[],
        ${col(b, (t) => t.leader_title)}::text[], ${col(b, (t) => t.topic)}::text[], ${col(b, (t) => t.outcome)}::text[], ${col(b, (t) => t.follow_up)}::text[],
        ${col(b, (t) => t.reply_due_date)}::date[], ${col(b, (t) => t.reply_date)}::date[], ${col(b, (t) => t.reply)}::text[], ${col(b, (t) => t.influence_end)}::date[]) AS u`.execute(trx);
    done += b.length;
    await progress('talks', done, plan.create.length);
  }
}

export async function applySanctionImport(trx: Kysely<Database>, plan: SanctionPlan, by: number, now: Date, progress: (phase: 'sanctions', done: number, total: number) => unknown) {
  let done = 0;
  await progress('sanctions', 0, plan.create.length);
  for (const b of chunks(plan.create, BATCH)) {
    await sql`
      INSERT INTO sanction (person_id, org_unit_id, system, type, probation_months, violation, authority, case_number, decision_date, effective_date,
                            influence_end, criminal_referral, notes, created_by, updated_at)
      SELECT u.*, ${by}::int, ${now}::timestamptz FROM unnest(
        ${col(b, (s) => s.person_id)}::int[], ${col(b, (s) => s.org_unit_id)}::int[], ${col(b, (s) => s.system)}::text[], ${col(b, (s) => s.type)}::text[],
        ${col(b, (s) => s.probation_months)}::int[], ${col(b, (s) => s.violation)}::text[], ${col(b, (s) => s.authority)}::text[], ${col(b, (s) => s.case_number)}::text[],
        ${col(b, (s) => s.decision_date)}::date[], ${col(b, (s) => s.effective_date)}::date[], ${col(b, (s) => s.influence_end)}::date[],
        ${col(b, (s) => boolText(s.criminal_referral))}::text[]::boolean[], ${col(b, (s) => s.notes)}::text[]) AS u`.execute(trx);
    done += b.length;
    await progress('sanctions', done, plan.create.length);
  }
}
