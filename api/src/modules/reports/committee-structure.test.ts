import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { insertOrg } from '../orgs/queries.ts';
import { ageOn } from '../roster/identity.ts';
import { call, createOrg, createUserAndLogin, engineLabel, createTestContext, type TestContext } from '../../testing/harness.ts';
import { getCommitteeStructure } from './queries.ts';
import { FIGURE_KEYS, type CommitteeStructureReport, type StructureFigures } from './rules.ts';
import { addPerson, addPost, addTerm } from './testing.ts';

/*
 * Hand-built fixture (all figures below are computed by hand, not by the code under test).
 *
 * 测试街道 (root S)
 *   东岭村 A   term 1: elected and starts 2018-01-15, ends 2021-01-16; term 2: elected and starts 2021-01-16, open
 *   南苑社区 B term 1: elected 2021-01-18, starts 2021-01-20, open (no previous term)
 *   西坡村 E   no terms at all
 * 外街道 (another root)  外村 X: term 1 elected 2021-01-10 with one secretary (must never be counted)
 *
 * people                     born        education              political
 *   p1 张建国 M              1975-06-01  bachelor               cpc_member
 *   p2 李娜   F              1985-01-17  associate              cpc_probationary
 *   p3 王强   M              1985-01-16  high_school            masses
 *   p4 赵敏   F              1988-02-29  master                 cyl_member
 *   p5 陈秀英 F              1960-03-10  junior_high            cpc_member
 *   p6 刘洋   M              1995-07-20  bachelor               cpc_member
 *   p7 孙桂兰 F              1958-09-09  primary_or_below       cpc_member
 *   p8 周伟   M              1970-11-11  secondary_vocational   masses
 *   q1 吴丽   F              1979-04-04  doctorate              cpc_member
 *   q2 郑磊   M              1990-12-12  bachelor               masses
 *
 * A term 2 posts (from 2021-01-16): p1 party secretary + residents director (一肩挑, cross-serving);
 *   p2 party deputy secretary; p4 party member + residents deputy director (cross-serving);
 *   p3 residents member; p5 residents member ENDED 2022-03-31; p6 residents member from 2022-05-10 (by-election).
 * Date ranges are half-open as in the roster: a post ending on D is no longer held on D.
 * A term 1 posts (2018-01-15 … 2021-01-16): p7 party secretary; p8 residents director; p1 party deputy
 *   secretary; p5 party member + residents member (cross-serving); p2 party member from 2019-06-01 (by-election).
 * B term 1 posts (from 2021-01-20, its start; counted then, not at the election on 2021-01-18): q1 party secretary + residents director (a woman: one female principal);
 *   q2 residents member.
 */

let t: TestContext;
let s2Path: string;
const ids = {} as Record<'S' | 'A' | 'B' | 'E' | 'S2' | 'X', number>;

