// Excel import of a year's 三重一大 register, on the shared pipeline (template with drop-downs → preview
// by row and column → all-or-nothing commit with progress). Each row is one item; rows of the same
// org, meeting kind and date go to one meeting (an existing one when it is there). The register holds
// no attendance or opinions: imported meetings get their 应到 list from the roster where there is one
// (village party / joint meetings) and attendance stays unrecorded, so their flags say so until someone
// completes them. Items are imported open (not closed).
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database, DecisionCategory, MeetingKind, Outcome, VotingMethod } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { currentUser } from '../../http/guard.ts';
import { buildImportTemplate, lookup, readImportSheet, type ImportColumn, type ImportProblem, type ParsedSheet } from '../../excel/import.ts';
import { lockOrgs } from '../roster/queries.ts';
import { CATEGORY_LABELS, MEETING_KIND_LABELS, meetingKindsFor, OUTCOME_LABELS, VOTING_METHOD_LABELS } from './rules.ts';
import * as q from './queries.ts';

type Key = 'org' | 'kind' | 'date' | 'time' | 'place' | 'category' | 'title' | 'amount' | 'method' | 'for' | 'against' | 'abstain' | 'outcome' | 'result';

export const IMPORT_SHEET = '三重一大台账';
export const IMPORT_COLUMNS: ImportColumn<Key>[] = [
  { key: 'org', header: '单位', width: 16, required: true, note: '街道或村(社区)名称，须与系统中的组织名称一致' },
  { key: 'kind', header: '会议类型', width: 16, required: true, list: 'kinds', note: '从下拉列表选择；街道为党工委会议' },
  { key: 'date', header: '会议日期', width: 13, required: true, text: true, note: '如 2021-05-10' },
  { key: 'time', header: '开始时间', width: 10, required: false, text: true, note: '如 09:00，可不填' },
  { key: 'place', header: '地点', width: 18, required: false, note: '可不填' },
  { key: 'category', header: '议题类别', width: 16, required: true, list: 'categories', note: '从下拉列表选择' },
  { key: 'title', header: '议题', width: 40, required: true, note: '最多 200 字' },
  { key: 'amount', header: '金额（元）', width: 14, required: false, note: '数字，最多两位小数；无金额不填' },
  { key: 'method', header: '表决方式', width: 12, required: false, list: 'methods', note: '从下拉列表选择' },
  { key: 'for', header: '同意', width: 8, required: false, note: '票数' },
  { key: 'against', header: '不同意', width: 8, required: false, note: '票数' },
  { key: 'abstain', header: '弃权', width: 8, required: false, note: '票数（含缓议）' },
  { key: 'outcome', header: '结果', width: 10, required: false, list: 'outcomes', note: '通过 / 未通过 / 缓议；未表决不填' },
  { key: 'result', header: '实施结果', width: 30, required: false, note: '可不填' },
];

const KINDS = lookup(Object.entries(MEETING_KIND_LABELS).map(([k, l]) => [l, k] as const));
const CATEGORIES = lookup(Object.entries(CATEGORY_LABELS).map(([k, l]) => [l, k] as const));
const METHODS = lookup(Object.entries(VOTING_METHOD_LABELS).map(([k, l]) => [l, k] as const));
const OUTCOMES = lookup(Object.entries(OUTCOME_LABELS).map(([k, l]) => [l, k] as const));

export interface ImportRow {
  row: number;
  org: string;
  kind: MeetingKind;
  date: string;
  time: string | null;
  place: string;
  category: DecisionCategory;
  title: string;
  amountFen: number | null;
  method: VotingMethod | null;
  votesFor: number | null;
  votesAgainst: number | null;
  votesAbstain: number | null;
  outcome: Outcome | null;
  result: string;
}

