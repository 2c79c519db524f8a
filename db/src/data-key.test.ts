// ID numbers at rest (issue 11, item 15): the cipher, the key sources, the data migration of
// plaintext rows, and the start-up check that refuses a wrong key.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql, type Kysely } from 'kysely';
import type { DbHandle } from './client.ts';
import {
  DataKeyError,
  DataKeyPlugin,
  DataKeyRing,
  dataKeyOf,
  decryptWith,
  encryptWith,
  generateDataKey,
  keyFileBeside,
  keyIdOf,
  openIdNumber,
  parseBase64Key,
  resolveDataKeys,
  sealWith,
} from './data-key.ts';
import { checkDataKey, migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { openTestDatabase, testEngine } from './testing.ts';

const ID_A = '370302199001011234';
const ID_B = '11010519491231002X';

describe('the cipher', () => {
  const key = generateDataKey();
  const ring = new DataKeyRing([key], 'test');

  it('round-trips, with a fresh IV per value and the key id in the header', () => {
    const a = encryptWith(key, ID_A);
    const b = encryptWith(key, ID_A);
    expect(a.equals(b)).toBe(false);
    expect(decryptWith(ring, a)).toBe(ID_A);
    expect(decryptWith(ring, new Uint8Array(b))).toBe(ID_A);
    expect(keyIdOf(a)).toBe(key.id);
    expect(a.length).toBe(1 + 8 + 12 + 18 + 16);
  });

  it('refuses a changed byte and an unknown key, clearly', () => {
    const a = encryptWith(key, ID_A);
    a[25] = a[25]! ^ 1;
    expect(() => decryptWith(ring, a)).toThrow(/密文校验失败/);
    const other = new DataKeyRing([generateDataKey()], 'other');
    expect(() => decryptWith(other, encryptWith(key, ID_A))).toThrow(new RegExp(`密钥 ${key.id}`));
  });

  it('derives stable ids and blind indexes from the key, different per key', () => {
    const again = parseBase64Key(key.raw.toString('base64'), 'k');
    expect(again.id).toBe(key.id);
    expect(sealWith(again, ID_A).id_number_bidx.equals(sealWith(key, ID_A).id_number_bidx)).toBe(true);
    expect(sealWith(key, ID_A).id_number_bidx.equals(sealWith(key, ID_B).id_number_bidx)).toBe(false);
    expect(sealWith(generateDataKey(), ID_A).id_number_bidx.equals(sealWith(key, ID_A).id_number_bidx)).toBe(false);
    expect(() => parseBase64Key(Buffer.alloc(16).toString('base64'), 'QINGFENG_DATA_KEY')).toThrow(/32 字节/);
  });
});

describe('where the key comes from', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qf-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 0600 key file beside a PGlite data directory on first start, and reads it afterwards', () => {
    const dataDir = join(dir, 'data');
    const lines: string[] = [];
    const first = resolveDataKeys({ engine: 'pglite', dataDir, env: {}, log: (l) => lines.push(l) });
    const file = keyFileBeside(dataDir);
    expect(file).toBe(join(dir, 'data.key'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toContain(first.active.id);
    expect(readFileSync(file, 'utf8')).not.toContain('undefined');
    const second = resolveDataKeys({ engine: 'pglite', dataDir, env: {} });
    expect(second.active.id).toBe(first.active.id);
    expect(second.file).toBe(file);
  });

  it('prefers QINGFENG_DATA_KEY, then QINGFENG_DATA_KEY_FILE; PostgreSQL without either fails with what to set', () => {
    const k = generateDataKey();
    const prev = generateDataKey();
    const ring = resolveDataKeys({ engine: 'postgresql', env: { QINGFENG_DATA_KEY: k.raw.toString('base64'), QINGFENG_DATA_KEY_PREVIOUS: prev.raw.toString('base64') } });
    expect(ring.keys.map((x) => x.id)).toEqual([k.id, prev.id]);
    const file = join(dir, 'pg.key');
    expect(resolveDataKeys({ engine: 'postgresql', env: { QINGFENG_DATA_KEY_FILE: file } }).file).toBe(file);
    expect(() => resolveDataKeys({ engine: 'postgresql', env: {} })).toThrow(/QINGFENG_DATA_KEY/);
    expect(() => resolveDataKeys({ engine: 'postgresql', env: { QINGFENG_DATA_KEY: 'not a key' } })).toThrow(DataKeyError);
  });
});

