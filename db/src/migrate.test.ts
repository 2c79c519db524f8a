import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DbHandle } from './client.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { openTestDatabase, testEngine } from './testing.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDatabase({ migrate: false });
});
afterAll(async () => {
  await h?.close();
});

describe(`migrations (${testEngine()})`, () => {
  it('apply every migration in name order, once', async () => {
    const names = Object.keys(migrations);
    expect(names.length).toBeGreaterThan(1);
    expect([...names].sort()).toEqual(names);
    for (const name of names) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}-\d{3}-[a-z0-9-]+$/);
    expect(await migrateToLatest(h.db)).toEqual(names);
    // A second run (every start runs it) applies nothing and changes nothing.
    expect(await migrateToLatest(h.db)).toEqual([]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(h.db);
    expect(rows[0]!.n).toBe(names.length);
  });
});
