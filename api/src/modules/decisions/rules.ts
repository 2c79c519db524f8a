// 三重一大 rules (domain.md §6). Pure: the routes, the register, the PDFs and the web all use these.
// Each check returns flags — a rule id, a Chinese explanation of what is wrong on this item, and the rule
// it comes from. Flags are shown, never hidden, and never block saving a draft.
//
// Fractions are compared in integers (2·present > expected, 3·present ≥ 2·expected) so the boundaries
// are exact: exactly half is NOT a quorum, exactly two thirds IS.
import type {
  Attendance,
  DecisionCategory,
  DecisionFlag,
  DecisionStep,
  MeetingKind,
  MemberRole,
  Opinion,
  OrgKind,
  Outcome,
  Role,
  VotingMethod,
} from '@qingfeng/db/schema';

/**
 * Who reads and who records 三重一大 (domain.md §10); a secretary's scope is their own village. The
 * system administrator manages users, orgs and settings, not these records.
 */
export const DECISION_READERS: Role[] = ['org_office', 'secretary', 'inspector', 'auditor'];
export const DECISION_WRITERS: Role[] = ['org_office', 'secretary'];

// ---- labels (UI, PDF, Excel) ----

export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  subdistrict_committee: '党工委会议',
  village_party: '村党组织会议',
  joint_committees: '两委联席会议',
  party_members: '党员大会',
  villager_representatives: '村民代表会议',
  villagers: '村民会议',
};

export const CATEGORY_LABELS: Record<DecisionCategory, string> = {
  major_decision: '重大事项决策',
  cadre_appointment: '重要干部任免',
  major_project: '重大项目安排',
  large_fund: '大额度资金使用',
  ordinary: '一般事项',
};

/** The four 三重一大 categories (not `ordinary`). */
export const MAJOR_CATEGORIES = ['major_decision', 'cadre_appointment', 'major_project', 'large_fund'] as const satisfies readonly DecisionCategory[];

export const OPINION_LABELS: Record<Opinion, string> = { agree: '同意', disagree: '不同意', defer: '缓议' };
export const OUTCOME_LABELS: Record<Outcome, string> = { adopted: '通过', rejected: '未通过', deferred: '缓议' };
export const VOTING_METHOD_LABELS: Record<VotingMethod, string> = {
  show_of_hands: '举手表决',
  oral: '口头表决',
  secret_ballot: '无记名投票',
  roll_call: '记名投票',
};
export const ATTENDANCE_LABELS: Record<Attendance, string> = { present: '出席', absent: '缺席' };
export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = { member: '应到', observer: '列席' };

export const STEP_LABELS: Record<DecisionStep, string> = {
  proposal: '党组织提议',
  deliberation: '两委商议',
  members_meeting: '党员大会审议',
  resolution: '村民(代表)会议决议',
  resolution_disclosure: '决议公开',
  result_disclosure: '实施结果公开',
};
export const STEP_ORDER: readonly DecisionStep[] = ['proposal', 'deliberation', 'members_meeting', 'resolution', 'resolution_disclosure', 'result_disclosure'];
/** The four 议 before the decision. */
const DELIBERATION_STEPS: readonly DecisionStep[] = ['proposal', 'deliberation', 'members_meeting', 'resolution'];

export const RULE_LABELS: Record<string, string> = {
  no_members: '无应到人员',
  quorum: '到会人数不足半数',
  quorum_two_thirds: '到会人数不足三分之二',
  principal_unknown: '未明确主要负责人',
  principal_not_last: '主要负责人未末位表态',
  opinions_missing: '未逐一记录表态',
  non_voter: '回避或列席人员参与表决',
  absent_voter: '缺席人员有表态',
  adoption: '赞成票未超过应到半数',
  adoption_present: '赞成票未超过到会半数',
  counts_mismatch: '票数与表态不一致',
  counts_exceed: '票数多于可表决人数',
  minutes_incomplete: '表决方式或票数缺失',
  threshold: '金额达到三重一大标准',
  steps_missing: '四议两公开步骤缺失',
  steps_order: '四议两公开步骤顺序颠倒',
  members_meeting_quorum: '党员大会到会不足三分之二',
  members_meeting_adoption: '党员大会赞成票未超过应到半数',
  merge_without_dual_role: '未实行一肩挑却合并提议与商议',
};

