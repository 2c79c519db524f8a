// Demo 三重一大 records for 青岚街道 (fictional): the 2021 meetings of the 党工委 and of fifteen villages,
// whose decided items of the four categories number exactly 85 — the reference report's "集体研究
// “三重一大”事项85项" — plus deferred and ordinary items and three flagged cases (a cadre appointment
// without two thirds present, a principal who spoke first, a village item with a missing step). One
// item deferred in December 2021 is decided in January 2022 (it counts there). The secretary of 柳河村
// has a village item in progress (first step recorded) to carry through its 四议两公开 steps.
// Written through the module's own queries, with flags computed by its rules and audit events.
import type { Kysely } from 'kysely';
import type { Database, DecisionCategory, DecisionStep, Opinion } from '@qingfeng/db';
import type { AuditInput } from '../audit/queries.ts';
import * as q from '../modules/decisions/queries.ts';
import { addDays } from '../modules/roster/rules.ts';

/** The 党工委's members (no roster committee exists for it: the office enters them). The last is the principal. */
const COMMITTEE: readonly [string, string][] = [
  ['何建平', '党工委副书记、办事处主任'],
  ['苏文静', '党工委副书记'],
  ['罗振东', '党工委委员、纪工委书记'],
  ['方晓梅', '党工委委员、组织委员'],
  ['袁立新', '党工委委员、宣传委员'],
  ['韩卫国', '党工委委员、武装部长'],
  ['林志远', '党工委书记'],
];

const TOPICS: Record<Exclude<DecisionCategory, 'ordinary'>, readonly string[]> = {
  major_decision: [
    '街道年度党建工作要点',
    '街道党风廉政建设主体责任清单',
    '老旧小区改造实施方案',
    '基层治理网格化工作方案',
    '街道年度财政预算调整',
    '乡村振兴重点任务分工',
    '安全生产专项整治方案',
    '人居环境整治考核办法',
  ],
  cadre_appointment: ['社区党组织书记人选', '街道中层干部轮岗交流', '村务监督委员会主任人选', '后备干部推荐人选', '网格员选聘结果'],
  major_project: ['青岚路雨污分流改造工程', '党群服务中心提升改造工程', '农村公路养护工程', '文体广场建设工程', '高标准农田建设项目', '河道清淤整治工程'],
  large_fund: ['困难群众临时救助资金', '村级集体经济扶持资金', '疫情防控物资采购', '防汛物资储备采购', '社区服务群众专项经费使用'],
};
const ORDINARY: readonly string[] = ['传达学习上级会议精神', '部署近期重点工作', '研究节日值班安排', '通报信访工作情况', '研究文明创建工作'];

/** [category, amount in 元 or null] for the 70 subdistrict items that count, in meeting order. */
function subdistrictPlan(): { category: Exclude<DecisionCategory, 'ordinary'>; amountYuan: number | null }[] {
  // 27 + 12 + 17 + 14 = 70; with the 15 village items (3 major_decision, 3 cadre… see villagePlan) = 85.
  const counts = { major_decision: 27, cadre_appointment: 12, major_project: 17, large_fund: 14 } as const;
  const order: (keyof typeof counts)[] = [];
  const left = { ...counts };
  const cycle: (keyof typeof counts)[] = ['major_decision', 'major_project', 'large_fund', 'major_decision', 'cadre_appointment', 'major_project'];
  for (let i = 0; order.length < 70; i++) {
    const c = cycle[i % cycle.length]!;
    if (left[c] > 0) {
      order.push(c);
      left[c]--;
    } else {
      const other = (Object.keys(left) as (keyof typeof counts)[]).find((k) => left[k] > 0)!;
      order.push(other);
      left[other]--;
    }
  }
  return order.map((category, i) => ({
    category,
    amountYuan: category === 'major_project' ? 300_000 + ((i * 37_000) % 900_000) : category === 'large_fund' ? 60_000 + ((i * 13_000) % 240_000) : null,
  }));
}

type Audit = (input: AuditInput) => Promise<unknown>;

interface SeedMeetingItem {
  category: DecisionCategory;
  title: string;
  amountYuan: number | null;
  outcome: 'adopted' | 'rejected' | 'deferred' | null;
  /** Member indexes (in the meeting's list) in speaking order with their opinions; default: all present agree, principal last. */
  opinions?: [number, Opinion][];
  deferredFrom?: number;
  steps?: { step: DecisionStep; heldOn: string; expected?: number; present?: number; votesFor?: number; merged?: boolean; content: string; signedBy: string }[];
  close: boolean;
  implementation?: { result: string; date: string };
}