beforeAll(async () => {
  t = await createTestContext();
  const db = t.handle.db;
  ids.S = t.rootOrgId;
  ids.A = (await createOrg(t, ids.S, 'village', '东岭村')).id;
  ids.B = (await createOrg(t, ids.S, 'community', '南苑社区')).id;
  ids.E = (await createOrg(t, ids.S, 'village', '西坡村')).id;
  const s2 = await insertOrg(db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '外街道' });
  ids.S2 = s2.id;
  s2Path = s2.path;
  ids.X = (await createOrg(t, ids.S2, 'village', '外村')).id;

  const person = (orgUnitId: number, name: string, gender: 'male' | 'female', birthDate: string, education: Parameters<typeof addPerson>[1]['education'], political: Parameters<typeof addPerson>[1]['political']) =>
    addPerson(db, { orgUnitId, name, gender, birthDate, education, political });
  const p1 = await person(ids.A, '张建国', 'male', '1975-06-01', 'bachelor', 'cpc_member');
  const p2 = await person(ids.A, '李娜', 'female', '1985-01-17', 'associate', 'cpc_probationary');
  const p3 = await person(ids.A, '王强', 'male', '1985-01-16', 'high_school', 'masses');
  const p4 = await person(ids.A, '赵敏', 'female', '1988-02-29', 'master', 'cyl_member');
  const p5 = await person(ids.A, '陈秀英', 'female', '1960-03-10', 'junior_high', 'cpc_member');
  const p6 = await person(ids.A, '刘洋', 'male', '1995-07-20', 'bachelor', 'cpc_member');
  const p7 = await person(ids.A, '孙桂兰', 'female', '1958-09-09', 'primary_or_below', 'cpc_member');
  const p8 = await person(ids.A, '周伟', 'male', '1970-11-11', 'secondary_vocational', 'masses');
  const q1 = await person(ids.B, '吴丽', 'female', '1979-04-04', 'doctorate', 'cpc_member');
  const q2 = await person(ids.B, '郑磊', 'male', '1990-12-12', 'bachelor', 'masses');
  const x1 = await person(ids.X, '外人', 'male', '1980-05-05', 'bachelor', 'cpc_member');

  const a1 = await addTerm(db, { orgUnitId: ids.A, ordinal: 1, electionDate: '2018-01-15', endDate: '2021-01-16' });
  const a2 = await addTerm(db, { orgUnitId: ids.A, ordinal: 2, electionDate: '2021-01-16' });
  const b1 = await addTerm(db, { orgUnitId: ids.B, ordinal: 1, electionDate: '2021-01-18', startDate: '2021-01-20' });
  const x1t = await addTerm(db, { orgUnitId: ids.X, ordinal: 1, electionDate: '2021-01-10' });

  const A2 = { orgUnitId: ids.A, termId: a2, start: '2021-01-16' };
  await addPost(db, { ...A2, personId: p1, committee: 'party', position: 'secretary' });
  await addPost(db, { ...A2, personId: p1, committee: 'residents', position: 'director' });
  await addPost(db, { ...A2, personId: p2, committee: 'party', position: 'deputy_secretary' });
  await addPost(db, { ...A2, personId: p4, committee: 'party', position: 'member' });
  await addPost(db, { ...A2, personId: p4, committee: 'residents', position: 'deputy_director' });
  await addPost(db, { ...A2, personId: p3, committee: 'residents', position: 'member' });
  await addPost(db, { ...A2, personId: p5, committee: 'residents', position: 'member', end: '2022-03-31' });
  await addPost(db, { ...A2, personId: p6, committee: 'residents', position: 'member', start: '2022-05-10', how: 'by_election' });

  const A1 = { orgUnitId: ids.A, termId: a1, start: '2018-01-15', end: '2021-01-16' };
  await addPost(db, { ...A1, personId: p7, committee: 'party', position: 'secretary' });
  await addPost(db, { ...A1, personId: p8, committee: 'residents', position: 'director' });
  await addPost(db, { ...A1, personId: p1, committee: 'party', position: 'deputy_secretary' });
  await addPost(db, { ...A1, personId: p5, committee: 'party', position: 'member' });
  await addPost(db, { ...A1, personId: p5, committee: 'residents', position: 'member' });
  await addPost(db, { ...A1, personId: p2, committee: 'party', position: 'member', start: '2019-06-01', how: 'by_election' });

  const B1 = { orgUnitId: ids.B, termId: b1, start: '2021-01-20' };
  await addPost(db, { ...B1, personId: q1, committee: 'party', position: 'secretary' });
  await addPost(db, { ...B1, personId: q1, committee: 'residents', position: 'director' });
  await addPost(db, { ...B1, personId: q2, committee: 'residents', position: 'member' });

  await addPost(db, { orgUnitId: ids.X, termId: x1t, start: '2021-01-10', personId: x1, committee: 'party', position: 'secretary' });
});

afterAll(async () => {
  await t?.close();
});

const F = (
  members: number,
  age35OrUnder: number,
  female: number,
  femalePrincipals: number,
  averageAge: number | null,
  collegeOrAbove: number,
  dualRoleVillages: number,
  dualRoleRatio: number,
  crossServing: number,
  partyMembers: number,
): StructureFigures => ({ members, age35OrUnder, female, femalePrincipals, averageAge, collegeOrAbove, dualRoleVillages, dualRoleRatio, crossServing, partyMembers });

const report = async (asOf: string | null, orgId = ids.S, scopePath = t.rootPath) =>
  (await getCommitteeStructure(t.handle.db, { scopePath, orgId, asOf }))!;