// Where each rule comes from.
const SRC_RULES = '《中国共产党地方委员会工作条例》《关于加强对“一把手”和领导班子监督的意见》；domain.md §6';
const SRC_LAST = '《关于加强对“一把手”和领导班子监督的意见》（主要负责人末位表态）；domain.md §6';
const SRC_CADRE = '《党政领导干部选拔任用工作条例》第四十七条（讨论决定干部任免须应到会成员三分之二以上到会）；domain.md §6';
const SRC_RECUSAL = '《党政领导干部选拔任用工作条例》（回避）；列席人员不参加表决；domain.md §6';
const SRC_FOUR = '“四议两公开”工作法；《中国共产党农村基层组织工作条例》第十九条；domain.md §6';
const SRC_VILLAGE_LAW = '《村民委员会组织法》第二十二条、第二十六条';
const SRC_THRESHOLD = '三重一大事项金额标准（本单位设置）；domain.md §6';

/** Meetings whose members vote one by one (their opinions are recorded in speaking order). */
export const COMMITTEE_MEETINGS: readonly MeetingKind[] = ['subdistrict_committee', 'village_party', 'joint_committees'];
export const isCommitteeMeeting = (k: MeetingKind) => COMMITTEE_MEETINGS.includes(k);

/** Which meeting kinds an org of this kind may hold. */
export function meetingKindsFor(orgKind: OrgKind): MeetingKind[] {
  if (orgKind === 'subdistrict') return ['subdistrict_committee'];
  if (orgKind === 'village' || orgKind === 'community') return ['village_party', 'joint_committees', 'party_members', 'villager_representatives', 'villagers'];
  return [];
}

/** 村民委员会 for villages, 居民委员会 for communities. */
export function residentsCommitteeName(orgKind: OrgKind): string {
  return orgKind === 'community' ? '居民委员会' : '村民委员会';
}

// ---- fractions ----

/** More than half: 2·n > total. */
export const moreThanHalf = (n: number, total: number) => 2 * n > total;
/** At least two thirds: 3·n ≥ 2·total. */
export const atLeastTwoThirds = (n: number, total: number) => 3 * n >= 2 * total;

// ---- the item's checks ----

export interface CheckMember {
  id: number;
  name: string;
  role: MemberRole;
  isPrincipal: boolean;
  attendance: Attendance | null;
}

export interface CheckStep {
  step: DecisionStep;
  heldOn: string;
  expected: number | null;
  present: number | null;
  votesFor: number | null;
  merged: boolean;
}

export interface ItemFacts {
  meetingKind: MeetingKind;
  /** The kind of the org holding the meeting (village items follow 四议两公开). */
  orgKind: OrgKind;
  category: DecisionCategory;
  amountFen: number | null;
  /** The org's 三重一大 amount threshold in fen (default 50,000 元). */
  thresholdFen: number;
  outcome: Outcome | null;
  votingMethod: VotingMethod | null;
  votesFor: number | null;
  votesAgainst: number | null;
  votesAbstain: number | null;
  implementationDate: string | null;
  members: readonly CheckMember[];
  /** In speaking order. */
  opinions: readonly { memberId: number; opinion: Opinion }[];
  recusedMemberIds: readonly number[];
  steps: readonly CheckStep[];
  /** 一肩挑 in the village on the date of the first step (from the roster); null when unknown. */
  dualRoleOnProposal: boolean | null;
}

export const DEFAULT_THRESHOLD_FEN = 50_000 * 100;

const flag = (rule: string, message: string, source: string): DecisionFlag => ({ rule, message, source });

/** Yuan with thousands separators, from fen: 5000000 → '50,000.00'. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Quorum and adoption thresholds per meeting kind. */
interface KindRule {
  quorum: 'half' | 'two_thirds';
  /** Adoption counted on 应到 (party rules) or on those present (村民会议 / 村民代表会议). */
  adoptionBase: 'expected' | 'present';
  source: string;
}
const KIND_RULES: Record<MeetingKind, KindRule> = {
  subdistrict_committee: { quorum: 'half', adoptionBase: 'expected', source: SRC_RULES },
  village_party: { quorum: 'half', adoptionBase: 'expected', source: SRC_RULES },
  joint_committees: { quorum: 'half', adoptionBase: 'expected', source: SRC_RULES },
  party_members: { quorum: 'two_thirds', adoptionBase: 'expected', source: SRC_FOUR },
  villager_representatives: { quorum: 'two_thirds', adoptionBase: 'present', source: SRC_VILLAGE_LAW },
  villagers: { quorum: 'half', adoptionBase: 'present', source: SRC_VILLAGE_LAW },
};