export function buildDecisionTemplate() {
  return buildImportTemplate({
    sheet: IMPORT_SHEET,
    columns: IMPORT_COLUMNS,
    lists: { kinds: Object.values(MEETING_KIND_LABELS), categories: Object.values(CATEGORY_LABELS), methods: Object.values(VOTING_METHOD_LABELS), outcomes: Object.values(OUTCOME_LABELS) },
    help: {
      title: '“三重一大”事项台账导入说明',
      lines: [
        '每行一个议题；同一单位、同一会议类型、同一日期的议题归入同一次会议（系统中已有该会议时追加到该会议）。',
        '台账不含出席和逐人表态：导入后请在会议页登记出席情况、在议题页登记表态，规则提示会随之更新。',
        '同一单位同一日期已登记的同名议题不会重复导入（预览中会指出）。',
        '任何一行有问题时，整个文件都不导入。',
      ],
    },
    example: [['青岚街道', '党工委会议', '2021-03-08', '09:00', '街道党工委会议室', '重大项目安排', '研究青岚路雨污分流改造工程', 1200000, '举手表决', 7, 0, 0, '通过', '']],
  });
}

const count = (r: { get(k: Key): unknown; problem(k: Key, m: string): void }, key: Key): number | null => {
  const v = r.get(key);
  if (v === null) return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 0 || n > 100_000) {
    r.problem(key, '应为不小于 0 的整数');
    return null;
  }
  return n;
};

export function parseDecisionWorkbook(data: ArrayBuffer): ParsedSheet<ImportRow> {
  return readImportSheet(data, {
    sheet: IMPORT_SHEET,
    columns: IMPORT_COLUMNS,
    maxRows: 50_000,
    parseRow(r, problems) {
      const before = problems.length;
      const org = r.required('org', r.text('org', 60));
      const kind = r.required('kind', r.coded('kind', KINDS, '会议类型')) as MeetingKind | null;
      const date = r.required('date', r.date('date'));
      let time = r.text('time', 5);
      if (time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        r.problem('time', '时间格式应为 HH:MM');
        time = null;
      }
      const category = r.required('category', r.coded('category', CATEGORIES, '议题类别')) as DecisionCategory | null;
      const title = r.required('title', r.text('title', 200));
      let amountFen: number | null = null;
      const amount = r.get('amount');
      if (amount !== null) {
        const n = typeof amount === 'number' ? amount : Number(String(amount).replaceAll(',', '').trim());
        if (!Number.isFinite(n) || n < 0 || n > 100_000_000_000) r.problem('amount', '金额应为不小于 0 的数字（元）');
        else amountFen = Math.round(n * 100);
      }
      const row: ImportRow = {
        row: r.row,
        org: org ?? '',
        kind: kind!,
        date: date ?? '',
        time,
        place: r.text('place', 100) ?? '',
        category: category!,
        title: title ?? '',
        amountFen,
        method: r.coded('method', METHODS, '表决方式') as VotingMethod | null,
        votesFor: count(r, 'for'),
        votesAgainst: count(r, 'against'),
        votesAbstain: count(r, 'abstain'),
        outcome: r.coded('outcome', OUTCOMES, '结果') as Outcome | null,
        result: r.text('result', 4000) ?? '',
      };
      return problems.length === before ? row : null;
    },
  });
}

export interface DecisionImportPlan {
  problems: ImportProblem[];
  summary: { rows: number; meetings: number; newMeetings: number; items: number; decided: number };
  groups: { orgId: number; kind: MeetingKind; date: string; time: string | null; place: string; rows: (ImportRow & { orgId: number })[] }[];
}

