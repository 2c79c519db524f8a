import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, usingPostgres, type TestContext } from '../../testing/harness.ts';
import { maskIdNumber } from './identity.ts';
import { personBody } from './test-helpers.ts';
import type { RosterRow } from './queries.ts';

let t: TestContext;
let villageA: number;
let villageB: number;
let office = '';
let admin = '';
let auditor = '';
let secretaryB = '';

interface ApiError {
  error: { code: string; message: string };
}
interface Roster {
  asOf: string;
  term: { id: number; ordinal: number } | null;
  party: RosterRow[];
  residents: RosterRow[];
  summary: { members: number; crossServing: number; dualRoleHolder: { name: string } | null };
}

beforeAll(async () => {
  t = await createTestContext();
  // 2026-03-02 in China.
  villageA = (await createOrg(t, t.rootOrgId, 'village', '南村')).id;
  villageB = (await createOrg(t, t.rootOrgId, 'community', '北社区')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  admin = (await createUserAndLogin(t, { username: 'admin1', role: 'admin' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'auditor', role: 'auditor' })).cookie;
  secretaryB = (await createUserAndLogin(t, { username: 'secB', role: 'secretary', orgUnitId: villageB })).cookie;
});
afterAll(async () => {
  await t.close();
});

async function json<T>(res: Response | Promise<Response>): Promise<{ status: number; body: T & ApiError }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T & ApiError };
}
const post = <T>(path: string, body: object, cookie = office) => json<T>(call(t.app, 'POST', path, { cookie, json: body }));
const get = <T>(path: string, cookie = office) => json<T>(call(t.app, 'GET', path, { cookie }));

let n = 100;
async function person(org: number, name: string, o: { gender?: 'male' | 'female'; birthDate?: string } = {}) {
  const r = await post<{ person: { id: number } }>('/api/people', personBody(org, { name, n: n++, ...o }));
  expect(r.status).toBe(201);
  return r.body.person.id;
}
async function term(org: number, ordinal: number, startDate: string, extra: object = {}, cookie = office) {
  return post<{ term: { id: number; end_date: string | null; suggestedEndDate: string }; closedPrevious: { id: number; postsEnded: number } | null }>(
    '/api/terms',
    { orgUnitId: org, ordinal, electionDate: startDate, startDate, ...extra },
    cookie,
  );
}
async function addPost(personId: number, termId: number, committee: string, position: string, startDate: string, extra: object = {}) {
  return post<{ post: { id: number } }>('/api/posts', { personId, termId, committee, position, startDate, how: 'elected', ...extra });
}

describe(`terms (${engineLabel()})`, () => {
  let t10: number;
  it('creates terms; a new term closes an open previous one and ends its open posts', async () => {
    const r10 = await term(villageA, 10, '2016-05-01');
    expect(r10.status).toBe(201);
    expect(r10.body.term.suggestedEndDate).toBe('2021-05-01');
    t10 = r10.body.term.id;
    const old = await person(villageA, '老书记');
    expect((await addPost(old, t10, 'party', 'secretary', '2016-05-01')).status).toBe(201);
    const r11 = await term(villageA, 11, '2021-05-10', { electionDate: '2021-05-08' });
    expect(r11.status).toBe(201);
    expect(r11.body.closedPrevious).toMatchObject({ id: t10, postsEnded: 1 });
    const closed = await t.handle.db.selectFrom('term').select('end_date').where('id', '=', t10).executeTakeFirstOrThrow();
    expect(closed.end_date).toBe('2021-05-10');
    const p = await t.handle.db.selectFrom('post').select(['end_date', 'end_reason']).where('term_id', '=', t10).executeTakeFirstOrThrow();
    expect(p).toEqual({ end_date: '2021-05-10', end_reason: '届满' });
    const list = await get<{ terms: { ordinal: number; post_count: number }[]; next: { ordinal: number; suggestedStartDate: string } }>(`/api/orgs/${villageA}/terms`);
    expect(list.body.terms.map((x) => x.ordinal)).toEqual([11, 10]);
    expect(list.body.next).toEqual({ ordinal: 12, suggestedStartDate: '2026-05-10' });
  });

  it('keeps ordinals unique and in date order, with the election not after the start', async () => {
    const dup = await term(villageA, 11, '2022-01-01');
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toMatch(/已有第11届/);
    const early = await term(villageA, 12, '2020-01-01');
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/开始日期应晚于上一届/);
    const late = await term(villageA, 12, '2026-05-10', { electionDate: '2026-05-11' });
    expect(late.status).toBe(400);
    expect(late.body.error.message).toBe('换届日期不能晚于届期开始日期');
    // Only villages and communities have terms.
    expect((await term(t.rootOrgId, 1, '2021-01-01')).status).toBe(400);
  });

  it('lets admin and org_office manage terms, nobody else; out of scope is 404', async () => {
    expect((await term(villageB, 1, '2021-05-10', {}, auditor)).status).toBe(403);
    expect((await term(villageB, 1, '2021-05-10', {}, secretaryB)).status).toBe(403);
    const byAdmin = await term(villageB, 1, '2021-05-10', {}, admin);
    expect(byAdmin.status).toBe(201);
    const patched = await json<{ term: { end_date: string } }>(call(t.app, 'PATCH', `/api/terms/${byAdmin.body.term.id}`, { cookie: admin, json: { endDate: '2026-05-10', version: 1 } }));
    expect(patched.status).toBe(200);
    expect(patched.body.term.end_date).toBe('2026-05-10');
    const other = await createOrg(t, t.rootOrgId, 'subdistrict', '外街道');
    const otherVillage = await createOrg(t, other.id, 'village', '外村');
    const { cookie: foreign } = await createUserAndLogin(t, { username: 'foreign', role: 'org_office', orgUnitId: other.id });
    expect((await get(`/api/orgs/${villageA}/terms`, foreign)).status).toBe(404);
    expect((await get(`/api/terms/${t10}/roster`, foreign)).status).toBe(404);
    expect((await get(`/api/orgs/${otherVillage.id}/terms`, foreign)).status).toBe(200);
  });
});