/** Attendance figures of an item: 应到 (members), 实到 (present members), and who may vote. */
export function attendanceOf(members: readonly CheckMember[], recusedMemberIds: readonly number[]) {
  const voting = members.filter((m) => m.role === 'member');
  const present = voting.filter((m) => m.attendance === 'present');
  const recused = new Set(recusedMemberIds);
  return {
    expected: voting.length,
    present: present.length,
    /** Present members who have not recused. */
    eligible: present.filter((m) => !recused.has(m.id)).length,
  };
}

export function checkItem(f: ItemFacts): DecisionFlag[] {
  const flags: DecisionFlag[] = [];
  const rule = KIND_RULES[f.meetingKind];
  const { expected, present, eligible } = attendanceOf(f.members, f.recusedMemberIds);
  const decided = f.outcome === 'adopted' || f.outcome === 'rejected';

  // Quorum.
  if (expected === 0) {
    flags.push(flag('no_members', '会议未登记应到人员，无法核对到会人数和表决结果', rule.source));
  } else if (f.category === 'cadre_appointment' || rule.quorum === 'two_thirds') {
    if (!atLeastTwoThirds(present, expected))
      flags.push(
        flag(
          'quorum_two_thirds',
          f.category === 'cadre_appointment'
            ? `讨论重要干部任免，应到${expected}人、实到${present}人，未达到应到人数的三分之二，所作决定无效`
            : `应到${expected}人、实到${present}人，未达到应到人数的三分之二`,
          f.category === 'cadre_appointment' ? SRC_CADRE : rule.source,
        ),
      );
  } else if (!moreThanHalf(present, expected)) {
    flags.push(flag('quorum', `应到${expected}人、实到${present}人，到会人数未超过应到人数的半数，不得作出决定`, rule.source));
  }

  const byId = new Map(f.members.map((m) => [m.id, m]));
  const recused = new Set(f.recusedMemberIds);

  if (isCommitteeMeeting(f.meetingKind)) {
    // Opinions one by one, in speaking order, the principal last.
    if (decided && f.opinions.length === 0) flags.push(flag('opinions_missing', '已作出决定，但未逐一记录与会成员的表态意见', SRC_RULES));
    const principal = f.members.find((m) => m.role === 'member' && m.isPrincipal);
    if (!principal) {
      if (expected > 0) flags.push(flag('principal_unknown', '应到人员中未明确主要负责人（书记），无法核对末位表态', SRC_LAST));
    } else if (f.opinions.length > 0) {
      const index = f.opinions.findIndex((o) => o.memberId === principal.id);
      if (index >= 0 && index !== f.opinions.length - 1)
        flags.push(flag('principal_not_last', `主要负责人${principal.name}第${index + 1}个表态（共${f.opinions.length}人），未末位表态`, SRC_LAST));
    }
    for (const o of f.opinions) {
      const m = byId.get(o.memberId);
      if (!m) continue;
      if (m.role === 'observer') flags.push(flag('non_voter', `列席人员${m.name}不得参加表决，但记录了表态“${OPINION_LABELS[o.opinion]}”`, SRC_RECUSAL));
      else if (recused.has(m.id)) flags.push(flag('non_voter', `${m.name}已回避，不得参加表决，但记录了表态“${OPINION_LABELS[o.opinion]}”`, SRC_RECUSAL));
      else if (m.attendance !== 'present') flags.push(flag('absent_voter', `${m.name}未登记出席，但记录了表态“${OPINION_LABELS[o.opinion]}”`, SRC_RULES));
    }
    // Counts agree with the opinions (缓议 counts as abstaining).
    if (f.opinions.length > 0 && f.votesFor !== null) {
      const tally = { agree: 0, disagree: 0, defer: 0 };
      for (const o of f.opinions) {
        const m = byId.get(o.memberId);
        if (m && m.role === 'member' && !recused.has(m.id)) tally[o.opinion]++;
      }
      const counted = [f.votesFor, f.votesAgainst ?? 0, f.votesAbstain ?? 0];
      if (counted[0] !== tally.agree || counted[1] !== tally.disagree || counted[2] !== tally.defer)
        flags.push(
          flag(
            'counts_mismatch',
            `票数（同意${counted[0]}、不同意${counted[1]}、弃权/缓议${counted[2]}）与逐人表态（同意${tally.agree}、不同意${tally.disagree}、缓议${tally.defer}）不一致`,
            SRC_RULES,
          ),
        );
    }
  }

  const totalVotes = (f.votesFor ?? 0) + (f.votesAgainst ?? 0) + (f.votesAbstain ?? 0);
  if (expected > 0 && totalVotes > eligible)
    flags.push(flag('counts_exceed', `票数合计${totalVotes}，多于可参加表决的${eligible}人（出席且未回避的应到人员）`, SRC_RECUSAL));

  if (decided && (f.votingMethod === null || f.votesFor === null))
    flags.push(flag('minutes_incomplete', '已作出决定，但会议记录缺少表决方式或赞成票数', SRC_RULES));

  // Adoption.
  if (f.outcome === 'adopted' && f.votesFor !== null && expected > 0) {
    if (rule.adoptionBase === 'expected' && !moreThanHalf(f.votesFor, expected))
      flags.push(flag('adoption', `赞成${f.votesFor}票，未超过应到人数${expected}人的半数，不应作出通过的决定`, rule.source));
    if (rule.adoptionBase === 'present' && !moreThanHalf(f.votesFor, present))
      flags.push(flag('adoption_present', `赞成${f.votesFor}票，未超过到会人数${present}人的半数，不应作出通过的决定`, rule.source));
  }

  // An ordinary item whose amount reaches the threshold belongs in 三重一大.
  if (f.category === 'ordinary' && f.amountFen !== null && f.amountFen >= f.thresholdFen)
    flags.push(flag('threshold', `金额${yuan(f.amountFen)}元，达到三重一大标准${yuan(f.thresholdFen)}元，应按“大额度资金使用”等三重一大事项集体研究`, SRC_THRESHOLD));

  if ((f.orgKind === 'village' || f.orgKind === 'community') && f.category !== 'ordinary') flags.push(...checkSteps(f));
  return flags;
}

