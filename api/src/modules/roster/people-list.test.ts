// Issue 10 item 14: the people list's search (name, pinyin initials, ID suffix within what the role may
// see), column sorts and 姓氏笔画 order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../../testing/harness.ts';
import { personBody } from './test-helpers.ts';

let t: TestContext;
let village: number;
const cookies = { office: '', auditor: '' };
const ids: Record<string, string> = {};
const personIds: Record<string, number> = {};

interface ListOut {
  items: { id: number; name: string; id_number: string; birth_date: string }[];
  total: number;
}

beforeAll(async () => {
  t = await createTestContext();
  village = (await createOrg(t, t.rootOrgId, 'village', '东村')).id;
  cookies.office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  cookies.auditor = (await createUserAndLogin(t, { username: 'auditor', role: 'auditor' })).cookie;
  const people: [string, string][] = [
    ['唐浩瀚', '1980-05-20'],
    ['王五', '1990-01-02'],
    ['丁一', '1970-03-03'],
    ['方明', '1985-07-07'],
    ['毛三', '1985-07-01'],
  ];
  for (const [i, [name, birthDate]] of people.entries()) {
    const body = personBody(village, { name, birthDate, n: 300 + i });
    const res = await call(t.app, 'POST', '/api/people', { cookie: cookies.office, json: body });
    expect(res.status).toBe(201);
    ids[name] = body.idNumber;
    personIds[name] = ((await res.json()) as { person: { id: number } }).person.id;
  }
});
afterAll(async () => {
  await t.close();
});

const list = async (query: string, cookie = cookies.office) => {
  const res = await call(t.app, 'GET', `/api/people?${query}`, { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as ListOut;
};
const names = (r: ListOut) => r.items.map((p) => p.name);

describe(`people list search and sort (${engineLabel()})`, () => {
  it('finds by pinyin initials (stored on write, updated on rename)', async () => {
    expect(names(await list('search=thh'))).toEqual(['唐浩瀚']);
    expect(names(await list('search=THH'))).toEqual(['唐浩瀚']);
    expect(names(await list('search=th'))).toEqual(['唐浩瀚']);
    expect(names(await list('search=xyz'))).toEqual([]);
    const version = async () => (await t.handle.db.selectFrom('person').select('version').where('id', '=', personIds['王五']!).executeTakeFirstOrThrow()).version;
    const patch = await call(t.app, 'PATCH', `/api/people/${personIds['王五']}`, { cookie: cookies.office, json: { name: '王小五', version: await version() } });
    expect(patch.status).toBe(200);
    expect(names(await list('search=wxw'))).toEqual(['王小五']);
    expect(names(await list('search=ww'))).toEqual([]);
    expect((await call(t.app, 'PATCH', `/api/people/${personIds['王五']}`, { cookie: cookies.office, json: { name: '王五', version: await version() } })).status).toBe(200);
  });

  it('finds by ID number: the whole number or its last six for maintainers, nothing by ID for masked roles', async () => {
    const id = ids['方明']!;
    // Encrypted at rest (finding 15): only the blind-indexed whole number and last six can match.
    expect(names(await list(`search=${id}`))).toEqual(['方明']);
    expect(names(await list(`search=${id.slice(-6)}`))).toEqual(['方明']);
    expect((await list(`search=${id.slice(-8)}`)).total).toBe(0);
    expect((await list(`search=${id.slice(6, 10)}`)).total).toBe(0);
    // Masked roles must not confirm digits the mask hides: no ID search at all.
    expect((await list(`search=${id.slice(-4)}`, cookies.auditor)).total).toBe(0);
    expect((await list(`search=${id.slice(-6)}`, cookies.auditor)).total).toBe(0);
    expect((await list(`search=${id}`, cookies.auditor)).total).toBe(0);
  });

  it('sorts by 姓氏笔画 (stroke count, then 横竖撇点折), both ways', async () => {
    // 丁 2 strokes; 王 毛 方 4 (起笔 横, 撇, 点); 唐 10.
    expect(names(await list('sort=stroke'))).toEqual(['丁一', '王五', '毛三', '方明', '唐浩瀚']);
    expect(names(await list('sort=stroke&dir=desc'))).toEqual(['唐浩瀚', '方明', '毛三', '王五', '丁一']);
  });

  it('sorts by age; masked roles by birth month only, so the order cannot reveal the day', async () => {
    expect(names(await list('sort=age'))).toEqual(['王五', '方明', '毛三', '唐浩瀚', '丁一']);
    expect(names(await list('sort=age&dir=desc'))).toEqual(['丁一', '唐浩瀚', '毛三', '方明', '王五']);
    // 方明 and 毛三 share a birth month: for the auditor they fall back to name order.
    const masked = names(await list('sort=age', cookies.auditor));
    expect(masked).toEqual(['王五', ...['方明', '毛三'].sort(), '唐浩瀚', '丁一']);
  });

  it('pages with any page size and refuses an unknown sort in Chinese', async () => {
    const p = await list('sort=stroke&pageSize=2&page=2');
    expect(names(p)).toEqual(['毛三', '方明']);
    expect(p.total).toBe(5);
    const bad = await call(t.app, 'GET', '/api/people?sort=id_number', { cookie: cookies.office });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/排序方式无效/);
  });
});
