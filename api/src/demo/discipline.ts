// Demo discipline records for 青岚街道 (called by seed.ts inside its transaction). The 2021 records
// reproduce the reference paragraph exactly — 集体谈话29次、1774人次，个别谈话64人次（提醒58、诫勉2、警示4），
// 31名党员党纪处分（警告20、严重警告7、开除党籍4）— plus records the sentence must not count: 函询,
// 廉政谈话, 任前廉政谈话, a 政务处分 and a revoked party sanction. A few records are placed relative to
// the day of seeding so that the inspectors' desk has something to show and one current 两委 member
// is not eligible on the next election date. Names are invented; ID numbers use the demo region code.
import type { Kysely } from 'kysely';
import type { Database, SanctionType } from '@qingfeng/db';
import type { AuditInput } from '../audit/queries.ts';
import { insertPerson } from '../modules/roster/queries.ts';
import { joinProblems, personProblems } from '../modules/roster/rules.ts';
import { insertSanction, insertTalk, loadDisciplineSettings, setSanctionStatus, type SanctionValues, type TalkValues } from '../modules/discipline/queries.ts';
import { addDays, addMonths, influenceEnd, sanctionProblems, talkDates } from '../modules/discipline/rules.ts';
import { demoIdNumber } from './seed.ts';

export interface DisciplineSeedContext {
  subdistrictId: number;
  villageIds: readonly number[];
  /** Ids of the roster's demo people, by DEMO_PEOPLE index. */
  personIds: readonly number[];
  audit: (input: AuditInput) => Promise<unknown>;
  now: Date;
  today: string;
}

/** The current 两委 member (DEMO_PEOPLE index: 唐明轩, 柳河村) whose sanction covers the next election. */
export const DEMO_INELIGIBLE_PERSON = 4;
/** First DEMO ID-number index used for the people below (the roster uses 0–157). */
const FIRST_INDEX = 300;

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳';
const GIVEN = ['建国', '志强', '秀英', '海燕', '立军', '玉兰', '红梅', '卫东', '国庆', '丽娟', '德胜', '春生', '桂香', '文博', '晓光', '永红'];

const LEADERS = [
  ['刘建华', '街道党工委书记'],
  ['王志刚', '街道党工委副书记、办事处主任'],
  ['张敏', '街道党工委委员、纪工委书记'],
] as const;

/** 29 collective sessions with 1774 participants in all, spread over 2021. */
function collectiveCounts(): number[] {
  const counts = Array.from({ length: 29 }, (_, i) => 61 + ((i * 7) % 13) - 6);
  counts[28]! += 1774 - counts.reduce((s, n) => s + n, 0);
  return counts;
}

const day2021 = (i: number, n: number) => addDays('2021-01-04', Math.floor((i * 355) / n));