/** 四议两公开 for a village item: missing, out of order, 党员大会 attendance and adoption, merging. */
export function checkSteps(f: Pick<ItemFacts, 'steps' | 'outcome' | 'implementationDate' | 'dualRoleOnProposal'>): DecisionFlag[] {
  const flags: DecisionFlag[] = [];
  const byStep = new Map(f.steps.map((s) => [s.step, s]));
  const proposal = byStep.get('proposal');
  const merged = proposal?.merged === true;

  // Required: every step before the latest one recorded; all four 议 once decided; 决议公开 once
  // adopted; 实施结果公开 once implemented.
  const required = new Set<DecisionStep>();
  const last = Math.max(-1, ...f.steps.map((s) => STEP_ORDER.indexOf(s.step)));
  for (let i = 0; i < last; i++) required.add(STEP_ORDER[i]!);
  if (f.outcome === 'adopted' || f.outcome === 'rejected') for (const s of DELIBERATION_STEPS) required.add(s);
  if (f.outcome === 'adopted') required.add('resolution_disclosure');
  if (f.implementationDate) required.add('result_disclosure');
  if (merged) required.delete('deliberation');
  const missing = STEP_ORDER.filter((s) => required.has(s) && !byStep.has(s));
  if (missing.length) flags.push(flag('steps_missing', `缺少“四议两公开”步骤：${missing.map((s) => STEP_LABELS[s]).join('、')}`, SRC_FOUR));

  // Dates must not go backwards along the order (the same day is fine).
  const recorded = STEP_ORDER.map((s) => byStep.get(s)).filter((s): s is CheckStep => s !== undefined);
  for (let i = 1; i < recorded.length; i++) {
    const prev = recorded[i - 1]!;
    const cur = recorded[i]!;
    if (cur.heldOn < prev.heldOn)
      flags.push(flag('steps_order', `“${STEP_LABELS[cur.step]}”（${cur.heldOn}）早于前一步“${STEP_LABELS[prev.step]}”（${prev.heldOn}），顺序颠倒`, SRC_FOUR));
  }

  const mm = byStep.get('members_meeting');
  if (mm && mm.expected !== null && mm.present !== null) {
    if (mm.expected === 0 || !atLeastTwoThirds(mm.present, mm.expected))
      flags.push(flag('members_meeting_quorum', `党员大会应到${mm.expected}人、实到${mm.present}人，未达到三分之二`, SRC_FOUR));
    if (mm.votesFor !== null && !moreThanHalf(mm.votesFor, mm.expected))
      flags.push(flag('members_meeting_adoption', `党员大会赞成${mm.votesFor}票，未超过应到党员${mm.expected}人的半数`, SRC_FOUR));
  }

  if (merged && f.dualRoleOnProposal !== true)
    flags.push(
      flag(
        'merge_without_dual_role',
        f.dualRoleOnProposal === null ? '合并了党组织提议与两委商议，但无法从花名册确认当日实行“一肩挑”' : '该村在提议当日未实行“一肩挑”（书记、主任非同一人），不得合并党组织提议与两委商议',
        SRC_FOUR,
      ),
    );
  return flags;
}

