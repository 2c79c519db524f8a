import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIdNumber } from '@qingfeng/db';
import { verifyAuditChain } from '../audit/queries.ts';
import { checkPasswordPolicy } from '../auth/rules.ts';
import { getCommitteeStructure } from '../modules/reports/queries.ts';
import type { CommitteeStructureReport, StructureFigures } from '../modules/reports/rules.ts';
import { idNumberMismatch, parseIdNumber } from '../modules/roster/identity.ts';
import { call, createTestContext, engineLabel, login, type TestContext } from '../testing/harness.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SUBDISTRICT, seedDemo } from './seed.ts';

// The reference report's paragraph (七), character for character (ASCII , ( ) ; and curly quotes),
// copied from ../shared/reference/000_37c98ea6285900b6.txt.
const REFERENCE =
  '圆满完成20个村(社区)\u201c两委\u201d换届选举,共产生104名村(社区)\u201c两委\u201d成员,其中35岁以下年轻干部23名,女性成员47名,' +
  '其中女性主职干部5名;\u201c两委\u201d成员平均年龄43岁,较上届平均年龄下降5岁;\u201c两委\u201d成员中大专及以上学历61名,较上届新增13名;' +
  '\u201c一肩挑\u201d比例达100%';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  // As on a fresh start without QINGFENG_ORG_NAME: the root gets the demo subdistrict's name.
  await t.handle.db.updateTable('org_unit').set({ name: '街道党工委' }).where('id', '=', t.rootOrgId).execute();
  const r = await seedDemo(t.handle.db, t.clock, () => {});
  expect(r.seeded).toBe(true);
});
afterAll(async () => {
  await t?.close();
});

const report = async (asOf: string | null = null) => (await getCommitteeStructure(t.handle.db, { scopePath: t.rootPath, orgId: t.rootOrgId, asOf }))!;

