import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, engineLabel, login, type TestContext } from '../testing/harness.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

let t: TestContext;
let office = '';
let secretary = '';
beforeAll(async () => {
  t = await createTestContext();
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  expect((await seedDemo(t.handle.db, t.clock, () => {})).seeded).toBe(true);
  office = await login(t.app, 'dangjianban', DEMO_PASSWORD);
  secretary = await login(t.app, 'cunshuji', DEMO_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

const get = async <T>(path: string, cookie = office) => {
  const r = await call(t.app, 'GET', path, { cookie });
  expect(r.status).toBe(200);
  return (await r.json()) as T;
};

interface Stats {
  decisions: number;
  sentence: string;
  deferredItems: number;
  byCategory: { category: string; count: number }[];
  byOrg: { orgId: number; count: number }[];
  flaggedByRule: { rule: string; count: number }[];
}

describe(`demo decisions (${engineLabel()})`, () => {
  it('2021: 集体研究“三重一大”事项85项 through the statistics endpoint, with drill-down', async () => {
    const s = await get<Stats>(`/api/reports/decisions?org=${t.rootOrgId}&year=2021`);
    expect(s.decisions).toBe(85);
    expect(s.sentence).toBe('集体研究“三重一大”事项85项');
    expect(s.byCategory.reduce((a, c) => a + c.count, 0)).toBe(85);
    expect(s.byOrg.reduce((a, c) => a + c.count, 0)).toBe(85);
    expect(s.deferredItems).toBe(2);
    const drill = await get<{ total: number }>(`/api/reports/decisions/items?org=${t.rootOrgId}&year=2021&counted=yes&pageSize=10`);
    expect(drill.total).toBe(85);
    // The December deferral is decided in January 2022 and counts there.
    expect((await get<Stats>(`/api/reports/decisions?org=${t.rootOrgId}&year=2022`)).decisions).toBe(1);
  });

  it('has exactly the three named flagged cases among the decided items, and one ordinary item over the threshold', async () => {
    const s = await get<Stats>(`/api/reports/decisions?org=${t.rootOrgId}&year=2021`);
    const rules = Object.fromEntries(s.flaggedByRule.map((r) => [r.rule, r.count]));
    expect(rules).toEqual({ quorum_two_thirds: 1, principal_not_last: 1, steps_missing: 1, threshold: 1 });
  });

  it('gives the secretary of 柳河村 a village item in progress, and nothing outside the village', async () => {
    const list = await get<{ items: { id: number; org_name: string; items: number }[]; total: number }>('/api/decisions/meetings', secretary);
    expect(list.total).toBe(1);
    expect(list.items[0]!.org_name).toBe('柳河村');
    const meeting = await get<{ items: { id: number; outcome: string | null; closed_at: string | null }[] }>(`/api/decisions/meetings/${list.items[0]!.id}`, secretary);
    expect(meeting.items).toHaveLength(1);
    expect(meeting.items[0]).toMatchObject({ outcome: null, closed_at: null });
    const item = await get<{ steps: { step: string; merged: boolean }[] }>(`/api/decisions/items/${meeting.items[0]!.id}`, secretary);
    expect(item.steps).toMatchObject([{ step: 'proposal', merged: true }]);
  });
});
