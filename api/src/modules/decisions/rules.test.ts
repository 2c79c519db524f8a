import { describe, expect, it } from 'vitest';
import {
  atLeastTwoThirds,
  checkItem,
  checkSteps,
  decisionsSentence,
  isCountedDecision,
  moreThanHalf,
  yuan,
  type CheckMember,
  type CheckStep,
  type ItemFacts,
} from './rules.ts';

/** n members, the first `present` present; member 1 is the principal. */
function members(n: number, present: number, o: { observers?: number; principal?: boolean } = {}): CheckMember[] {
  const list: CheckMember[] = [];
  for (let i = 1; i <= n; i++)
    list.push({ id: i, name: `成员${i}`, role: 'member', isPrincipal: (o.principal ?? true) && i === 1, attendance: i <= present ? 'present' : 'absent' });
  for (let i = 1; i <= (o.observers ?? 0); i++) list.push({ id: 100 + i, name: `列席${i}`, role: 'observer', isPrincipal: false, attendance: 'present' });
  return list;
}

/** Every present member agrees, the principal (member 1) last; counts agree. */
function facts(o: Partial<ItemFacts> & { n?: number; present?: number } = {}): ItemFacts {
  const n = o.n ?? 7;
  const present = o.present ?? n;
  const list = o.members ?? members(n, present);
  const voters = list.filter((m) => m.role === 'member' && m.attendance === 'present');
  const opinions = o.opinions ?? [...voters.filter((m) => !m.isPrincipal), ...voters.filter((m) => m.isPrincipal)].map((m) => ({ memberId: m.id, opinion: 'agree' as const }));
  return {
    meetingKind: 'subdistrict_committee',
    orgKind: 'subdistrict',
    category: 'major_decision',
    amountFen: null,
    thresholdFen: 5_000_000,
    outcome: 'adopted',
    votingMethod: 'show_of_hands',
    votesFor: opinions.length,
    votesAgainst: 0,
    votesAbstain: 0,
    implementationDate: null,
    members: list,
    opinions,
    recusedMemberIds: [],
    steps: [],
    dualRoleOnProposal: null,
    ...o,
  };
}
const rules = (f: ItemFacts) => checkItem(f).map((x) => x.rule);

describe('fractions are exact', () => {
  it('more than half: exactly half is not enough', () => {
    expect(moreThanHalf(3, 6)).toBe(false);
    expect(moreThanHalf(4, 6)).toBe(true);
    expect(moreThanHalf(4, 7)).toBe(true);
    expect(moreThanHalf(3, 7)).toBe(false);
    expect(moreThanHalf(1, 1)).toBe(true);
    expect(moreThanHalf(0, 1)).toBe(false);
  });
  it('two thirds: exactly two thirds is enough', () => {
    expect(atLeastTwoThirds(4, 6)).toBe(true);
    expect(atLeastTwoThirds(3, 6)).toBe(false);
    expect(atLeastTwoThirds(5, 7)).toBe(true);
    expect(atLeastTwoThirds(4, 7)).toBe(false);
    expect(atLeastTwoThirds(1, 1)).toBe(true);
  });
});

describe('a clean item has no flags', () => {
  it('7 present of 7, all agree, principal last', () => {
    expect(checkItem(facts())).toEqual([]);
  });
});

