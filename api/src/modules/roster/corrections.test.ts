// Post corrections (issue 10 item 1): ending on the start day, correcting and deleting a post with a
// reason, the 任职变动 history of a person and a village, and refusals that name the posts they are about.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, TEST_ORIGIN, type TestContext } from '../../testing/harness.ts';
import { IMPORT_COLUMNS } from './excel.ts';
import type { ImportProblem } from '../../excel/import.ts';
import { personBody, testIdNumber } from './test-helpers.ts';

let t: TestContext;
let village: number;
let community: number;
let office = '';
let secretary = '';
let otherVillage: number;

interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
async function json<T>(res: Response | Promise<Response>): Promise<{ status: number; body: T & ApiError }> {
  const r = await res;
  return { status: r.status, body: (await r.json()) as T & ApiError };
}
const send = <T>(method: string, path: string, body?: object, cookie = office) => json<T>(call(t.app, method, path, { cookie, ...(body && { json: body }) }));

interface HistoryItem {
  kind: string;
  date: string;
  at: string | null;
  postId: number;
  person: { id: number; name: string };
  by: string | null;
  text: string;
}

let n = 300;
async function person(org: number, name: string) {
  const r = await send<{ person: { id: number } }>('POST', '/api/people', personBody(org, { name, n: n++ }));
  expect(r.status).toBe(201);
  return r.body.person.id;
}
async function newTerm(org: number, ordinal: number, start: string) {
  const r = await send<{ term: { id: number } }>('POST', '/api/terms', { orgUnitId: org, ordinal, electionDate: start, startDate: start });
  expect(r.status).toBe(201);
  return r.body.term.id;
}
async function addPost(personId: number, termId: number, committee: string, position: string, startDate: string, extra: object = {}) {
  return send<{ post: { id: number } }>('POST', '/api/posts', { personId, termId, committee, position, startDate, how: 'elected', ...extra });
}

let wang: number;
let li: number;
let t11: number;
let secretaryPost: number;
let memberPost: number;