async function seedMeeting(
  trx: Kysely<Database>,
  audit: Audit,
  now: Date,
  userId: number,
  m: { orgId: number; kind: 'subdistrict_committee' | 'joint_committees'; heldOn: string; heldTime: string; place: string; chair: string; recorder: string; absent?: number[] },
  items: SeedMeetingItem[],
): Promise<number[]> {
  const meetingId = await q.insertMeeting(trx, { org_unit_id: m.orgId, kind: m.kind, held_on: m.heldOn, held_time: m.heldTime, place: m.place, chair: m.chair, recorder: m.recorder, notes: '' }, userId, now);
  const absent = new Set(m.absent ?? []);
  const list =
    m.kind === 'subdistrict_committee'
      ? COMMITTEE.map(([name, title], i) => ({ personId: null, name, title, isPrincipal: i === COMMITTEE.length - 1 }))
      : await q.prefillMembers(trx, m.orgId, m.kind, m.heldOn);
  await q.replaceMembers(
    trx,
    meetingId,
    list.map((x, i) => ({
      personId: x.personId,
      name: x.name,
      title: x.title,
      role: 'member' as const,
      isPrincipal: x.isPrincipal,
      attendance: absent.has(i) ? ('absent' as const) : ('present' as const),
      absenceReason: absent.has(i) ? '参加上级培训' : '',
    })),
  );
  await audit({ kind: 'decision.meeting_created', objectType: 'decision_meeting', objectId: meetingId, orgUnitId: m.orgId, details: { kind: m.kind, heldOn: m.heldOn, members: list.length } });
  const members = await trx.selectFrom('decision_member').select(['id', 'is_principal', 'attendance']).where('meeting_id', '=', meetingId).orderBy('sort_order').execute();
  const ids: number[] = [];
  for (const it of items) {
    const present = members.map((x, i) => ({ ...x, index: i })).filter((x) => x.attendance === 'present');
    const opinions: [number, Opinion][] =
      it.opinions ??
      (it.outcome === null
        ? []
        : [...present.filter((x) => !x.is_principal), ...present.filter((x) => x.is_principal)].map((x) => [x.index, it.outcome === 'deferred' ? 'defer' : 'agree']));
    const tally = { agree: 0, disagree: 0, defer: 0 };
    for (const [, o] of opinions) tally[o]++;
    const id = await q.insertItem(
      trx,
      { id: meetingId, org_unit_id: m.orgId },
      {
        category: it.category,
        title: it.title,
        summary: `关于${it.title}的议题，经充分讨论后表决。`,
        amount_fen: it.amountYuan === null ? null : it.amountYuan * 100,
        proposer: m.chair,
        motion_reason: '根据上级部署和工作需要提请集体研究',
        voting_method: it.outcome === null ? null : it.category === 'cadre_appointment' ? 'secret_ballot' : 'show_of_hands',
        votes_for: it.outcome === null ? null : tally.agree,
        votes_against: it.outcome === null ? null : tally.disagree,
        votes_abstain: it.outcome === null ? null : tally.defer,
        outcome: it.outcome,
        implementation_result: it.implementation?.result ?? '',
        implementation_date: it.implementation?.date ?? null,
        deferred_from_item_id: it.deferredFrom ?? null,
      },
      userId,
      now,
    );
    await q.replaceOpinions(trx, id, opinions.map(([index, opinion]) => ({ memberId: members[index]!.id, opinion, remark: '' })));
    for (const s of it.steps ?? [])
      await q.upsertStep(
        trx,
        id,
        s.step,
        { held_on: s.heldOn, expected: s.expected ?? null, present: s.present ?? null, votes_for: s.votesFor ?? null, content: s.content, signed_by: s.signedBy, merged: s.merged ?? false },
        now,
      );
    await q.refreshFlags(trx, [id]);
    await audit({ kind: 'decision.item_created', objectType: 'decision_item', objectId: id, orgUnitId: m.orgId, details: { meetingId, category: it.category, title: it.title } });
    if (it.close) {
      await q.closeItem(trx, id, userId, now);
      await audit({ kind: 'decision.item_closed', objectType: 'decision_item', objectId: id, orgUnitId: m.orgId, details: { outcome: it.outcome } });
    }
    ids.push(id);
  }
  return ids;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The four 议 and two 公开 of a village item decided at a 两委联席会议 on `heldOn`. */
function villageSteps(heldOn: string, secretary: string, skipMembersMeeting: boolean): NonNullable<SeedMeetingItem['steps']> {
  const steps: NonNullable<SeedMeetingItem['steps']> = [
    // 一肩挑 in every demo village: the first two steps are held together.
    { step: 'proposal', heldOn: addDays(heldOn, -10), merged: true, content: '村党组织提出初步方案，与两委成员合并商议', signedBy: secretary },
    { step: 'members_meeting', heldOn: addDays(heldOn, -5), expected: 36, present: 30, votesFor: 28, content: '党员大会审议方案', signedBy: secretary },
    { step: 'resolution', heldOn, expected: 41, present: 35, votesFor: 33, content: '村民代表会议表决通过', signedBy: secretary },
    { step: 'resolution_disclosure', heldOn: addDays(heldOn, 2), content: '决议在村务公开栏公示7天', signedBy: secretary },
  ];
  return skipMembersMeeting ? steps.filter((s) => s.step !== 'members_meeting') : steps;
}

/**
 * Seeds the decisions. `villages` are the demo villages in DEMO_VILLAGES order with their current
 * secretary's name; `officeUserId` records them; `today` dates 柳河村's item in progress.
 */
export async function seedDemoDecisions(
  trx: Kysely<Database>,
  audit: Audit,
  now: Date,
  ctx: { subdistrictId: number; officeUserId: number; secretaryUserId: number; villages: readonly { id: number; name: string; secretary: string }[]; today: string },
): Promise<{ decided2021: number }> {
  const plan = subdistrictPlan();
  const topicUse = new Map<string, number>();
  const title = (category: Exclude<DecisionCategory, 'ordinary'>) => {
    const list = TOPICS[category];
    const k = topicUse.get(category) ?? 0;
    topicUse.set(category, k + 1);
    const base = list[k % list.length]!;
    const round = Math.floor(k / list.length);
    return round === 0 ? `研究${base}` : `研究${base}（第${round + 1}批）`;
  };
  const place = '街道党工委会议室';
  let decided = 0;
  let p = 0;
  let deferredEarly = 0;
  let deferredLate = 0;

  // Two 党工委会议 a month; 22 meetings with 3 counted items and 2 with 2 (= 70).
  for (let month = 1; month <= 12; month++) {
    for (const day of [8, 22]) {
      const n = (month === 2 && day === 8) || (month === 8 && day === 8) ? 2 : 3;
      const heldOn = `2021-${pad(month)}-${pad(day)}`;
      const items: SeedMeetingItem[] = [];
      let absent: number[] = [];
      for (let k = 0; k < n; k++) {
        const spec = plan[p++]!;
        const it: SeedMeetingItem = { category: spec.category, title: title(spec.category), amountYuan: spec.amountYuan, outcome: 'adopted', close: true };
        // One in twelve is rejected (still decided, still counted).
        if (p % 12 === 5) it.outcome = 'rejected';
        if (it.outcome === 'rejected') it.opinions = [[0, 'disagree'], [1, 'disagree'], [2, 'disagree'], [3, 'disagree'], [4, 'agree'], [5, 'agree'], [6, 'disagree']];
        items.push(it);
      }
      // Flagged: a cadre appointment with 4 of 7 present (below two thirds: void).
      if (month === 4 && day === 8) {
        absent = [2, 4, 5];
        items[0] = { category: 'cadre_appointment', title: title('cadre_appointment'), amountYuan: null, outcome: 'adopted', close: true };
      }
      // Flagged: the principal (index 6) spoke first.
      if (month === 6 && day === 22) items[1]!.opinions = [[6, 'agree'], [0, 'agree'], [1, 'agree'], [2, 'agree'], [3, 'agree'], [4, 'agree'], [5, 'agree']];
      // Deferred in March, decided in May (counts once, in 2021).
      if (month === 3 && day === 8) items.push({ category: 'major_decision', title: '研究辖区停车管理收费方案', amountYuan: null, outcome: 'deferred', close: true });
      if (month === 5 && day === 8) items[0] = { ...items[0]!, category: 'major_decision', title: '研究辖区停车管理收费方案（续议）', deferredFrom: deferredEarly };
      // Deferred in December, decided in January 2022 (counts in 2022).
      if (month === 12 && day === 22) items.push({ category: 'large_fund', title: '研究冬季供暖补贴资金使用', amountYuan: 180_000, outcome: 'deferred', close: true });
      // Ordinary items on most meetings; one at 52,000 元 is flagged as belonging in 三重一大.
      if (day === 8) items.push({ category: 'ordinary', title: ORDINARY[month % ORDINARY.length]!, amountYuan: null, outcome: 'adopted', close: true });
      if (month === 9 && day === 22) items.push({ category: 'ordinary', title: '研究街道办公设备更新采购', amountYuan: 52_000, outcome: 'adopted', close: true });
      if (month === 5 && day === 8 && items[0]!.deferredFrom === undefined) throw new Error('demo: continuation lost');
      const ids = await seedMeeting(trx, audit, now, ctx.officeUserId, { orgId: ctx.subdistrictId, kind: 'subdistrict_committee', heldOn, heldTime: '09:00', place, chair: '林志远', recorder: '方晓梅', absent }, items);
      if (month === 3 && day === 8) deferredEarly = ids[ids.length - 2]!;
      if (month === 12 && day === 22) deferredLate = ids[ids.length - 1]!;
      decided += items.filter((x) => x.category !== 'ordinary' && (x.outcome === 'adopted' || x.outcome === 'rejected')).length;
    }
  }
  await seedMeeting(trx, audit, now, ctx.officeUserId, { orgId: ctx.subdistrictId, kind: 'subdistrict_committee', heldOn: '2022-01-12', heldTime: '09:00', place, chair: '林志远', recorder: '方晓梅' }, [
    { category: 'large_fund', title: '研究冬季供暖补贴资金使用（续议）', amountYuan: 180_000, outcome: 'adopted', deferredFrom: deferredLate, close: true },
  ]);

  // Fifteen villages (not 柳河村) each decide one item through 四议两公开 at a 两委联席会议 (= 15).
  const villageCategories: Exclude<DecisionCategory, 'ordinary'>[] = ['major_project', 'large_fund', 'major_decision', 'major_project', 'large_fund', 'cadre_appointment', 'major_project', 'large_fund', 'major_decision', 'major_project', 'large_fund', 'cadre_appointment', 'major_project', 'large_fund', 'major_decision'];
  const villageTitles: Record<Exclude<DecisionCategory, 'ordinary'>, string> = {
    major_project: '村内道路硬化工程',
    large_fund: '村集体资金修缮文化礼堂',
    major_decision: '村集体土地流转方案',
    cadre_appointment: '村务监督委员会成员推选方案',
  };
  for (const [i, village] of ctx.villages.slice(1, 16).entries()) {
    const category = villageCategories[i]!;
    const heldOn = `2021-${pad(4 + (i % 8))}-${pad(10 + (i % 15))}`;
    const skip = i === 3; // flagged: the 党员大会 step is missing
    await seedMeeting(trx, audit, now, ctx.officeUserId, { orgId: village.id, kind: 'joint_committees', heldOn, heldTime: '14:00', place: `${village.name}党群服务中心`, chair: village.secretary, recorder: '村文书' }, [
      {
        category,
        title: villageTitles[category],
        amountYuan: category === 'major_project' ? 260_000 + i * 10_000 : category === 'large_fund' ? 80_000 + i * 5_000 : null,
        outcome: 'adopted',
        steps: villageSteps(heldOn, village.secretary, skip),
        close: true,
      },
    ]);
    decided++;
  }

  // 柳河村: an item in progress for the secretary (first step recorded).
  const liuhe = ctx.villages[0]!;
  const meetingDay = addDays(ctx.today, -3);
  await seedMeeting(trx, audit, now, ctx.secretaryUserId, { orgId: liuhe.id, kind: 'joint_committees', heldOn: meetingDay, heldTime: '15:00', place: '柳河村党群服务中心', chair: liuhe.secretary, recorder: '村文书' }, [
    {
      category: 'large_fund',
      title: '村主干道太阳能路灯安装',
      amountYuan: 68_000,
      outcome: null,
      steps: [{ step: 'proposal', heldOn: meetingDay, merged: true, content: '村党组织提议安装太阳能路灯32盏，两委合并商议', signedBy: liuhe.secretary }],
      close: false,
    },
  ]);
  return { decided2021: decided };
}