describe(`committee-structure report figures (${engineLabel()})`, () => {
  it('default: each village at its latest election date, previous term at its own', async () => {
    const r = await report(null);
    expect(Object.keys(r.current).sort()).toEqual([...FIGURE_KEYS].sort());
    expect(Object.keys(r.previous).sort()).toEqual([...FIGURE_KEYS].sort());
    // A at 2021-01-16: p1 45, p2 35 (turns 36 next day), p3 36 (turns 36 that day), p4 32, p5 60 → 208/5 = 41.6;
    //   p6 not yet (from 2022-05-10). ≤35: p2 p4. women p2 p4 p5. college p1 p2 p4. cross p1 p4. party p1 p2 p5.
    // B at 2021-01-20: q1 41, q2 30 → 35.5. ≤35: q2. women q1 (principal, counted once). college q1 q2.
    // Totals: 7 members, (208+71)/7 = 39.857 → 39.9; 一肩挑 in A and B → 2/2.
    expect(r.current).toEqual(F(7, 3, 4, 1, 39.9, 5, 2, 1, 3, 4));
    // Previous: A term 1 at 2018-01-15: p7 59, p8 47, p1 42, p5 57 (p2 joined later) → 205/4 = 51.25 → 51.3.
    //   women p7 p5, principal woman p7; college p1; no 一肩挑 (p7 secretary, p8 director): 0/1; cross p5; party p7 p1 p5.
    expect(r.previous).toEqual(F(4, 0, 2, 1, 51.3, 1, 0, 0, 1, 3));
    expect(r.change).toEqual(F(3, 3, 2, 0, -11.4, 4, 2, 1, 2, 1));
    expect(r.villages).toEqual({ notEntered: 0, inScope: 3, current: 2, previous: 1 });
    expect(r.electionDates).toEqual({ current: { from: '2021-01-16', to: '2021-01-18' }, previous: { from: '2018-01-15', to: '2018-01-15' } });
    expect(r.org).toEqual({ id: ids.S, name: '测试街道', kind: 'subdistrict' });
    expect(r.asOf).toBeNull();

    expect(r.byVillage.map((v) => v.name)).toEqual(['东岭村', '南苑社区', '西坡村']);
    const [a, b, e] = r.byVillage;
    expect(a).toMatchObject({
      orgId: ids.A,
      kind: 'village',
      currentTerm: { ordinal: 2, electionDate: '2021-01-16', asOf: '2021-01-16' },
      previousTerm: { ordinal: 1, electionDate: '2018-01-15', asOf: '2018-01-15' },
    });
    expect(a!.current).toEqual(F(5, 2, 3, 0, 41.6, 3, 1, 1, 2, 3));
    expect(a!.previous).toEqual(F(4, 0, 2, 1, 51.3, 1, 0, 0, 1, 3));
    // A village without a previous term contributes nothing to `previous`.
    expect(b).toMatchObject({ orgId: ids.B, kind: 'community', currentTerm: { ordinal: 1, electionDate: '2021-01-18', asOf: '2021-01-20' }, previousTerm: null, previous: null });
    expect(b!.current).toEqual(F(2, 1, 1, 1, 35.5, 2, 1, 1, 1, 1));
    expect(e).toMatchObject({ orgId: ids.E, currentTerm: null, previousTerm: null, current: null, previous: null });

    expect(r.ageBands.map((x) => [x.key, x.current, x.previous])).toEqual([
      ['upTo35', 3, 0], // p2 p4 q2 | —
      ['from36To45', 3, 1], // p3 p1 q1 | p1
      ['from46To55', 0, 1], // — | p8
      ['from56', 1, 2], // p5 | p7 p5
    ]);
    expect(Object.fromEntries(r.education.map((x) => [x.key, [x.current, x.previous]]))).toEqual({
      doctorate: [1, 0],
      master: [1, 0],
      bachelor: [2, 1],
      associate: [1, 0],
      secondary_vocational: [0, 1],
      high_school: [1, 0],
      junior_high: [1, 1],
      primary_or_below: [0, 1],
    });
    expect(r.gender).toEqual([
      { key: 'male', label: '男', current: 3, previous: 2 },
      { key: 'female', label: '女', current: 4, previous: 2 },
    ]);
    expect(r.sentence).toBe(
      '圆满完成2个村(社区)“两委”换届选举,共产生7名村(社区)“两委”成员,其中35岁以下年轻干部3名,女性成员4名,其中女性主职干部1名;' +
        '“两委”成员平均年龄40岁,较上届平均年龄下降11岁;“两委”成员中大专及以上学历5名,较上届新增4名;“一肩挑”比例达100%',
    );
  });

  it('as of a later date: a post that ended before it is not counted, a by-election after the term start is', async () => {
    const r = await report('2022-06-30');
    // A at 2022-06-30: p1 47, p2 37, p3 37, p4 34, p6 26 (p5 ended 2022-03-31) → 181; B: q1 43, q2 31 → 74.
    // 255/7 = 36.43 → 36.4; ≤35 p4 p6 q2; women p2 p4 q1; college p1 p2 p4 p6 q1 q2; party p1 p2 p6 q1.
    expect(r.current).toEqual(F(7, 3, 3, 1, 36.4, 6, 2, 1, 3, 4));
    expect(r.byVillage[0]!.current).toEqual(F(5, 2, 2, 0, 36.2, 4, 1, 1, 2, 3));
    expect(r.byVillage[0]!.currentTerm).toMatchObject({ ordinal: 2, asOf: '2022-06-30' });
    // The previous term is still counted at its own election date.
    expect(r.previous).toEqual(F(4, 0, 2, 1, 51.3, 1, 0, 0, 1, 3));
    expect(r.asOf).toBe('2022-06-30');
    expect(r.sentence).toContain('女性成员3名');
    expect(r.sentence).toContain('“两委”成员平均年龄36岁,较上届平均年龄下降15岁;“两委”成员中大专及以上学历6名,较上届新增5名;');
  });

  it('does not count a post on its end date (half-open, as the roster)', async () => {
    // p5's post ended 2022-03-31: still held on 2022-03-30, not on 2022-03-31 (p6 only from 2022-05-10).
    const before = await report('2022-03-30');
    expect(before.current.members).toBe(7); // A: p1 p2 p3 p4 p5; B: q1 q2
    expect(before.current.female).toBe(4); // p2 p4 p5 q1
    const on = await report('2022-03-31');
    expect(on.current.members).toBe(6);
    expect(on.current.female).toBe(3);
  });

  it('before the newer elections: the older term is current, with no previous term and no comparisons', async () => {
    const r = await report('2020-06-01');
    // Only A has a term in force (term 1); B's only term is elected later. A at 2020-06-01: p7 61, p8 49,
    // p1 45 (birthday that very day), p5 60, p2 35 → 250/5 = 50.0. women p7 p5 p2; principal woman p7.
    expect(r.villages).toEqual({ notEntered: 0, inScope: 3, current: 1, previous: 0 });
    expect(r.current).toEqual(F(5, 1, 3, 1, 50, 2, 0, 0, 1, 4));
    expect(r.previous).toEqual(F(0, 0, 0, 0, null, 0, 0, 0, 0, 0));
    expect(r.change).toBeNull();
    expect(r.byVillage[1]).toMatchObject({ name: '南苑社区', currentTerm: null, current: null });
    expect(r.sentence).toBe(
      '圆满完成1个村(社区)“两委”换届选举,共产生5名村(社区)“两委”成员,其中35岁以下年轻干部1名,女性成员3名,其中女性主职干部1名;' +
        '“两委”成员平均年龄50岁;“两委”成员中大专及以上学历2名;“一肩挑”比例为0%',
    );
  });

  it('picks the term in force on the date, by its start and end dates', async () => {
    // 2021-01-15: A term 1 (ends 2021-01-16) is still in force; B is not yet elected.
    const r15 = await report('2021-01-15');
    expect(r15.villages.current).toBe(1);
    expect(r15.byVillage[0]!.currentTerm).toMatchObject({ ordinal: 1, asOf: '2021-01-15' });
    // 2021-01-16: A term 2 starts the day term 1 ends; its previous term is term 1 at 2018-01-15.
    const r16 = await report('2021-01-16');
    expect(r16.byVillage[0]!.currentTerm).toMatchObject({ ordinal: 2 });
    expect(r16.byVillage[0]!.previousTerm).toMatchObject({ ordinal: 1, asOf: '2018-01-15' });
    // 2021-01-19: B is elected (2021-01-18) but its term starts 2021-01-20: not yet in force.
    expect((await report('2021-01-19')).villages.current).toBe(1);
    expect((await report('2021-01-20')).villages.current).toBe(2);
    // X's only term ends 2025-12-31 (set here): in force on 2025-12-30, not on 2025-12-31.
    await t.handle.db.updateTable('term').set({ end_date: '2025-12-31' }).where('org_unit_id', '=', ids.X).execute();
    const last = await report('2025-12-30', ids.S2, s2Path);
    expect(last.villages).toEqual({ notEntered: 0, inScope: 1, current: 1, previous: 0 });
    expect(last.current.members).toBe(1);
    const after = await report('2025-12-31', ids.S2, s2Path);
    expect(after.villages).toEqual({ notEntered: 0, inScope: 1, current: 0, previous: 0 });
    expect(after.current.members).toBe(0);
    expect(after.current.dualRoleRatio).toBe(0);
  });

  it('29 February birthdays and the ≤35 boundary at the as-of date', async () => {
    // p4 (born 1988-02-29) is 32 on 2021-02-28 and 33 on 2021-03-01 (common year: a year older on 1 March).
    // A on 2021-02-28: p1 45, p2 36, p3 36, p4 32, p5 60 = 209 → 41.8; on 2021-03-01 p4 is 33 → 210 → 42.0.
    expect((await report('2021-02-28')).byVillage[0]!.current!.averageAge).toBe(41.8);
    expect((await report('2021-03-01')).byVillage[0]!.current!.averageAge).toBe(42);
    // 2024 is a leap year: p4 is 35 on 2024-02-28 and 36 on 2024-02-29.
    // ≤35 on 2024-02-28: p4 (35), p6 (28), q2 (33) = 3; on 2024-02-29: p6, q2 = 2.
    expect((await report('2024-02-28')).current.age35OrUnder).toBe(3);
    expect((await report('2024-02-29')).current.age35OrUnder).toBe(2);
  });

  it("PostgreSQL's age() agrees with identity.ts ageOn, 29 February included", async () => {
    const pairs: [string, string][] = [
      ['1988-02-29', '2021-02-28'],
      ['1988-02-29', '2021-03-01'],
      ['1988-02-29', '2024-02-28'],
      ['1988-02-29', '2024-02-29'],
      ['1985-01-17', '2021-01-16'],
      ['1985-01-16', '2021-01-16'],
      ['2000-12-31', '2021-01-01'],
      ['1990-03-01', '2021-02-28'],
    ];
    for (const [birth, on] of pairs) {
      const r = await sql<{ age: number }>`SELECT extract(year FROM age(${on}::date::timestamp, ${birth}::date::timestamp))::int AS age`.execute(t.handle.db);
      expect(r.rows[0]!.age, `${birth} on ${on}`).toBe(ageOn(birth, on));
    }
  });

  it('reports one village subtree alone, and nothing for an org without villages', async () => {
    const r = await report(null, ids.B);
    expect(r.villages).toEqual({ notEntered: 0, inScope: 1, current: 1, previous: 0 });
    expect(r.current).toEqual(F(2, 1, 1, 1, 35.5, 2, 1, 1, 1, 1));
    const e = await report(null, ids.E);
    expect(e.current).toEqual(F(0, 0, 0, 0, null, 0, 0, 0, 0, 0));
    expect(e.sentence).toBe('范围内暂无在届的村(社区)“两委”成员');
    // Out of the caller's scope: null (the route answers 404).
    expect(await getCommitteeStructure(t.handle.db, { scopePath: t.rootPath, orgId: ids.X, asOf: null })).toBeNull();
  });
});