describe(`demo data (${engineLabel()})`, () => {
  it('reproduces the reference sentence and every figure', async () => {
    const r = await report();
    expect(r.sentence).toBe(REFERENCE);
    expect(r.org.name).toBe(DEMO_SUBDISTRICT);
    expect(r.villages).toEqual({ notEntered: 0, inScope: 20, current: 20, previous: 20 });
    expect(r.current).toEqual({
      members: 104,
      age35OrUnder: 23,
      female: 47,
      femalePrincipals: 5,
      averageAge: 43.1,
      collegeOrAbove: 61,
      dualRoleVillages: 20,
      dualRoleRatio: 1,
      crossServing: 50,
      partyMembers: 88,
    } satisfies StructureFigures);
    // Rounded to whole years the averages read 43 and 48 (下降5岁); their one-decimal difference 4.9
    // rounds to 5 as well, so either reading of "下降5岁" holds.
    expect(r.previous).toEqual({
      members: 100,
      age35OrUnder: 6,
      female: 36,
      femalePrincipals: 4,
      averageAge: 48,
      collegeOrAbove: 48,
      dualRoleVillages: 11,
      dualRoleRatio: 0.55,
      crossServing: 22,
      partyMembers: 83,
    } satisfies StructureFigures);
    expect(r.change?.averageAge).toBe(-4.9);
    expect(r.byVillage).toHaveLength(20);
    expect(r.byVillage.every((v) => v.current?.dualRoleVillages === 1)).toBe(true);
    expect(r.byVillage.reduce((n, v) => n + v.current!.members, 0)).toBe(104);
    expect(r.electionDates).toEqual({ current: { from: '2021-01-09', to: '2021-01-23' }, previous: { from: '2018-01-09', to: '2018-01-23' } });
    expect(r.ageBands.reduce((n, b) => n + b.current, 0)).toBe(104);
    expect(r.ageBands[0]).toMatchObject({ key: 'upTo35', current: 23, previous: 6 });
  });

  it('gives the same figures on any date after the last election until the spring', async () => {
    expect((await report('2021-03-31')).sentence).toBe(REFERENCE);
    // Later a by-election changes the roster: the report follows the date.
    const later = await report('2023-08-01');
    expect(later.current.members).toBe(104);
    expect(later.sentence).not.toBe(REFERENCE);
  });

  it('has valid, fictional ID numbers matching each person', async () => {
    const people = (await t.handle.db.selectFrom('person').select(['name', 'id_number_enc', 'birth_date', 'gender', 'category']).execute()).map((p) => ({ ...p, id_number: openIdNumber(t.handle.db, p.id_number_enc) }));
    // 162 in the 两委 rosters; demo/discipline.ts and demo/pledges.ts add party members and 机关干部.
    const onRosters = await t.handle.db.selectFrom('post').select((eb) => eb.fn.count<number>('person_id').distinct().as('n')).executeTakeFirstOrThrow();
    expect(Number(onRosters.n)).toBe(162);
    for (const p of people) {
      const parsed = parseIdNumber(p.id_number);
      expect(parsed.ok, p.name).toBe(true);
      if (parsed.ok) expect(idNumberMismatch(parsed.facts, { birthDate: p.birth_date, gender: p.gender })).toBeNull();
      expect(p.id_number.startsWith('99')).toBe(true);
    }
    expect(new Set(people.map((p) => p.id_number)).size).toBe(people.length);
  });

  it('audits every object and keeps the chain valid', async () => {
    const kinds = await t.handle.db.selectFrom('audit_event').select('kind').execute();
    const count = (k: string) => kinds.filter((e) => e.kind === k).length;
    expect(count('person.created')).toBe(await t.handle.db.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)));
    expect(count('term.created')).toBe(40);
    expect(count('org.created')).toBe(20);
    expect(count('org.renamed')).toBe(1);
    expect(count('user.created')).toBe(DEMO_ACCOUNTS.length);
    expect(count('post.created')).toBe(await t.handle.db.selectFrom('post').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)));
    expect((await verifyAuditChain(t.handle.db)).ok).toBe(true);
  });

  it('is idempotent', async () => {
    const before = await t.handle.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await seedDemo(t.handle.db, t.clock, () => {})).toEqual({ seeded: false, reason: 'already_seeded' });
    const after = await t.handle.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await report()).current.members).toBe(104);
  });

  it('lets the demo users log in with the documented password', async () => {
    for (const a of DEMO_ACCOUNTS) expect(checkPasswordPolicy(DEMO_PASSWORD, { minLength: 10, minClasses: 3 }, a.username)).toBeNull();
    const office = await login(t.app, 'dangjianban', DEMO_PASSWORD);
    const res = await call(t.app, 'GET', '/api/reports/committee-structure', { cookie: office });
    expect(res.status).toBe(200);
    expect(((await res.json()) as CommitteeStructureReport).sentence).toBe(REFERENCE);
    const auditor = await login(t.app, 'shenji', DEMO_PASSWORD);
    expect((await call(t.app, 'GET', `/api/reports/committee-structure.xlsx?org=${t.rootOrgId}`, { cookie: auditor })).status).toBe(200);
    const secretary = await login(t.app, 'cunshuji', DEMO_PASSWORD);
    const own = (await (await call(t.app, 'GET', '/api/reports/committee-structure', { cookie: secretary })).json()) as CommitteeStructureReport;
    expect(own.byVillage.map((v) => v.name)).toEqual(['柳河村']);
    expect((await call(t.app, 'GET', `/api/reports/committee-structure?org=${t.rootOrgId}`, { cookie: secretary })).status).toBe(404);
    await login(t.app, 'jijian', DEMO_PASSWORD);
  });

  it('does not seed a database that already holds villages', async () => {
    const other = await createTestContext();
    try {
      await other.handle.db
        .insertInto('org_unit')
        .values({ parent_id: other.rootOrgId, kind: 'village', name: '已有村', path: `${other.rootPath}999/` })
        .execute();
      expect(await seedDemo(other.handle.db, other.clock, () => {})).toEqual({ seeded: false, reason: 'not_empty' });
      expect(await other.handle.db.selectFrom('person').select('id').execute()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