describe(`posts and rules (${engineLabel()})`, () => {
  let t11: number;
  let li: number;
  let wang: number;
  let zhao: number;
  beforeAll(async () => {
    t11 = (await get<{ terms: { id: number; ordinal: number }[] }>(`/api/orgs/${villageA}/terms`)).body.terms.find((x) => x.ordinal === 11)!.id;
    li = await person(villageA, '李书记');
    wang = await person(villageA, '王委员', { gender: 'female', birthDate: '1995-03-01' });
    zhao = await person(villageA, '赵主任');
  });

  it('allows one party secretary per village at a time', async () => {
    expect((await addPost(li, t11, 'party', 'secretary', '2021-05-10')).status).toBe(201);
    const second = await addPost(zhao, t11, 'party', 'secretary', '2023-01-01');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('second_secretary');
    expect(second.body.error.message).toMatch(/^同一时间只能有一名党组织书记：与李书记的任职（2021-05-10至今）重叠$/);
  });

  it('refuses two posts for one person on one committee at once', async () => {
    const r = await addPost(li, t11, 'party', 'member', '2022-01-01');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('overlapping_post');
    expect(r.body.error.message).toMatch(/李书记同一时间已在党组织委员会任书记/);
  });

  it('refuses a post outside its term and an end before the start', async () => {
    const before = await addPost(wang, t11, 'party', 'member', '2021-05-01');
    expect(before.status).toBe(400);
    expect(before.body.error.message).toMatch(/早于第11届届期开始日期/);
    const backwards = await addPost(wang, t11, 'party', 'member', '2022-01-01', { endDate: '2021-12-31', endReason: '辞职' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe('任职结束日期应晚于开始日期');
    const wrongPosition = await addPost(wang, t11, 'party', 'director', '2022-01-01');
    expect(wrongPosition.status).toBe(400);
  });

  it('ends a post, after which a successor may start the same day', async () => {
    const dir = await addPost(zhao, t11, 'residents', 'director', '2021-05-10');
    expect(dir.status).toBe(201);
    const early = await post(`/api/posts/${dir.body.post.id}/end`, { endDate: '2021-05-10', endReason: '辞职', version: 1 });
    expect(early.status).toBe(400);
    const ended = await post<{ post: { end_date: string; end_reason: string } }>(`/api/posts/${dir.body.post.id}/end`, { endDate: '2024-03-01', endReason: '辞职', version: 1 });
    expect(ended.status).toBe(200);
    expect(ended.body.post).toMatchObject({ end_date: '2024-03-01', end_reason: '辞职' });
    expect((await post(`/api/posts/${dir.body.post.id}/end`, { endDate: '2024-04-01', endReason: '辞职', version: 2 })).status).toBe(409);
    // 一肩挑 from 2024-03-01: 李书记 becomes director too.
    expect((await addPost(li, t11, 'residents', 'director', '2024-03-01', { how: 'by_election' })).status).toBe(201);
    expect((await addPost(wang, t11, 'party', 'member', '2021-05-10')).status).toBe(201);
    expect((await addPost(wang, t11, 'residents', 'member', '2021-05-10')).status).toBe(201);
  });

  it('edits a post under the same rules', async () => {
    const zhaoMember = await addPost(zhao, t11, 'party', 'member', '2021-05-10', { endDate: '2022-01-01', endReason: '调离' });
    expect(zhaoMember.status).toBe(201);
    const toSecretary = await json(call(t.app, 'PATCH', `/api/posts/${zhaoMember.body.post.id}`, { cookie: office, json: { position: 'secretary', version: 1 } }));
    expect(toSecretary.status).toBe(409);
    const moved = await json<{ post: { start_date: string } }>(call(t.app, 'PATCH', `/api/posts/${zhaoMember.body.post.id}`, { cookie: office, json: { startDate: '2021-06-01', version: 1 } }));
    expect(moved.status).toBe(200);
    expect(moved.body.post.start_date).toBe('2021-06-01');
    const kinds = await t.handle.db.selectFrom('audit_event').select('kind').where('object_type', '=', 'post').execute();
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['post.created', 'post.ended', 'post.updated']));
  });

  it('computes 一肩挑, 交叉任职 and 主职干部 in SQL at the as-of date; an ended post is not counted', async () => {
    const before = await get<Roster>(`/api/terms/${t11}/roster?asOf=2023-06-01`);
    expect(before.status).toBe(200);
    const party = before.body.party.map((r) => [r.name, r.position, r.dualRole, r.crossServing, r.principal]);
    expect(party).toEqual([
      ['李书记', 'secretary', false, false, true],
      ['王委员', 'member', false, true, false],
    ]);
    expect(before.body.residents.map((r) => [r.name, r.position, r.dualRole, r.principal])).toEqual([
      ['赵主任', 'director', false, true],
      ['王委员', 'member', false, false],
    ]);
    expect(before.body.summary).toMatchObject({ members: 3, crossServing: 1, dualRoleHolder: null });

    const after = await get<Roster>(`/api/terms/${t11}/roster?asOf=2024-03-01`);
    // 赵主任's post ended on 2024-03-01, so it is no longer held that day; 李书记 now holds both.
    expect(after.body.residents.map((r) => r.name)).toEqual(['李书记', '王委员']);
    const li1 = after.body.party.find((r) => r.name === '李书记')!;
    expect(li1).toMatchObject({ dualRole: true, crossServing: true, principal: true });
    expect(after.body.summary).toMatchObject({ members: 2, crossServing: 2, dualRoleHolder: { name: '李书记' } });
    // Age in full years on the as-of date: 王委员 born 1995-03-01 is 29 on 2024-03-01, 28 the day before.
    expect(after.body.party.find((r) => r.name === '王委员')!.age).toBe(29);
    const dayBefore = await get<Roster>(`/api/terms/${t11}/roster?asOf=2024-02-29`);
    expect(dayBefore.body.party.find((r) => r.name === '王委员')!.age).toBe(28);
  });

  it('shows a person with all posts across terms and flags', async () => {
    const detail = await get<{ person: { name: string }; posts: { term_ordinal: number; position: string; heldAtAsOf: boolean }[]; flags: Record<string, boolean> }>(
      `/api/people/${li}?asOf=2025-01-01`,
    );
    expect(detail.body.posts.map((p) => [p.term_ordinal, p.position, p.heldAtAsOf])).toEqual([
      [11, 'director', true],
      [11, 'secretary', true],
    ]);
    expect(detail.body.flags).toEqual({ dualRole: true, crossServing: true, principal: true });
  });

  it('gives the village’s roster for the term in force, defaulting to today in China', async () => {
    const r = await get<Roster>(`/api/orgs/${villageA}/roster`);
    expect(r.body.asOf).toBe('2026-03-02');
    expect(r.body.term!.ordinal).toBe(11);
    const old = await get<Roster>(`/api/orgs/${villageA}/roster?asOf=2018-01-01`);
    expect(old.body.term!.ordinal).toBe(10);
    expect(old.body.party.map((x) => x.name)).toEqual(['老书记']);
    const none = await get<Roster>(`/api/orgs/${villageA}/roster?asOf=2000-01-01`);
    expect(none.body).toMatchObject({ term: null, party: [], residents: [] });
  });

  it('masks ID numbers in rosters for read-only roles and keeps secretaries to their own village', async () => {
    const full = await get<Roster>(`/api/terms/${t11}/roster?asOf=2025-01-01`);
    const masked = await get<Roster>(`/api/terms/${t11}/roster?asOf=2025-01-01`, auditor);
    expect(masked.body.party[0]!.id_number).toBe(maskIdNumber(full.body.party[0]!.id_number));
    expect(full.body.party[0]!.id_number).toMatch(/^\d{17}[\dX]$/);
    expect((await get(`/api/terms/${t11}/roster`, secretaryB)).status).toBe(404);
    expect((await get(`/api/orgs/${villageA}/roster`, secretaryB)).status).toBe(404);
    expect((await get(`/api/people/${li}`, secretaryB)).status).toBe(404);
    expect((await get(`/api/orgs/${villageB}/roster`, secretaryB)).status).toBe(200);
  });

  it.skipIf(!usingPostgres())('lets only one of two concurrent secretaries through (row locks, PostgreSQL)', async () => {
    const v = (await createOrg(t, t.rootOrgId, 'village', '并发村')).id;
    const tid = (await term(v, 1, '2021-05-10')).body.term.id;
    const a = await person(v, '甲');
    const b = await person(v, '乙');
    // A second app on the same database: two writers, as two API processes would be.
    const app2 = createApp({ db: t.handle.db, clock: t.clock, engine: t.handle.engine });
    const results = await Promise.all([
      call(t.app, 'POST', '/api/posts', { cookie: office, json: { personId: a, termId: tid, committee: 'party', position: 'secretary', startDate: '2021-05-10', how: 'elected' } }),
      call(app2, 'POST', '/api/posts', { cookie: office, json: { personId: b, termId: tid, committee: 'party', position: 'secretary', startDate: '2021-05-10', how: 'elected' } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const rows = await t.handle.db.selectFrom('post').select('id').where('term_id', '=', tid).execute();
    expect(rows).toHaveLength(1);
  });
});