// ---- counting (domain.md §6) ----

/** Counted in "集体研究三重一大事项N项": one of the four categories, decided (adopted or rejected). */
export function isCountedDecision(category: DecisionCategory, outcome: Outcome | null): boolean {
  return (MAJOR_CATEGORIES as readonly string[]).includes(category) && (outcome === 'adopted' || outcome === 'rejected');
}

/** The report sentence, with the reference's own quotation marks. */
export function decisionsSentence(n: number): string {
  return `集体研究“三重一大”事项${n}项`;
}

// ---- writing policy ----

/** Why an item cannot change its frozen parts, or null. */
export function frozenProblem(closedAt: Date | string | null): string | null {
  return closedAt ? '该议题已关闭，出席、表态和表决结果已冻结；如需更正，请添加更正记录并说明理由' : null;
}

/** Problems with an opinion list before it is saved (the same member twice). Flags cover the rest. */
export function opinionListProblem(memberIds: readonly number[]): string | null {
  return new Set(memberIds).size === memberIds.length ? null : '同一人员不能重复表态';
}

/** Months 1–12 of a 'YYYY-MM-DD' date. */
export const monthOf = (date: string) => Number(date.slice(5, 7));

/** "2021-03-05" + "09:30:00" → "2021-03-05 09:30". */
export function meetingTimeText(heldOn: string, heldTime: string | null): string {
  return heldTime ? `${heldOn} ${heldTime.slice(0, 5)}` : heldOn;
}

/** "2021-03-05" + "09:30:00" → "2021年3月5日 09:30" (documents). */
export function meetingTimeDocText(heldOn: string, heldTime: string | null): string {
  const [y, m, d] = heldOn.split('-');
  return `${y}年${Number(m)}月${Number(d)}日${heldTime ? ` ${heldTime.slice(0, 5)}` : ''}`;
}

// ---- statistics shape ----

export interface StatisticsRow {
  dim: string;
  key1: string | null;
  key2: string | null;
  n: number;
  amount: number;
}

/** Shapes the statistics statement's rows (queries.decisionStatistics) into the report. */
export function shapeStatistics(rows: readonly StatisticsRow[]) {
  const one = (dim: string) => rows.find((r) => r.dim === dim);
  const byCategory = MAJOR_CATEGORIES.map((category) => {
    const r = rows.find((x) => x.dim === 'category' && x.key1 === category);
    return { category, label: CATEGORY_LABELS[category], count: r?.n ?? 0, amountFen: r?.amount ?? 0 };
  });
  const byOrg = rows
    .filter((r) => r.dim === 'org')
    .map((r) => ({ orgId: Number(r.key1), name: r.key2 ?? '', count: r.n, amountFen: r.amount }))
    .sort((a, b) => b.count - a.count || a.orgId - b.orgId);
  const byMonth = Array.from({ length: 12 }, (_, i) => {
    const month = i + 1;
    const cells = rows.filter((r) => r.dim === 'month' && Number(r.key1) === month);
    const counts = Object.fromEntries(MAJOR_CATEGORIES.map((c) => [c, cells.find((x) => x.key2 === c)?.n ?? 0])) as Record<(typeof MAJOR_CATEGORIES)[number], number>;
    return { month, total: cells.reduce((s, x) => s + x.n, 0), counts };
  });
  const flaggedByRule = rows
    .filter((r) => r.dim === 'rule' && r.key1 !== null)
    .map((r) => ({ rule: r.key1!, label: Object.hasOwn(RULE_LABELS, r.key1!) ? RULE_LABELS[r.key1!]! : r.key1!, count: r.n }))
    .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  const decisions = one('total')?.n ?? 0;
  return {
    decisions,
    sentence: decisionsSentence(decisions),
    amountFen: one('total')?.amount ?? 0,
    allItems: one('all')?.n ?? 0,
    deferredItems: one('deferred')?.n ?? 0,
    flaggedItems: one('flagged')?.n ?? 0,
    byCategory,
    byOrg,
    byMonth,
    flaggedByRule,
  };
}

/** A moment as documents print it, in Beijing time: '2026年12月2日 05:28'. */
export function docDateTime(at: Date | string): string {
  const d = new Date(new Date(at).getTime() + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
