// Issue 10 item 13: the 届满 reminder — villages whose latest term has passed its end with no newer term.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../../testing/harness.ts';
import { addTerm } from '../reports/testing.ts';

let t: TestContext;
const ids = {} as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'X', number>;
let office = '';
let secretaryE = '';

// Today (the test clock) is 2026-03-02 in Beijing.
beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  ids.A = (await createOrg(t, t.rootOrgId, 'village', '甲村')).id;
  ids.B = (await createOrg(t, t.rootOrgId, 'village', '乙村')).id;
  ids.C = (await createOrg(t, t.rootOrgId, 'community', '丙社区')).id;
  ids.D = (await createOrg(t, t.rootOrgId, 'village', '丁村')).id;
  ids.E = (await createOrg(t, t.rootOrgId, 'village', '戊村')).id;
  // 甲村: open term from 2021-01-16 → due 2026-01-16 by the statutory five years: 届满.
  await addTerm(db, { orgUnitId: ids.A, ordinal: 11, electionDate: '2021-01-16' });
  // 乙村: the old term ended, a newer one exists: nothing to remind.
  await addTerm(db, { orgUnitId: ids.B, ordinal: 1, electionDate: '2016-01-10', endDate: '2021-01-10' });
  await addTerm(db, { orgUnitId: ids.B, ordinal: 2, electionDate: '2021-01-10', startDate: '2021-03-03' });
  // 丙社区: an entered end date tomorrow — not yet.
  await addTerm(db, { orgUnitId: ids.C, ordinal: 3, electionDate: '2021-03-01', endDate: '2026-03-03' });
  // 丁村: an entered end date today (the first day out of office) — 届满.
  await addTerm(db, { orgUnitId: ids.D, ordinal: 5, electionDate: '2020-12-01', endDate: '2026-03-02' });
  // 戊村: ended long ago, no newer term.
  await addTerm(db, { orgUnitId: ids.E, ordinal: 1, electionDate: '2015-01-01', endDate: '2020-01-01' });
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  secretaryE = (await createUserAndLogin(t, { username: 'secE', role: 'secretary', orgUnitId: ids.E })).cookie;
});
afterAll(async () => {
  await t.close();
});

interface Expiry {
  today: string;
  total: number;
  items: { org_id: number; org_name: string; ordinal: number; due_date: string; end_implied: boolean }[];
}

describe(`届满 reminder (${engineLabel()})`, () => {
  it('lists villages past their term end without a newer term, oldest first, and only in scope', async () => {
    const res = await call(t.app, 'GET', '/api/roster/term-expiry', { cookie: office });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Expiry;
    expect(body.today).toBe('2026-03-02');
    expect(body.items.map((i) => [i.org_name, i.ordinal, i.due_date, i.end_implied])).toEqual([
      ['戊村', 1, '2020-01-01', false],
      ['甲村', 11, '2026-01-16', true],
      ['丁村', 5, '2026-03-02', false],
    ]);
    expect(body.total).toBe(3);
    const own = (await (await call(t.app, 'GET', '/api/roster/term-expiry', { cookie: secretaryE })).json()) as Expiry;
    expect(own.items.map((i) => i.org_name)).toEqual(['戊村']);
  });

  it('drops a village once its new term is entered, and adds one whose end date comes', async () => {
    await addTerm(t.handle.db, { orgUnitId: ids.D, ordinal: 6, electionDate: '2026-03-02' });
    await t.handle.db.updateTable('term').set({ end_date: '2026-03-02' }).where('org_unit_id', '=', ids.C).execute();
    const body = (await (await call(t.app, 'GET', '/api/roster/term-expiry', { cookie: office })).json()) as Expiry;
    expect(body.items.map((i) => i.org_name)).toEqual(['戊村', '甲村', '丙社区']);
  });
});
