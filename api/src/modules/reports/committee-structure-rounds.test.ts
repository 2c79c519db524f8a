// Issue 10 item 8: a term with no posts yet is not counted (listed as 未录入), and the report can be asked
// for one 换届 round (the election year). Figures computed by hand from the fixture below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createUserAndLogin, createTestContext, engineLabel, type TestContext } from '../../testing/harness.ts';
import { getCommitteeStructure } from './queries.ts';
import { addPerson, addPost, addTerm } from './testing.ts';

/*
 * 东村 A: 第1届 elected 2018-01-15 (p1 secretary), 第2届 elected 2021-01-16 (p1 secretary + director: 一肩挑).
 * 南村 B: 第1届 elected 2021-01-18 (q1 secretary), 第2届 elected 2026-11-20 with NO posts yet.
 * 北村 C: 第1届 elected 2024-03-01 (c1 secretary, c2 director).
 */
let t: TestContext;
const ids = {} as Record<'S' | 'A' | 'B' | 'C', number>;
let office = '';

beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  ids.S = t.rootOrgId;
  ids.A = (await createOrg(t, ids.S, 'village', '东村')).id;
  ids.B = (await createOrg(t, ids.S, 'village', '南村')).id;
  ids.C = (await createOrg(t, ids.S, 'village', '北村')).id;
  const person = (orgUnitId: number, name: string, birthDate: string) => addPerson(db, { orgUnitId, name, gender: 'male', birthDate, political: 'cpc_member', education: 'bachelor' });
  const p1 = await person(ids.A, '甲一', '1970-01-01');
  const q1 = await person(ids.B, '乙一', '1980-01-01');
  const c1 = await person(ids.C, '丙一', '1990-01-01');
  const c2 = await person(ids.C, '丙二', '1990-06-01');
  const a1 = await addTerm(db, { orgUnitId: ids.A, ordinal: 1, electionDate: '2018-01-15', endDate: '2021-01-16' });
  const a2 = await addTerm(db, { orgUnitId: ids.A, ordinal: 2, electionDate: '2021-01-16' });
  const b1 = await addTerm(db, { orgUnitId: ids.B, ordinal: 1, electionDate: '2021-01-18', endDate: '2026-11-20' });
  await addTerm(db, { orgUnitId: ids.B, ordinal: 2, electionDate: '2026-11-20' });
  const c1t = await addTerm(db, { orgUnitId: ids.C, ordinal: 1, electionDate: '2024-03-01' });
  await addPost(db, { personId: p1, orgUnitId: ids.A, termId: a1, committee: 'party', position: 'secretary', start: '2018-01-15', end: '2021-01-16' });
  await addPost(db, { personId: p1, orgUnitId: ids.A, termId: a2, committee: 'party', position: 'secretary', start: '2021-01-16' });
  await addPost(db, { personId: p1, orgUnitId: ids.A, termId: a2, committee: 'residents', position: 'director', start: '2021-01-16' });
  await addPost(db, { personId: q1, orgUnitId: ids.B, termId: b1, committee: 'party', position: 'secretary', start: '2021-01-18', end: '2026-11-20' });
  await addPost(db, { personId: c1, orgUnitId: ids.C, termId: c1t, committee: 'party', position: 'secretary', start: '2024-03-01' });
  await addPost(db, { personId: c2, orgUnitId: ids.C, termId: c1t, committee: 'residents', position: 'director', start: '2024-03-01' });
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
});
afterAll(async () => {
  await t.close();
});

const report = (o: { asOf?: string; round?: number } = {}) => getCommitteeStructure(t.handle.db, { scopePath: '/', orgId: ids.S, asOf: o.asOf ?? null, round: o.round ?? null }).then((r) => r!);
const status = (r: Awaited<ReturnType<typeof report>>) => Object.fromEntries(r.byVillage.map((v) => [v.name, [v.status, v.round]]));

describe(`committee structure: 未录入 terms and 换届 rounds (${engineLabel()})`, () => {
  it('leaves a term without posts out of every figure and lists its village as 未录入', async () => {
    const r = await report();
    expect(status(r)).toEqual({ 东村: ['counted', 2021], 南村: ['not_entered', 2026], 北村: ['counted', 2024] });
    expect(r.villages).toEqual({ notEntered: 1, inScope: 3, current: 2, previous: 1 });
    // 甲一 (东村) + 丙一, 丙二 (北村); 一肩挑 in 东村 only: 1 of the 2 counted villages.
    expect(r.current.members).toBe(3);
    expect(r.current.dualRoleVillages).toBe(1);
    expect(r.current.dualRoleRatio).toBe(0.5);
    expect(r.sentence).toMatch(/^圆满完成2个村/);
    expect(r.byVillage.find((v) => v.name === '南村')!.pendingTerm).toMatchObject({ ordinal: 2, electionDate: '2026-11-20' });
    // On a date in the empty term too.
    const onDate = await report({ asOf: '2026-12-01' });
    expect(status(onDate)['南村']).toEqual(['not_entered', 2026]);
    expect(onDate.villages.current).toBe(2);
  });

  it('reports one 换届 round: the terms elected that year, whatever came after', async () => {
    const r2021 = await report({ round: 2021 });
    expect(r2021.round).toBe(2021);
    expect(status(r2021)).toEqual({ 东村: ['counted', 2021], 南村: ['counted', 2021], 北村: ['no_term', null] });
    expect(r2021.current.members).toBe(2);
    expect(r2021.electionDates.current).toEqual({ from: '2021-01-16', to: '2021-01-18' });
    // 东村's previous term (2018) is compared; 南村 has none.
    expect(r2021.villages.previous).toBe(1);
    const r2018 = await report({ round: 2018 });
    expect(status(r2018)).toEqual({ 东村: ['counted', 2018], 南村: ['no_term', null], 北村: ['no_term', null] });
    expect(r2018.rounds).toEqual([
      { year: 2026, villages: 1 },
      { year: 2024, villages: 1 },
      { year: 2021, villages: 2 },
      { year: 2018, villages: 1 },
    ]);
    // Which villages are in which round, newest first.
    expect((await report()).roundsShown).toEqual([
      { year: 2026, villages: ['南村'] },
      { year: 2024, villages: ['北村'] },
      { year: 2021, villages: ['东村'] },
    ]);
  });

  it('answers ?round= over HTTP and refuses it together with a date, in Chinese', async () => {
    const ok = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.S}&round=2021`, { cookie: office });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { round: number; byVillage: { name: string; status: string }[] };
    expect(body.round).toBe(2021);
    const both = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.S}&round=2021&asOf=2022-01-01`, { cookie: office });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toMatch(/截至日期与换届年份只能选择其一/);
    const bad = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.S}&round=abc`, { cookie: office });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/换届年份/);
    const xlsx = await call(t.app, 'GET', `/api/reports/committee-structure.xlsx?org=${ids.S}&round=2021`, { cookie: office });
    expect(xlsx.status).toBe(200);
  });
});
