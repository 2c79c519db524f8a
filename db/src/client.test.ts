import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DbHandle } from './client.ts';
import { openTestDatabase, testEngine } from './testing.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDatabase({ migrate: true });
});
afterAll(async () => {
  await h?.close();
});

describe(`value types (${testEngine()})`, () => {
  it('reports the engine it runs on', () => {
    expect(h.engine).toBe(testEngine());
  });

  it('returns numbers for count, int8, numeric and sums, and date strings for dates', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT count(*) AS n,
             9007199254740991::int8 AS big,
             12.5::numeric AS num,
             sum(x) AS total,
             avg(x) AS mean,
             '2024-02-29'::date AS leap,
             '1900-01-01'::date AS old,
             now() AS ts
      FROM (VALUES (1), (2), (4)) AS v(x)`.execute(h.db);
    const r = rows[0]!;
    expect(r).toMatchObject({ n: 3, big: 9007199254740991, num: 12.5, total: 7, leap: '2024-02-29', old: '1900-01-01' });
    expect(typeof r.mean).toBe('number');
    expect(r.mean).toBeCloseTo(7 / 3, 10);
    expect(r.ts).toBeInstanceOf(Date);
  });

  it('round-trips date columns unchanged, whatever the time zone', async () => {
    const org = await h.db
      .insertInto('org_unit')
      .values({ kind: 'subdistrict', name: '类型街道', path: '/types/', parent_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const term = await h.db
      .insertInto('term')
      .values({ org_unit_id: org.id, ordinal: 1, election_date: '2021-01-01', start_date: '2021-01-01', end_date: '2025-12-31' })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(term.election_date).toBe('2021-01-01');
    expect(term.end_date).toBe('2025-12-31');
    const found = await h.db.selectFrom('term').select(['id', 'start_date']).where('start_date', '=', '2021-01-01').execute();
    expect(found).toEqual([{ id: term.id, start_date: '2021-01-01' }]);
    expect(typeof term.id).toBe('number');
  });

  it('stores jsonb from plain objects so that containment queries match', async () => {
    await h.db.insertInto('setting').values({ key: 'probe', value: { a: 1, nested: { b: '清风' } }, updated_at: new Date() }).execute();
    const row = await h.db.selectFrom('setting').select('value').where('key', '=', 'probe').executeTakeFirstOrThrow();
    expect(row.value).toEqual({ a: 1, nested: { b: '清风' } });
    // The pattern is a literal here: this checks what was stored, not how parameters are sent.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM setting WHERE value @> '{"nested":{"b":"清风"}}'::jsonb`.execute(h.db);
    expect(rows[0]!.n).toBe(1);
    const { rows: kinds } = await sql<{ t: string }>`SELECT jsonb_typeof(value) AS t FROM setting WHERE key = 'probe'`.execute(h.db);
    expect(kinds[0]!.t).toBe('object');
  });
});