describe(`committee-structure routes (${engineLabel()})`, () => {
  let officeCookie: string;
  beforeAll(async () => {
    officeCookie = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  });

  it('returns the report for roles in scope, and 404 for an org out of scope', async () => {
    const res = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.S}`, { cookie: officeCookie });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CommitteeStructureReport;
    expect(body.current.members).toBe(7);
    expect(body.byVillage).toHaveLength(3);
    // The caller's own org is the default.
    const dflt = (await (await call(t.app, 'GET', '/api/reports/committee-structure', { cookie: officeCookie })).json()) as CommitteeStructureReport;
    expect(dflt.org.id).toBe(ids.S);
    const out = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.X}`, { cookie: officeCookie });
    expect(out.status).toBe(404);
    expect(((await out.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const missing = await call(t.app, 'GET', '/api/reports/committee-structure?org=999999', { cookie: officeCookie });
    expect(missing.status).toBe(404);
  });

  it('a secretary sees only their own village', async () => {
    const { cookie } = await createUserAndLogin(t, { username: 'sec_b', role: 'secretary', orgUnitId: ids.B });
    const own = await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.B}`, { cookie });
    expect(own.status).toBe(200);
    expect(((await own.json()) as CommitteeStructureReport).current.members).toBe(2);
    const dflt = (await (await call(t.app, 'GET', '/api/reports/committee-structure', { cookie })).json()) as CommitteeStructureReport;
    expect(dflt.byVillage.map((v) => v.name)).toEqual(['南苑社区']);
    expect((await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.S}`, { cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/reports/committee-structure?org=${ids.A}`, { cookie })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/reports/committee-structure.xlsx?org=${ids.A}`, { cookie })).status).toBe(404);
  });

  it('validates the query and requires a session', async () => {
    const bad = await call(t.app, 'GET', '/api/reports/committee-structure?asOf=2021-02-30', { cookie: officeCookie });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation');
    // The field by its Chinese name (issue 10 item 9).
    expect(body.error.message).toBe('输入有误：截至日期：日期无效');
    expect((await call(t.app, 'GET', '/api/reports/committee-structure')).status).toBe(401);
  });

  it('exports the report to Excel for an auditor, audited', async () => {
    const { cookie } = await createUserAndLogin(t, { username: 'audit1', role: 'auditor' });
    const res = await call(t.app, 'GET', `/api/reports/committee-structure.xlsx?org=${ids.S}`, { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('两委班子结构分析-测试街道-换届日.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['结构统计', '分村情况', '结构分布']);

    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const sentence = (await report(null)).sentence;
    const figures = rowsOf('结构统计');
    expect(figures[0]![0]).toBe('测试街道村（社区）“两委”班子结构分析');
    expect(figures).toContainEqual(['指标', '本届', '上届', '±']);
    expect(figures).toContainEqual(['“两委”成员（名）', 7, 4, 3]);
    expect(figures).toContainEqual(['平均年龄（岁）', 39.9, 51.3, -11.4]);
    expect(figures).toContainEqual(['“一肩挑”比例（%）', 1, 0, 1]);
    // A merged cell: exceljs repeats the value in each merged cell.
    expect(figures.some((r) => r[0] === sentence && r.length === 4)).toBe(true);

    const villages = rowsOf('分村情况');
    const a = villages.find((r) => r[1] === '东岭村')!;
    // 序号, name, 本届 届次, 换届日期, 10 figures, 上届 届次, 换届日期, 10 figures
    expect(a.slice(0, 5)).toEqual([1, '东岭村', '第2届', '2021-01-16', 5]);
    expect(a[14]).toBe('第1届');
    expect(a[16]).toBe(4);
    const total = villages.find((r) => r[1] === '合计')!;
    expect(total.slice(4, 14)).toEqual([7, 3, 4, 1, 39.9, 5, 2, 1, 3, 4]);
    expect(total.slice(16, 26)).toEqual([4, 0, 2, 1, 51.3, 1, 0, 0, 1, 3]);
    const western = villages.find((r) => r[1] === '西坡村')!;
    expect(western[2]).toBe('无在届班子');

    const dist = rowsOf('结构分布');
    expect(dist).toContainEqual(['35岁及以下', 3, 0, 3]);
    expect(dist).toContainEqual(['女', 4, 2, 2]);

    const events = await t.handle.db
      .selectFrom('audit_event')
      .select(['kind', 'object_type', 'object_id', 'org_unit_id', 'details'])
      .where('actor_username', '=', 'audit1')
      .where('kind', '=', 'export.downloaded')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ object_type: 'report', object_id: 'committee-structure', org_unit_id: ids.S, details: { format: 'xlsx' } });
  });
});
