import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, login, type TestContext } from '../../testing/harness.ts';
import { DEMO_PASSWORD, seedDemo } from '../../demo/seed.ts';
import type { DrillDown } from './rules.ts';

// The reference report's sentences of section (七), figure for figure (domain.md §2, §5, §6, §7).
const COMMITTEE =
  '圆满完成20个村(社区)“两委”换届选举,共产生104名村(社区)“两委”成员,其中35岁以下年轻干部23名,女性成员47名,其中女性主职干部5名;' +
  '“两委”成员平均年龄43岁,较上届平均年龄下降5岁;“两委”成员中大专及以上学历61名,较上届新增13名;“一肩挑”比例达100%。';
const INTEGRITY =
  '2021年,街道领导班子成员开展集体谈话29次、1774人次,个别谈话64人次(提醒谈话58次、诫勉谈话2人次、警示谈话4人次);给予辖区31名党员党纪处分(警告20人、严重警告7人、开除党籍4人)。';

let t: TestContext;
let jijian = '';
let shenji = '';
beforeAll(async () => {
  t = await createTestContext();
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  jijian = await login(t.app, 'jijian', DEMO_PASSWORD);
  shenji = await login(t.app, 'shenji', DEMO_PASSWORD);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const get = async <T>(path: string, cookie = jijian, status = 200) => {
  const r = await call(t.app, 'GET', path, { cookie });
  expect(r.status, path).toBe(status);
  return (await r.json()) as T;
};

type Summary = {
  figures: Record<string, unknown> & { partySanctions: Record<string, number>; committeeStructure: Record<string, unknown> | null };
  paragraphs: { key: string; text: string; parts: (string | { figure: string; text: string })[] }[];
  drillDowns: Record<string, DrillDown>;
  checks: { check: string; count: number; records: { href: string }[] }[];
};

describe(`annual summary on the demo (${engineLabel()})`, () => {
  it('reproduces the reference figures and sentences for 2021', async () => {
    const s = await get<Summary>(`/api/reports/annual-summary?year=2021&org=${t.rootOrgId}`);
    expect(s.figures).toMatchObject({
      decisions: 85,
      collectiveTalks: 29,
      collectiveTalkParticipants: 1774,
      individualTalks: 64,
      reminderTalks: 58,
      admonishments: 2,
      warningTalks: 4,
      partySanctionedPersons: 31,
      pledgesPhrase: '200余份',
    });
    expect(s.figures.partySanctions).toEqual({ warning: 20, serious_warning: 7, removal_from_post: 0, probation: 0, expulsion: 4 });
    expect(s.figures.committeeStructure).toMatchObject({ members: 104, age35OrUnder: 23, female: 47, femalePrincipals: 5, collegeOrAbove: 61, dualRoleRatio: 1 });
    const text = Object.fromEntries(s.paragraphs.map((p) => [p.key, p.text]));
    expect(text.committee).toBe(COMMITTEE);
    expect(text.decisions).toBe('2021年,集体研究“三重一大”事项85项。');
    expect(text.integrity).toBe(INTEGRITY);
    expect(text.pledges).toBe('与机关干部、村居“两委”成员签订廉洁自律承诺书200余份。');
    // Every number of the 两委 sentence is a link, in the reference's order.
    const linked = s.paragraphs.find((p) => p.key === 'committee')!.parts.filter((p) => typeof p !== 'string').map((p) => (p as { text: string }).text);
    expect(linked).toEqual(['20', '104', '23', '47', '5', '43', '5', '61', '13', '100']);
  });

  it('every drill-down returns exactly the records its figure counts', async () => {
    const s = await get<Summary>('/api/reports/annual-summary?year=2021');
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.figures)) if (typeof v === 'number') values[k] = v;
    for (const [k, v] of Object.entries(s.figures.partySanctions)) values[`partySanctions.${k}`] = v;
    const ff = s.figures.fourForms as unknown as Record<string, { count: number }>;
    for (const k of ['first', 'second', 'third', 'fourth']) values[`fourForms.${k}`] = ff[k]!.count;
    let checked = 0;
    for (const [figure, d] of Object.entries(s.drillDowns)) {
      if (figure.startsWith('committee.')) continue; // the structure table, not a list of records
      const expected = values[figure];
      expect(expected, figure).toBeTypeOf('number');
      const query = new URLSearchParams({ ...d.query, pageSize: '200' });
      const list = await get<{ total: number; items: { participants?: number | null }[] }>(`${d.api}?${query}`);
      if (figure === 'collectiveTalkParticipants') {
        expect(list.items.length).toBe(list.total);
        expect(list.items.reduce((n, r) => n + (r.participants ?? 0), 0), figure).toBe(expected);
      } else expect(list.total, figure).toBe(expected);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('lists the checks on the records with links, and lets auditors read it; secretaries may not', async () => {
    const s = await get<Summary>('/api/reports/annual-summary?year=2021', shenji);
    expect(s.checks.map((c) => c.check)).toEqual(['talkWithoutLeader', 'sanctionWithoutEffectiveDate', 'inquiryOverdue', 'itemNotClosed', 'campaignOpen']);
    for (const c of s.checks) {
      expect(c.records.length).toBe(Math.min(c.count, 20));
      for (const r of c.records) expect(r.href).toMatch(/^\/[a-z/-]+\/\d+$/);
    }
    const secretary = await login(t.app, 'cunshuji', DEMO_PASSWORD);
    await get('/api/reports/annual-summary?year=2021', secretary, 403);
    await get('/api/reports/annual-summary?year=1999', jijian, 400);
    await get('/api/reports/annual-summary?year=2021&org=999999', jijian, 404);
  });
});