describe(`the migration and the start-up check (${testEngine()})`, () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('encrypts existing rows, drops the plaintext, keeps uniqueness on the blind index', async () => {
    const names = Object.keys(migrations);
    const mine = names.indexOf('2026-12-03-501-id-number-crypt');
    const migrator = new Migrator({ db: h.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo(names[mine - 1]!);
    expect(before.error).toBeUndefined();
    const db = h.db as unknown as Kysely<any>;
    await sql`INSERT INTO org_unit (kind, name, path) VALUES ('subdistrict', '测试街道', '/1/')`.execute(db);
    // 2,500 rows: the migration encrypts in batches of 1,000.
    const ids = Array.from({ length: 2500 }, (_, i) => `370302${String(19000101 + (i % 28)).padStart(8, '0')}${String(i).padStart(4, '0')}`);
    await sql`
      INSERT INTO person (org_unit_id, name, gender, id_number, birth_date, ethnicity, political_status, education_highest)
      SELECT 1, '人' || i, 'male', n, '1900-01-01', '01', 'masses', 'high_school' FROM unnest(${ids}::text[]) WITH ORDINALITY AS u(n, i)`.execute(db);

    expect(await migrateToLatest(h.db)).toContain('2026-12-03-501-id-number-crypt');
    const cols = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_name = 'person' AND column_name LIKE 'id_number%'`.execute(db);
    expect(cols.rows.map((c) => c.column_name).sort()).toEqual(['id_number_bidx', 'id_number_enc', 'id_number_tail_bidx']);
    // A raw dump of the rows, as text, holds none of the numbers (nor their 8 birth-date digits: the hex of
    // 2,500 rows could hold a given shorter run of digits by chance).
    const dump = await sql<{ t: string }>`SELECT p::text AS t FROM person p ORDER BY id`.execute(db);
    const all = dump.rows.map((r) => r.t).join('\n');
    for (const n of [ids[0]!, ids[1234]!, ids[2499]!]) {
      expect(all).not.toContain(n);
      expect(all).not.toContain(n.slice(6, 14));
    }
    // The stored bytes hold no run of 4 of the number's characters, as ASCII or as packed decimal digits.
    const raw = await sql<{ enc: Uint8Array; bidx: Uint8Array; tail: Uint8Array }>`
      SELECT id_number_enc AS enc, id_number_bidx AS bidx, id_number_tail_bidx AS tail FROM person ORDER BY id LIMIT 50`.execute(db);
    raw.rows.forEach((r, i) => {
      const n = ids[i]!;
      for (const b of [r.enc, r.bidx, r.tail]) {
        const bytes = Buffer.from(b);
        for (let k = 0; k + 4 <= 18; k++) expect(bytes.includes(Buffer.from(n.slice(k, k + 4), 'latin1'))).toBe(false);
        expect(bytes.toString('hex')).not.toContain(n.slice(6, 14));
      }
    });
    const rows = await h.db.selectFrom('person').select(['name', 'id_number_enc']).orderBy('id').execute();
    expect(rows.map((r) => openIdNumber(h.db, r.id_number_enc))).toEqual(ids);
    const state = await sql<{ key_id: string }>`SELECT key_id FROM data_key_state`.execute(db);
    expect(state.rows).toEqual([{ key_id: dataKeyOf(h.db).active.id }]);
    // The unique index is on the blind index: the same number again is refused under the old index name.
    const again = sealWith(dataKeyOf(h.db).active, ids[7]!);
    await expect(
      h.db
        .insertInto('person')
        .values({ org_unit_id: 1, name: '重复', gender: 'male', birth_date: '1900-01-01', ethnicity: '01', political_status: 'masses', education_highest: 'high_school', updated_at: new Date(), ...again })
        .execute(),
    ).rejects.toThrow(/person_id_number_idx/);
  });

  it('refuses to start with a key the rows are not under, naming both key ids', async () => {
    const wrong = new DataKeyRing([generateDataKey()], 'QINGFENG_DATA_KEY');
    await expect(migrateToLatest(h.db.withPlugin(new DataKeyPlugin(wrong)))).rejects.toThrow(new RegExp(`数据密钥不对.*${dataKeyOf(h.db).active.id}.*${wrong.active.id}`));
    // No key configured (PostgreSQL without QINGFENG_DATA_KEY): the start fails with what to set.
    const unresolved = new DataKeyError('使用 PostgreSQL 时必须设置 QINGFENG_DATA_KEY');
    await expect(migrateToLatest(h.db.withPlugin(new DataKeyPlugin(unresolved)))).rejects.toThrow(/QINGFENG_DATA_KEY/);
    // The previous key next to a newer one (mid-rotation configuration): starts, and keeps writing under the rows' key.
    const both = new DataKeyRing([generateDataKey(), dataKeyOf(h.db).active], 'two');
    await checkDataKey(h.db.withPlugin(new DataKeyPlugin(both)));
    expect(both.active.id).toBe(dataKeyOf(h.db).active.id);
    expect(await checkDataKey(h.db)).toBe(dataKeyOf(h.db).active.id);
  });
});