beforeAll(async () => {
  t = await createTestContext(); // today is 2026-03-02 in China
  village = (await createOrg(t, t.rootOrgId, 'village', '东村')).id;
  community = (await createOrg(t, t.rootOrgId, 'community', '西社区')).id;
  otherVillage = (await createOrg(t, t.rootOrgId, 'village', '南村')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  secretary = (await createUserAndLogin(t, { username: 'sec', role: 'secretary', orgUnitId: otherVillage })).cookie;
  wang = await person(village, '王更正');
  li = await person(village, '李误录');
  t11 = await newTerm(village, 11, '2021-05-10');
  secretaryPost = (await addPost(wang, t11, 'party', 'secretary', '2021-05-10')).body.post.id;
  memberPost = (await addPost(li, t11, 'residents', 'member', '2026-03-02')).body.post.id;
});
afterAll(async () => {
  await t.close();
});

describe(`post corrections (${engineLabel()})`, () => {
  it('treats ending a post on its start day as a mistaken entry and offers to delete it', async () => {
    const r = await send('POST', `/api/posts/${memberPost}/end`, { endDate: '2026-03-02', endReason: '辞职', version: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('end_on_start_day');
    expect(r.body.error.message).toMatch(/与开始日期相同（2026-03-02）.*如系误录，请删除这条任职记录/);
    expect(r.body.error.details).toMatchObject({ postId: memberPost });
  });

  it('corrects a post with a reason: audited with before and after', async () => {
    const r = await send<{ post: { start_date: string } }>('PATCH', `/api/posts/${secretaryPost}`, { startDate: '2021-05-12', reason: '录入时日期填错', version: 1 });
    expect(r.status).toBe(200);
    expect(r.body.post.start_date).toBe('2021-05-12');
    const e = await t.handle.db.selectFrom('audit_event').select(['details']).where('kind', '=', 'post.updated').executeTakeFirstOrThrow();
    expect(e.details).toMatchObject({ name: '王更正', reason: '录入时日期填错', changes: { start_date: { from: '2021-05-10', to: '2021-05-12' } } });
  });

  it('deletes a post entered by mistake only with a reason, and only in scope', async () => {
    expect((await send('DELETE', `/api/posts/${memberPost}`, {})).status).toBe(400);
    expect((await send('DELETE', `/api/posts/${memberPost}`, { reason: '误录' }, secretary)).status).toBe(403);
    const r = await send<{ deleted: { personName: string } }>('DELETE', `/api/posts/${memberPost}`, { reason: '录入错误，此人未当选' });
    expect(r.status).toBe(200);
    expect(r.body.deleted.personName).toBe('李误录');
    expect(await t.handle.db.selectFrom('post').select('id').where('id', '=', memberPost).executeTakeFirst()).toBeUndefined();
    expect((await send('DELETE', `/api/posts/${memberPost}`, { reason: '再删一次' })).status).toBe(404);
    const e = await t.handle.db.selectFrom('audit_event').select(['details', 'org_unit_id']).where('kind', '=', 'post.deleted').executeTakeFirstOrThrow();
    expect(e.org_unit_id).toBe(village);
    expect(e.details).toMatchObject({ name: '李误录', committee: 'residents', position: 'member', startDate: '2026-03-02', reason: '录入错误，此人未当选' });
  });

  it('shows the 任职变动 history of a person and of the village, in words, with committee names by kind', async () => {
    const p = await send<{ items: HistoryItem[] }>('GET', `/api/people/${li}/post-history`);
    expect(p.status).toBe(200);
    expect(p.body.items.map((i) => i.kind)).toEqual(['deleted']);
    expect(p.body.items[0]!.text).toBe('删除任职记录：村民委员会委员（第11届，2026-03-02起）。原因：录入错误，此人未当选');
    expect(p.body.items[0]!.at).toMatch(/^2026-03-02 \d\d:\d\d$/);
    const v = await send<{ items: HistoryItem[] }>('GET', `/api/orgs/${village}/post-history`);
    const texts = v.body.items.map((i) => `${i.date} ${i.person.name} ${i.text}`);
    expect(texts).toContain('2026-03-02 王更正 更正党组织委员会书记：任职开始 2021-05-10 → 2021-05-12。原因：录入时日期填错');
    expect(texts).toContain('2021-05-12 王更正 任党组织委员会书记（第11届，换届选举）');
    // Another village's secretary sees neither.
    expect((await send('GET', `/api/people/${li}/post-history`, undefined, secretary)).status).toBe(404);
    expect((await send('GET', `/api/orgs/${village}/post-history`, undefined, secretary)).status).toBe(404);
    // A community's residents' committee is the 居民委员会.
    const zhao = await person(community, '赵居委');
    const tc = await newTerm(community, 3, '2021-05-10');
    expect((await addPost(zhao, tc, 'residents', 'director', '2021-05-10')).status).toBe(201);
    const c = await send<{ items: HistoryItem[] }>('GET', `/api/people/${zhao}/post-history`);
    expect(c.body.items[0]!.text).toBe('任居民委员会主任（第3届，换届选举）');
  });

  it('names the posts that stand in the way of a new term, with links', async () => {
    const zhou = await person(village, '周晚任');
    expect((await addPost(zhou, t11, 'party', 'member', '2026-02-01')).status).toBe(201);
    const r = await send('POST', '/api/terms', { orgUnitId: village, ordinal: 12, electionDate: '2026-01-05', startDate: '2026-01-05' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('posts_after_new_term');
    expect(r.body.error.message).toContain('周晚任（委员，2026-02-01起）');
    expect(r.body.error.details).toMatchObject({ posts: [{ kind: 'post', label: '周晚任', orgId: village }] });
  });

  it('names the people and links their posts when an import is refused for the same reason', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
    const row: Record<string, string | number> = {
      village: '东村',
      ordinal: 12,
      electionDate: '2026-01-05',
      name: '新书记',
      gender: '男',
      idNumber: testIdNumber('1980-01-01', 'male', 77),
      ethnicity: '汉族',
      politicalStatus: '中共党员',
      educationHighest: '大学专科',
      committee: '党组织委员会',
      position: '书记',
    };
    ws.addRow(IMPORT_COLUMNS.map((c) => row[c.key] ?? null));
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await wb.xlsx.writeBuffer())]), 'r.xlsx');
    const res = await t.app.request(`${TEST_ORIGIN}/api/roster/import/preview`, { method: 'POST', headers: { origin: TEST_ORIGIN, host: 'qingfeng.test', cookie: office }, body: form });
    const body = (await res.json()) as { problems: ImportProblem[] };
    const p = body.problems.find((x) => x.message.includes('晚于第12届的开始日期'));
    expect(p?.row).toBe(2);
    expect(p?.message).toContain('周晚任（委员，2026-02-01起）');
    expect(p?.refs).toEqual([expect.objectContaining({ kind: 'post', label: '周晚任（委员）', orgId: village })]);
  });
});
