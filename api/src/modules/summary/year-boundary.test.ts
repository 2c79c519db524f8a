// The annual summary's year is the Asia/Shanghai year (domain.md, conventions): a record at 23:30 on
// 31 December Beijing time (15:30 UTC) is in that year; one at 00:10 on 1 January Beijing time (16:10 UTC
// the day before) is in the next. Talks (date and Beijing time through the API), 三重一大 meetings (date
// and time) and pledge signatures (an instant), on either side of the boundary; every figure's drill-down
// lists exactly the records it counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createUserAndLogin, createTestContext, engineLabel, type TestContext } from '../../testing/harness.ts';
import { insertPerson } from '../roster/queries.ts';
import { testIdNumber } from '../roster/test-helpers.ts';
import { insertCampaign, insertTemplate, insertVersion } from '../pledges/queries.ts';
import type { DrillDown } from './rules.ts';

let t: TestContext;
let inspector = '';

const LATE = { date: '2021-12-31', time: '23:30', instant: '2021-12-31T15:30:00Z' };
const EARLY = { date: '2022-01-01', time: '00:10', instant: '2021-12-31T16:10:00Z' };

beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  const village = await createOrg(t, t.rootOrgId, 'village', '界河村');
  const me = await createUserAndLogin(t, { username: 'jijian_boundary', role: 'inspector' });
  inspector = me.cookie;
  const people: number[] = [];
  for (let n = 1; n <= 3; n++)
    people.push(
      await insertPerson(
        db,
        {
          org_unit_id: village.id,
          name: `跨年${n}`,
          gender: 'male',
          id_number: testIdNumber('1980-06-15', 'male', n),
          birth_date: '1980-06-15',
          ethnicity: '01',
          political_status: 'cpc_member',
          party_join_date: '2005-07-01',
          education_full_time: 'high_school',
          education_highest: 'associate',
          phone: null,
          is_veteran: false,
        },
        t.clock.now(),
      ),
    );

  // Talks through the API, as the office records them: a Beijing date and time.
  const talk = async (at: typeof LATE, body: Record<string, unknown>) => {
    const r = await call(t.app, 'POST', '/api/talks', { cookie: inspector, json: { date: at.date, time: at.time, leaderName: '王书记', topic: '跨年谈话', ...body } });
    expect(r.status, await r.clone().text()).toBe(201);
  };
  await talk(LATE, { kind: 'reminder', subjectPersonId: people[0] });
  await talk(LATE, { kind: 'collective', orgUnitId: village.id, participantCount: 12 });
  await talk(EARLY, { kind: 'reminder', subjectPersonId: people[1] });
  await talk(EARLY, { kind: 'reminder', subjectPersonId: people[2] });
  await talk(EARLY, { kind: 'collective', orgUnitId: village.id, participantCount: 30 });

  // Meetings with one adopted item each, at 23:30 and at 00:10 Beijing time.
  for (const [at, items] of [[LATE, 2], [EARLY, 1]] as const) {
    const m = await db
      .insertInto('decision_meeting')
      .values({ org_unit_id: village.id, kind: 'joint_committees', held_on: at.date, held_time: `${at.time}:00`, place: '村委会', chair: '', recorder: '', updated_at: new Date(at.instant) })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let seq = 1; seq <= items; seq++)
      await db
        .insertInto('decision_item')
        .values({ meeting_id: m.id, org_unit_id: village.id, seq, category: 'major_decision', title: `跨年议题${seq}`, voting_method: 'show_of_hands', votes_for: 5, votes_against: 0, votes_abstain: 0, outcome: 'adopted', flags: [], closed_at: new Date(at.instant), updated_at: new Date(at.instant) })
        .execute();
  }

  // Pledges signed at the two instants: 15:30 UTC is 23:30 Beijing (2021), 16:10 UTC is 00:10 (2022).
  const now = t.clock.now();
  const tpl = await insertTemplate(db, { orgUnitId: t.rootOrgId, name: '承诺书', audience: '', createdBy: null, now });
  const ver = await insertVersion(db, { templateId: tpl.id, title: '承诺书', paragraphs: ['本人承诺。'], note: '', createdBy: null, now, publish: true });
  const campaign = await insertCampaign(db, { orgUnitId: t.rootOrgId, templateVersionId: ver.id, title: '跨年承诺', startDate: '2021-12-01', dueDate: '2022-01-31', createdBy: null, now });
  const signedAt = [LATE.instant, EARLY.instant, EARLY.instant];
  for (const [i, personId] of people.entries()) {
    await db.insertInto('pledge_signer').values({ campaign_id: campaign.id, person_id: personId, added_at: now }).execute();
    const doc = await db
      .insertInto('document')
      .values({ number: `QF-B-${i}`, kind: 'pledge', title: '承诺书', org_unit_id: village.id, content_sha256: 'a'.repeat(64), created_by: null, created_at: new Date(signedAt[i]!) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('pledge_signature')
      .values({
        campaign_id: campaign.id,
        person_id: personId,
        template_version_id: ver.id,
        org_unit_id: village.id,
        signer_name: `跨年${i + 1}`,
        campaign_title: '跨年承诺',
        org_name: '界河村',
        header_org_name: '测试街道',
        signed_at: new Date(signedAt[i]!),
        ip: null,
        user_agent: null,
        auth_method: 'password',
        user_id: me.user.id,
        text_sha256: 'b'.repeat(64),
        image_png: new Uint8Array([1]),
        image_sha256: 'c'.repeat(64),
        verification_code: `B${i}`,
        verify_url: 'http://qingfeng.test/verify/x',
        document_id: doc.id,
      })
      .execute();
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Summary = { figures: Record<string, unknown>; drillDowns: Record<string, DrillDown> };

async function summary(year: number): Promise<Summary> {
  const r = await call(t.app, 'GET', `/api/reports/annual-summary?org=${t.rootOrgId}&year=${year}`, { cookie: inspector });
  expect(r.status).toBe(200);
  return (await r.json()) as Summary;
}

describe(`annual summary at the year boundary, Beijing time (${engineLabel()})`, () => {
  it.each([
    [2021, { reminderTalks: 1, individualTalks: 1, collectiveTalks: 1, collectiveTalkParticipants: 12, decisions: 2, pledgesSigned: 1 }],
    [2022, { reminderTalks: 2, individualTalks: 2, collectiveTalks: 1, collectiveTalkParticipants: 30, decisions: 1, pledgesSigned: 2 }],
  ] as const)('%i counts the records of its own Beijing year, and each drill-down lists exactly them', async (year, expected) => {
    const s = await summary(year);
    expect(s.figures).toMatchObject(expected);
    for (const figure of Object.keys(expected)) {
      const d = s.drillDowns[figure];
      expect(d, figure).toBeDefined();
      const query = new URLSearchParams({ ...d!.query, pageSize: '200' });
      const r = await call(t.app, 'GET', `${d!.api}?${query}`, { cookie: inspector });
      expect(r.status, figure).toBe(200);
      const list = (await r.json()) as { total: number; items: { participants?: number | null }[] };
      if (figure === 'collectiveTalkParticipants') expect(list.items.reduce((n, x) => n + (x.participants ?? 0), 0), figure).toBe(expected[figure]);
      else expect(list.total, figure).toBe(expected[figure as keyof typeof expected]);
    }
  });

  it('a year with none of them counts zero', async () => {
    const s = await summary(2020);
    expect(s.figures).toMatchObject({ reminderTalks: 0, collectiveTalks: 0, decisions: 0, pledgesSigned: 0 });
  });
});
