import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, createTestContext, engineLabel, type TestContext } from '../../testing/harness.ts';
import { listOrgsInScope } from './queries.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

describe(`org tree order (${engineLabel()})`, () => {
  it('lists parents before children and siblings by id numerically, not as text', async () => {
    const created: number[] = [];
    // Enough siblings that ids pass a digit boundary ('/1/9/' vs '/1/10/' sort the other way as text).
    for (let i = 1; i <= 12; i++) created.push((await createOrg(t, t.rootOrgId, 'village', `第${i}村`)).id);
    const grid = await createOrg(t, created[1]!, 'grid', '网格一');
    const ids = (await listOrgsInScope(t.handle.db, t.rootPath)).map((o) => o.id);
    const expected = [t.rootOrgId, created[0]!, created[1]!, grid.id, ...created.slice(2)];
    expect(ids).toEqual(expected);
  });
});