export async function seedDiscipline(trx: Kysely<Database>, ctx: DisciplineSeedContext): Promise<{ talks: number; sanctions: number; people: number }> {
  const settings = await loadDisciplineSettings(trx);
  let talks = 0;
  let sanctions = 0;

  // ---- people beyond the rosters: ordinary party members and 机关干部 ----
  const extra: number[] = [];
  for (let i = 0; i < 40; i++) {
    const gender = i % 3 === 0 ? 'female' : 'male';
    const birthDate = `${1962 + (i % 30)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`;
    const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 5) % GIVEN.length]}`;
    const orgId = i < 36 ? ctx.villageIds[i % ctx.villageIds.length]! : ctx.subdistrictId;
    const category = i < 36 ? (i === 33 ? 'village_cadre' : 'party_member') : 'civil_servant';
    const idNumber = demoIdNumber(FIRST_INDEX + i, birthDate, gender);
    const partyJoinDate = `${Number(birthDate.slice(0, 4)) + 25}-07-01`;
    const checked = personProblems({ name, gender, idNumber, birthDate, partyJoinDate, educationFullTime: 'high_school', educationHighest: 'high_school' }, ctx.today);
    if (checked.problems.length) throw new Error(`demo person ${name}: ${joinProblems(checked.problems)}`);
    const id = await insertPerson(
      trx,
      {
        org_unit_id: orgId,
        name,
        gender,
        id_number: idNumber,
        birth_date: birthDate,
        ethnicity: '01',
        political_status: 'cpc_member',
        party_join_date: partyJoinDate,
        education_full_time: 'high_school',
        education_highest: 'high_school',
        phone: null,
        is_veteran: false,
        category,
      },
      ctx.now,
    );
    await ctx.audit({ kind: 'person.created', objectType: 'person', objectId: id, orgUnitId: orgId, details: { name } });
    extra.push(id);
  }

  const personOrg = async (personId: number) =>
    (await trx.selectFrom('person').select(['org_unit_id', 'category', 'political_status']).where('id', '=', personId).executeTakeFirstOrThrow());

  async function talk(v: Omit<TalkValues, 'reply_due_date' | 'influence_end' | 'participant_count' | 'talk_time' | 'outcome' | 'follow_up' | 'reply_date' | 'reply'> & Partial<TalkValues>) {
    const dates = talkDates(v.kind, v.talk_date, settings);
    const values: TalkValues = {
      talk_time: null,
      participant_count: 1,
      outcome: '',
      follow_up: '',
      reply_date: null,
      reply: null,
      ...v,
      reply_due_date: dates.replyDueDate,
      influence_end: dates.influenceEnd,
    };
    const id = await insertTalk(trx, values, [], null, ctx.now);
    await ctx.audit({ kind: 'talk.created', objectType: 'talk', objectId: id, orgUnitId: values.org_unit_id, details: { kind: values.kind, date: values.talk_date } });
    talks++;
    return id;
  }

  async function sanction(personId: number, system: SanctionValues['system'], type: SanctionType, effectiveDate: string, extraValues: Partial<SanctionValues> = {}) {
    const p = await personOrg(personId);
    const problems = sanctionProblems({ category: p.category, politicalStatus: p.political_status }, { system, type, decisionDate: effectiveDate, effectiveDate });
    if (problems.length) throw new Error(`demo sanction: ${problems.map((x) => x.message).join('；')}`);
    const values: SanctionValues = {
      person_id: personId,
      org_unit_id: p.org_unit_id,
      system,
      type,
      probation_months: null,
      violation: (['integrity', 'work', 'mass', 'life'] as const)[sanctions % 4]!,
      authority: '青岚街道纪工委',
      case_number: `青纪〔${effectiveDate.slice(0, 4)}〕${sanctions + 1}号`,
      decision_date: effectiveDate,
      effective_date: effectiveDate,
      influence_end: influenceEnd({ system, type, effectiveDate }, settings),
      criminal_referral: false,
      notes: '',
      ...extraValues,
    };
    const id = await insertSanction(trx, values, null, ctx.now);
    await ctx.audit({ kind: 'sanction.created', objectType: 'sanction', objectId: id, orgUnitId: values.org_unit_id, details: { personId, system, type, effectiveDate } });
    sanctions++;
    return id;
  }

  // ---- 2021: collective talks by the subdistrict's leaders ----
  const counts = collectiveCounts();
  for (const [i, n] of counts.entries()) {
    const [leader, title] = LEADERS[i % LEADERS.length]!;
    await talk({
      org_unit_id: ctx.subdistrictId,
      kind: 'collective',
      talk_date: day2021(i, counts.length),
      subject_person_id: null,
      participant_count: n,
      leader_name: leader,
      leader_title: title,
      topic: i % 2 ? '节前廉洁提醒集体谈话' : '村(社区)“两委”成员履职尽责集体谈话',
      outcome: '学习党纪法规，通报典型案例，提出廉洁要求',
    });
  }

  // ---- 2021: 64 individual talks (58 提醒, 2 诫勉, 4 警示) with current 两委 members ----
  const kinds = [...Array<'reminder'>(58).fill('reminder'), 'admonishment', 'admonishment', 'warning_talk', 'warning_talk', 'warning_talk', 'warning_talk'] as const;
  for (const [i, kind] of kinds.entries()) {
    const personId = ctx.personIds[(i * 7) % ctx.personIds.length]!;
    const p = await personOrg(personId);
    const [leader, title] = LEADERS[(i + 1) % LEADERS.length]!;
    await talk({
      org_unit_id: p.org_unit_id,
      kind,
      talk_date: day2021(i, kinds.length),
      subject_person_id: personId,
      leader_name: leader,
      leader_title: title,
      topic: kind === 'reminder' ? '工作作风方面苗头性问题' : kind === 'admonishment' ? '履行职责不力，造成不良影响' : '警示教育，以案促改',
      outcome: kind === 'admonishment' ? '予以诫勉' : '本人表示接受并整改',
      follow_up: '三个月后回访',
    });
  }

  // ---- 2021: records the sentence must not count ----
  for (let i = 0; i < 3; i++) {
    const personId = ctx.personIds[(i * 11 + 3) % ctx.personIds.length]!;
    const p = await personOrg(personId);
    await talk({
      org_unit_id: p.org_unit_id,
      kind: 'inquiry_letter',
      talk_date: `2021-0${i + 4}-12`,
      subject_person_id: personId,
      leader_name: '张敏',
      leader_title: '街道党工委委员、纪工委书记',
      topic: '信访反映问题函询',
      reply_date: `2021-0${i + 4}-26`,
      reply: '已书面说明情况，反映问题不属实',
    });
  }
  for (let i = 0; i < 5; i++) {
    const personId = ctx.personIds[(i * 13 + 5) % ctx.personIds.length]!;
    await talk({
      org_unit_id: (await personOrg(personId)).org_unit_id,
      kind: i < 3 ? 'integrity' : 'pre_appointment',
      talk_date: `2021-0${i + 2}-15`,
      subject_person_id: personId,
      leader_name: '刘建华',
      leader_title: '街道党工委书记',
      topic: i < 3 ? '廉政谈话' : '任前廉政谈话',
    });
  }

  // ---- 2021: 31 party members given a party sanction (警告20, 严重警告7, 开除党籍4) ----
  const types: SanctionType[] = [...Array<SanctionType>(20).fill('warning'), ...Array<SanctionType>(7).fill('serious_warning'), ...Array<SanctionType>(4).fill('expulsion')];
  for (const [i, type] of types.entries()) await sanction(extra[i]!, 'party', type, addDays('2021-02-01', i * 10));
  // A revoked party sanction (counted nowhere) and a 政务处分 of a village cadre (not in the sentence).
  const revoked = await sanction(extra[31]!, 'party', 'warning', '2021-06-15');
  await setSanctionStatus(trx, revoked, { status: 'revoked', reason: '复查认定事实不清，予以撤销', replacedBy: null }, ctx.now);
  await ctx.audit({ kind: 'sanction.revoked', objectType: 'sanction', objectId: revoked, details: { reason: '复查认定事实不清，予以撤销' } });
  await sanction(extra[33]!, 'government', 'warning', '2021-09-01', { authority: '青岚街道办事处' });

  // ---- relative to today: the inspectors' desk and a candidate who is not eligible ----
  await sanction(ctx.personIds[DEMO_INELIGIBLE_PERSON]!, 'party', 'serious_warning', addDays(ctx.today, -60));
  await sanction(extra[34]!, 'party', 'warning', addDays(addMonths(addDays(ctx.today, 20), -12), 0));
  const admonished = ctx.personIds[12]!;
  await talk({
    org_unit_id: (await personOrg(admonished)).org_unit_id,
    kind: 'admonishment',
    talk_date: addMonths(addDays(ctx.today, 15), -6),
    subject_person_id: admonished,
    leader_name: '张敏',
    leader_title: '街道党工委委员、纪工委书记',
    topic: '履行职责不力',
    outcome: '予以诫勉',
  });
  for (const [i, ago] of [18, 40].entries()) {
    const personId = ctx.personIds[20 + i * 9]!;
    await talk({
      org_unit_id: (await personOrg(personId)).org_unit_id,
      kind: 'inquiry_letter',
      talk_date: addDays(ctx.today, -ago),
      subject_person_id: personId,
      leader_name: '张敏',
      leader_title: '街道党工委委员、纪工委书记',
      topic: '信访反映问题函询',
    });
  }
  return { talks, sanctions, people: extra.length };
}