describe('quorum', () => {
  it('exactly half present is flagged', () => {
    const f = checkItem(facts({ n: 6, present: 3 }));
    expect(f.map((x) => x.rule)).toContain('quorum');
    expect(f.find((x) => x.rule === 'quorum')!.message).toContain('应到6人、实到3人');
    expect(f.find((x) => x.rule === 'quorum')!.source).toMatch(/domain\.md §6/);
  });
  it('one more than half is a quorum', () => {
    expect(rules(facts({ n: 6, present: 4 }))).not.toContain('quorum');
  });
  it('应到 of 1: present is a quorum, absent is not', () => {
    expect(rules(facts({ n: 1, present: 1 }))).toEqual([]);
    expect(rules(facts({ n: 1, present: 0, outcome: 'deferred', votesFor: 0 }))).toContain('quorum');
  });
  it('cadre appointment: exactly two thirds is enough, one fewer is void', () => {
    expect(rules(facts({ n: 6, present: 4, category: 'cadre_appointment' }))).not.toContain('quorum_two_thirds');
    const f = checkItem(facts({ n: 6, present: 3, category: 'cadre_appointment', votesFor: 3 }));
    const q = f.find((x) => x.rule === 'quorum_two_thirds')!;
    expect(q.message).toContain('决定无效');
    expect(q.source).toContain('选拔任用');
    // 5 of 7 = 71% is enough, 4 of 7 = 57% (a quorum for other items) is not.
    expect(rules(facts({ n: 7, present: 5, category: 'cadre_appointment' }))).not.toContain('quorum_two_thirds');
    expect(rules(facts({ n: 7, present: 4, category: 'cadre_appointment' }))).toContain('quorum_two_thirds');
    expect(rules(facts({ n: 7, present: 4, category: 'major_project' }))).not.toContain('quorum');
  });
  it('cadre appointment with 应到 of 1', () => {
    expect(rules(facts({ n: 1, present: 1, category: 'cadre_appointment' }))).toEqual([]);
  });
  it('no members at all', () => {
    expect(rules(facts({ members: [], opinions: [], votesFor: null, outcome: null }))).toEqual(['no_members']);
  });
  it('observers are not counted in 应到', () => {
    const list = members(4, 2, { observers: 3 });
    expect(rules(facts({ members: list, votesFor: 2 }))).toContain('quorum');
  });
});

describe('adoption counts on 应到, not on those present', () => {
  it('4 for of 7 应到 passes, 3 for with 5 present (a majority of those present) does not', () => {
    expect(rules(facts({ n: 7, present: 7, votesFor: 4, votesAgainst: 3, opinions: [], outcome: 'adopted' }))).not.toContain('adoption');
    const f = facts({ n: 7, present: 5 });
    const opinions = [
      { memberId: 2, opinion: 'agree' as const },
      { memberId: 3, opinion: 'agree' as const },
      { memberId: 4, opinion: 'disagree' as const },
      { memberId: 5, opinion: 'disagree' as const },
      { memberId: 1, opinion: 'agree' as const },
    ];
    const flags = checkItem({ ...f, opinions, votesFor: 3, votesAgainst: 2 });
    expect(flags.map((x) => x.rule)).toEqual(['adoption']);
    expect(flags[0]!.message).toContain('未超过应到人数7人的半数');
  });
  it('exactly half of 应到 voting for is not adoption', () => {
    expect(rules(facts({ n: 6, present: 6, votesFor: 3, votesAgainst: 3, opinions: [] }))).toContain('adoption');
    expect(rules(facts({ n: 6, present: 6, votesFor: 4, votesAgainst: 2, opinions: [] }))).not.toContain('adoption');
  });
  it('应到 of 1: one vote for adopts', () => {
    expect(rules(facts({ n: 1, present: 1, votesFor: 1 }))).toEqual([]);
  });
  it('a rejected item is not checked for adoption', () => {
    expect(rules(facts({ n: 6, votesFor: 2, votesAgainst: 4, outcome: 'rejected', opinions: [] }))).not.toContain('adoption');
  });
  it('村民代表会议 counts adoption on those present', () => {
    const base = facts({ meetingKind: 'villager_representatives', orgKind: 'village', category: 'ordinary', n: 9, present: 6, opinions: [] });
    expect(rules({ ...base, votesFor: 4 })).toEqual([]);
    expect(rules({ ...base, votesFor: 3 })).toEqual(['adoption_present']);
  });
});

