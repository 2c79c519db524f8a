// ID numbers at rest (issue 11, item 15), through the API: nothing readable in the table, numbers
// back in full for roster maintainers, uniqueness and search through the blind index, and rotation.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKeyPlugin, DataKeyRing, dataKeyOf, decryptWith, generateDataKey, keyIdOf, openIdNumber } from '@qingfeng/db';
import { createApp } from '../../app.ts';
import { verifyAuditChain } from '../../audit/queries.ts';
import { CONSTRAINT_MESSAGES } from '../../http/errors.ts';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../../testing/harness.ts';
import { insertPerson } from './queries.ts';
import { rotateIdNumberKey } from './rotate-key.ts';
import { personBody } from './test-helpers.ts';

let t: TestContext;
let village: number;
let office: string;
const bodies = [0, 1, 2].map((i) => ({ i }));
let people: ReturnType<typeof personBody>[] = [];

interface PersonOut {
  id: number;
  name: string;
  id_number: string;
}

beforeAll(async () => {
  t = await createTestContext();
  village = (await createOrg(t, t.rootOrgId, 'village', '东村')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  people = bodies.map(({ i }) => personBody(village, { name: `加密${i}`, birthDate: `198${i}-0${i + 1}-1${i}`, gender: i === 1 ? 'female' : 'male', n: 40 + i }));
  for (const b of people) expect((await call(t.app, 'POST', '/api/people', { cookie: office, json: b })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
});

const search = async (app: TestContext['app'], term: string) =>
  (await (await call(app, 'GET', `/api/people?search=${encodeURIComponent(term)}`, { cookie: office })).json()) as { items: PersonOut[]; total: number };

describe(`ID numbers at rest (${engineLabel()})`, () => {
  it('stores no digit run of any number: a raw SELECT of the table shows ciphertext only', async () => {
    const dump = await sql<{ t: string }>`SELECT p::text AS t FROM person p`.execute(t.handle.db);
    const text = dump.rows.map((r) => r.t).join('\n');
    const raw = await sql<{ enc: Uint8Array; bidx: Uint8Array; tail: Uint8Array }>`
      SELECT id_number_enc AS enc, id_number_bidx AS bidx, id_number_tail_bidx AS tail FROM person`.execute(t.handle.db);
    expect(raw.rows).toHaveLength(people.length);
    const bytes = Buffer.concat(raw.rows.flatMap((r) => [Buffer.from(r.enc), Buffer.from(r.bidx), Buffer.from(r.tail)]));
    for (const b of people) {
      expect(text).not.toContain(b.idNumber);
      expect(text).not.toContain(b.idNumber.slice(6, 14));
      // Not as ASCII, in any run of 4 characters.
      for (let k = 0; k + 4 <= 18; k++) expect(bytes.includes(Buffer.from(b.idNumber.slice(k, k + 4), 'latin1')), b.idNumber.slice(k, k + 4)).toBe(false);
    }
    // Under the configured key, with the key id in each value's header.
    for (const r of raw.rows) expect(keyIdOf(r.enc)).toBe(dataKeyOf(t.handle.db).active.id);
  });

  it('gives the numbers back in full to roster maintainers (round trip through the API)', async () => {
    const list = (await (await call(t.app, 'GET', '/api/people?pageSize=50', { cookie: office })).json()) as { items: PersonOut[] };
    expect(new Set(list.items.map((p) => p.id_number))).toEqual(new Set(people.map((b) => b.idNumber)));
  });

  it('refuses a duplicate through the blind index, with the Chinese message, also when the route check is bypassed', async () => {
    const dup = await call(t.app, 'POST', '/api/people', { cookie: office, json: { ...people[0]!, name: '冒名' } });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { message: string } }).error.message).toBe('该公民身份号码已登记：加密0（东村）');
    // A concurrent duplicate that passed the route's check meets the unique index on the blind index.
    const err = await insertPerson(
      t.handle.db,
      { org_unit_id: village, name: '并发', gender: 'male', id_number: people[0]!.idNumber, birth_date: people[0]!.birthDate, ethnicity: '01', political_status: 'masses', party_join_date: null, education_full_time: null, education_highest: 'associate', phone: null, is_veteran: false },
      new Date(),
    ).catch((e: unknown) => e as { constraint?: string; constraint_name?: string });
    const constraint = String((err as { constraint?: string }).constraint ?? (err as { constraint_name?: string }).constraint_name);
    expect(constraint).toBe('person_id_number_idx');
    expect(CONSTRAINT_MESSAGES[constraint]?.message).toBe('该公民身份号码已登记');
  });

  it('finds a person by the full number and by its last six characters', async () => {
    expect((await search(t.app, people[1]!.idNumber)).items.map((p) => p.name)).toEqual(['加密1']);
    expect((await search(t.app, people[2]!.idNumber.slice(-6))).items.map((p) => p.name)).toEqual(['加密2']);
  });

  it('rotates: every number re-encrypted and re-indexed under the new key, in one audited transaction', async () => {
    const old = dataKeyOf(t.handle.db);
    const before = await sql<{ id: number; enc: Uint8Array; bidx: Uint8Array }>`SELECT id, id_number_enc AS enc, id_number_bidx AS bidx FROM person ORDER BY id`.execute(t.handle.db);
    const fresh = generateDataKey();
    const ring = new DataKeyRing([fresh, old.active], 'test');
    const db = t.handle.db.withPlugin(new DataKeyPlugin(ring));
    const result = await rotateIdNumberKey(db, fresh, t.clock.now());
    expect(result).toEqual({ from: old.active.id, to: fresh.id, people: people.length });

    const after = await sql<{ id: number; enc: Uint8Array; bidx: Uint8Array }>`SELECT id, id_number_enc AS enc, id_number_bidx AS bidx FROM person ORDER BY id`.execute(t.handle.db);
    after.rows.forEach((r, i) => {
      expect(keyIdOf(r.enc)).toBe(fresh.id);
      expect(Buffer.from(r.bidx).equals(Buffer.from(before.rows[i]!.bidx))).toBe(false);
      expect(openIdNumber(db, r.enc)).toBe(openIdNumber(t.handle.db, before.rows[i]!.enc));
      // The old key alone no longer reads anything.
      expect(() => decryptWith(new DataKeyRing([old.active], 'old'), r.enc)).toThrow(new RegExp(fresh.id));
    });
    const state = await sql<{ key_id: string }>`SELECT key_id FROM data_key_state`.execute(t.handle.db);
    expect(state.rows[0]!.key_id).toBe(fresh.id);

    // An app on the new key: reads, searches and refuses duplicates as before.
    const app = createApp({ db, clock: t.clock, engine: t.handle.engine });
    expect((await search(app, people[0]!.idNumber)).items.map((p) => p.id_number)).toEqual([people[0]!.idNumber]);
    expect((await search(app, people[2]!.idNumber.slice(-6))).total).toBe(1);
    expect((await call(app, 'POST', '/api/people', { cookie: office, json: { ...people[1]!, name: '冒名' } })).status).toBe(409);

    const events = await db.selectFrom('audit_event').select(['kind', 'details']).where('kind', '=', 'data_key.rotated').execute();
    expect(events).toEqual([{ kind: 'data_key.rotated', details: { from: old.active.id, to: fresh.id, people: people.length } }]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