export async function planDecisionImport(db: Kysely<Database>, c: Context<AppEnv>, parsed: ParsedSheet<ImportRow>, lock: boolean): Promise<DecisionImportPlan> {
  const user = currentUser(c);
  const problems = [...parsed.problems];
  const orgs = await q.meetingOrgsByName(db, user.orgPath);
  const resolved: (ImportRow & { orgId: number })[] = [];
  for (const r of parsed.rows) {
    const found = orgs.get(r.org);
    if (!found) problems.push({ row: r.row, column: '单位', message: `“${r.org}”不在您的范围内或不存在` });
    else if (found.length > 1) problems.push({ row: r.row, column: '单位', message: `有多个组织名为“${r.org}”，无法区分` });
    else if (!meetingKindsFor(found[0]!.kind).includes(r.kind)) problems.push({ row: r.row, column: '会议类型', message: `“${r.org}”不能召开${MEETING_KIND_LABELS[r.kind]}` });
    else resolved.push({ ...r, orgId: found[0]!.id });
  }
  if (lock) await lockOrgs(db, resolved.map((r) => r.orgId));
  const existing = await q.existingItemKeys(db, resolved.map((r) => r.orgId), resolved.map((r) => r.date));
  const seen = new Set<string>();
  const groups = new Map<string, DecisionImportPlan['groups'][number]>();
  for (const r of resolved) {
    const key = `${r.orgId}|${r.date}|${r.title}`;
    if (existing.has(key)) problems.push({ row: r.row, column: '议题', message: `${r.org}${r.date}已登记同名议题“${r.title}”` });
    else if (seen.has(key)) problems.push({ row: r.row, column: '议题', message: '与文件中前面的行重复' });
    seen.add(key);
    const gk = `${r.orgId}|${r.kind}|${r.date}`;
    const g = groups.get(gk) ?? { orgId: r.orgId, kind: r.kind, date: r.date, time: r.time, place: r.place, rows: [] };
    g.rows.push(r);
    groups.set(gk, g);
  }
  const existingMeetings = await q.meetingsOn(db, resolved.map((r) => r.orgId), resolved.map((r) => r.date));
  const newMeetings = [...groups.keys()].filter((k) => !existingMeetings.has(k)).length;
  return {
    problems: problems.sort((a, b) => a.row - b.row),
    summary: {
      rows: parsed.rowCount,
      meetings: groups.size,
      newMeetings,
      items: resolved.length,
      decided: resolved.filter((r) => r.category !== 'ordinary' && (r.outcome === 'adopted' || r.outcome === 'rejected')).length,
    },
    groups: [...groups.values()],
  };
}

export async function applyDecisionImport(trx: Kysely<Database>, plan: DecisionImportPlan, c: Context<AppEnv>, progress: (phase: 'meetings' | 'items' | 'flags', done: number, total: number) => unknown) {
  const user = currentUser(c);
  const now = c.get('clock').now();
  const items: Parameters<typeof q.insertItems>[1][number][] = [];
  const existing = await q.meetingsOn(trx, plan.groups.map((g) => g.orgId), plan.groups.map((g) => g.date));
  // New meetings in batches, their 应到 lists from the roster in one statement.
  const fresh = plan.groups.filter((g) => !existing.has(`${g.orgId}|${g.kind}|${g.date}`));
  const freshIds = await q.insertMeetings(
    trx,
    fresh.map((g) => ({ org_unit_id: g.orgId, kind: g.kind, held_on: g.date, held_time: g.time, place: g.place, chair: '', recorder: '', notes: '由台账导入' })),
    user.id,
    now,
  );
  await progress('meetings', fresh.length, plan.groups.length);
  const prefill = await q.prefillMembersBulk(trx, fresh.map((g, i) => ({ key: freshIds[i]!, orgId: g.orgId, kind: g.kind, date: g.date })));
  await q.insertMembers(trx, [...prefill].flatMap(([meetingId, list]) => list.map((member, i) => ({ meetingId, member, sortOrder: i + 1 }))));
  fresh.forEach((g, i) => existing.set(`${g.orgId}|${g.kind}|${g.date}`, freshIds[i]!));
  const freshSet = new Set(freshIds);
  for (const g of plan.groups) {
    const meetingId = existing.get(`${g.orgId}|${g.kind}|${g.date}`)!;
    let seq = freshSet.has(meetingId) ? 1 : await q.nextSeq(trx, meetingId);
    for (const r of g.rows)
      items.push({
        meeting_id: meetingId,
        org_unit_id: g.orgId,
        seq: seq++,
        category: r.category,
        title: r.title,
        summary: '',
        amount_fen: r.amountFen,
        proposer: '',
        motion_reason: '',
        voting_method: r.method,
        votes_for: r.votesFor,
        votes_against: r.votesAgainst,
        votes_abstain: r.votesAbstain,
        outcome: r.outcome,
        implementation_result: r.result,
        implementation_date: null,
        deferred_from_item_id: null,
      });
  }
  await progress('meetings', plan.groups.length, plan.groups.length);
  const ids = await q.insertItems(trx, items, user.id, now);
  await progress('items', ids.length, ids.length);
  for (let i = 0; i < ids.length; i += 1000) {
    await q.refreshFlags(trx, ids.slice(i, i + 1000));
    await progress('flags', Math.min(i + 1000, ids.length), ids.length);
  }
}