describe('principal speaks last', () => {
  it('first is flagged with the position', () => {
    const f = facts({ n: 3 });
    const opinions = [1, 2, 3].map((id) => ({ memberId: id, opinion: 'agree' as const }));
    const flags = checkItem({ ...f, opinions });
    expect(flags.map((x) => x.rule)).toEqual(['principal_not_last']);
    expect(flags[0]!.message).toContain('第1个表态（共3人）');
  });
  it('a meeting without a marked principal is flagged', () => {
    expect(rules(facts({ members: members(3, 3, { principal: false }) }))).toEqual(['principal_unknown']);
  });
  it('a principal who is absent or did not speak is not flagged', () => {
    const list = members(3, 3).map((m) => (m.id === 1 ? { ...m, attendance: 'absent' as const } : m));
    expect(rules(facts({ members: list }))).toEqual([]);
  });
});

describe('who votes', () => {
  it('recused members and observers must not vote', () => {
    const list = members(5, 5, { observers: 1 });
    const opinions = [
      { memberId: 101, opinion: 'agree' as const },
      { memberId: 2, opinion: 'agree' as const },
      { memberId: 3, opinion: 'agree' as const },
      { memberId: 4, opinion: 'agree' as const },
      { memberId: 1, opinion: 'agree' as const },
    ];
    const flags = checkItem(facts({ members: list, opinions, recusedMemberIds: [2], votesFor: 3 }));
    const nonVoters = flags.filter((x) => x.rule === 'non_voter').map((x) => x.message);
    expect(nonVoters).toHaveLength(2);
    expect(nonVoters[0]).toContain('列席人员列席1');
    expect(nonVoters[1]).toContain('成员2已回避');
  });
  it('counts larger than present, non-recused members', () => {
    const flags = rules(facts({ n: 5, present: 5, recusedMemberIds: [2], opinions: [], votesFor: 5 }));
    expect(flags).toContain('counts_exceed');
  });
});

describe('counts agree with the opinions', () => {
  it('a wrong count is flagged, 缓议 counts as abstaining', () => {
    const f = facts({ n: 3 });
    const opinions = [
      { memberId: 2, opinion: 'defer' as const },
      { memberId: 3, opinion: 'agree' as const },
      { memberId: 1, opinion: 'agree' as const },
    ];
    expect(rules({ ...f, opinions, votesFor: 2, votesAgainst: 0, votesAbstain: 1 })).toEqual([]);
    expect(rules({ ...f, opinions, votesFor: 3, votesAgainst: 0, votesAbstain: 0 })).toEqual(['counts_mismatch']);
  });
  it('decided without a voting method', () => {
    expect(rules(facts({ votingMethod: null }))).toEqual(['minutes_incomplete']);
  });
  it('decided without opinions at a committee meeting', () => {
    expect(rules(facts({ opinions: [], votesFor: 7 }))).toEqual(['opinions_missing']);
  });
});

describe('amount threshold', () => {
  it('an ordinary item at exactly the threshold is flagged, one fen below is not', () => {
    const at = checkItem(facts({ category: 'ordinary', amountFen: 5_000_000 }));
    expect(at.map((x) => x.rule)).toEqual(['threshold']);
    expect(at[0]!.message).toContain('50,000.00元');
    expect(rules(facts({ category: 'ordinary', amountFen: 4_999_999 }))).toEqual([]);
    expect(rules(facts({ category: 'large_fund', amountFen: 9_000_000 }))).toEqual([]);
  });
});

const step = (s: CheckStep['step'], heldOn: string, extra: Partial<CheckStep> = {}): CheckStep => ({
  step: s,
  heldOn,
  expected: null,
  present: null,
  votesFor: null,
  merged: false,
  ...extra,
});
const fullSteps = () => [
  step('proposal', '2021-03-01'),
  step('deliberation', '2021-03-02'),
  step('members_meeting', '2021-03-05', { expected: 30, present: 20, votesFor: 16 }),
  step('resolution', '2021-03-08'),
  step('resolution_disclosure', '2021-03-09'),
];

