import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, login, type TestContext } from '../testing/harness.ts';
import { addDays } from '../modules/discipline/rules.ts';
import type { IntegrityFigures } from '../modules/discipline/rules.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

// The reference report's sentences on talks and sanctions, as domain.md §5 phrases them (ASCII , ( ) ;).
const REFERENCE = '街道领导班子成员开展集体谈话29次、1774人次,个别谈话64人次(提醒谈话58次、诫勉谈话2人次、警示谈话4人次);给予辖区31名党员党纪处分(警告20人、严重警告7人、开除党籍4人)';

let t: TestContext;
let jijian = '';
beforeAll(async () => {
  t = await createTestContext();
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  jijian = await login(t.app, 'jijian', DEMO_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

const get = async <T>(path: string, cookie = jijian) => {
  const r = await call(t.app, 'GET', path, { cookie });
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
};

describe(`demo discipline records (${engineLabel()})`, () => {
  it('reproduce the reference sentence exactly through the integrity endpoint', async () => {
    const r = await get<{ sentence: string; figures: IntegrityFigures }>('/api/reports/integrity?year=2021');
    expect(r.sentence).toBe(REFERENCE);
    // Counted elsewhere, never in the sentence: 函询, 廉政谈话, 任前廉政谈话, a 政务处分; the revoked sanction nowhere.
    expect(r.figures.inquiryLetters).toBe(3);
    expect(r.figures.integrityTalks).toBe(3);
    expect(r.figures.preAppointmentTalks).toBe(2);
    expect(r.figures.governmentSanctions).toBe(1);
    const revoked = await t.handle.db.selectFrom('sanction').select('id').where('status', '=', 'revoked').execute();
    expect(revoked).toHaveLength(1);
  });

  it('has a current 两委 member who is not eligible on the next election date, and a desk with work', async () => {
    const next = addDays('2021-01-09', 365 * 5 + 400);
    const today = new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const on = next > today ? next : addDays(today, 300);
    const person = await t.handle.db.selectFrom('person').select('id').where('name', '=', '唐明轩').executeTakeFirstOrThrow();
    const e = await get<{ eligible: boolean; reasons: { text: string }[] }>(`/api/people/${person.id}/eligibility?on=${on}`);
    expect(e.eligible).toBe(false);
    expect(e.reasons[0]?.text).toContain('党纪严重警告');
    const desk = await get<{ ending: unknown[]; admonishments: unknown[]; replies: { state: string }[] }>('/api/discipline/desk');
    expect(desk.ending.length).toBeGreaterThanOrEqual(1);
    expect(desk.admonishments.length).toBeGreaterThanOrEqual(1);
    expect(desk.replies.map((r) => r.state).sort()).toEqual(['open', 'overdue']);
  });
});