describe('四议两公开', () => {
  const base = { outcome: 'adopted' as const, implementationDate: null, dualRoleOnProposal: false };
  it('complete steps in order pass; exactly ⅔ at the 党员大会 is enough', () => {
    expect(checkSteps({ ...base, steps: fullSteps() })).toEqual([]);
  });
  it('a missing step is named', () => {
    const steps = fullSteps().filter((s) => s.step !== 'members_meeting');
    const flags = checkSteps({ ...base, steps });
    expect(flags.map((x) => x.rule)).toEqual(['steps_missing']);
    expect(flags[0]!.message).toContain('党员大会审议');
  });
  it('an item in progress lacks only what comes before its latest step', () => {
    expect(checkSteps({ outcome: null, implementationDate: null, dualRoleOnProposal: false, steps: [step('proposal', '2021-03-01')] })).toEqual([]);
    expect(checkSteps({ outcome: null, implementationDate: null, dualRoleOnProposal: false, steps: [step('members_meeting', '2021-03-01')] }).map((x) => x.rule)).toEqual(['steps_missing']);
  });
  it('out of order', () => {
    const steps = fullSteps();
    steps[3] = step('resolution', '2021-03-04');
    const flags = checkSteps({ ...base, steps });
    expect(flags.map((x) => x.rule)).toEqual(['steps_order']);
  });
  it('党员大会 below ⅔ present, and adoption on its 应到', () => {
    const steps = fullSteps();
    steps[2] = step('members_meeting', '2021-03-05', { expected: 30, present: 19, votesFor: 15 });
    expect(checkSteps({ ...base, steps }).map((x) => x.rule)).toEqual(['members_meeting_quorum', 'members_meeting_adoption']);
  });
  it('merging the first two steps needs 一肩挑 on that date', () => {
    const steps = fullSteps().filter((s) => s.step !== 'deliberation');
    steps[0] = step('proposal', '2021-03-01', { merged: true });
    expect(checkSteps({ ...base, steps, dualRoleOnProposal: true })).toEqual([]);
    const flags = checkSteps({ ...base, steps, dualRoleOnProposal: false });
    expect(flags.map((x) => x.rule)).toEqual(['merge_without_dual_role']);
    expect(flags[0]!.message).toContain('一肩挑');
    // Without merging, the second step is missing.
    steps[0] = step('proposal', '2021-03-01');
    expect(checkSteps({ ...base, steps, dualRoleOnProposal: true }).map((x) => x.rule)).toEqual(['steps_missing']);
  });
  it('village items of the four categories are checked by checkItem; ordinary ones are not', () => {
    const f = facts({ meetingKind: 'joint_committees', orgKind: 'village', steps: [] });
    expect(rules(f)).toEqual(['steps_missing']);
    expect(rules({ ...f, category: 'ordinary' })).toEqual([]);
  });
  it('implementation recorded requires 实施结果公开', () => {
    expect(checkSteps({ ...base, implementationDate: '2021-06-01', steps: fullSteps() }).map((x) => x.message)).toEqual(['缺少“四议两公开”步骤：实施结果公开']);
  });
});

describe('counting', () => {
  it('four categories, adopted or rejected', () => {
    expect(isCountedDecision('major_project', 'adopted')).toBe(true);
    expect(isCountedDecision('cadre_appointment', 'rejected')).toBe(true);
    expect(isCountedDecision('large_fund', 'deferred')).toBe(false);
    expect(isCountedDecision('large_fund', null)).toBe(false);
    expect(isCountedDecision('ordinary', 'adopted')).toBe(false);
  });
  it('sentence and money', () => {
    expect(decisionsSentence(85)).toBe('集体研究“三重一大”事项85项');
    expect(yuan(123456789)).toBe('1,234,567.89');
    expect(yuan(5)).toBe('0.05');
  });
});
