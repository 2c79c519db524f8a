// The province-scale data set, generated inside the database with generate_series (a handful of
// INSERT … SELECT statements, no parameters: PGlite's 32,768 bind-parameter cap never comes near).
//
// Shape: root (基准省) → counties (~3,333 villages each, so one county's roster is ~10,000 rows)
// → subdistricts (~167 villages each) → villages/communities. Every village has two terms
// (第1届 elected 2018, ended by 第2届 elected 2021, open), three posts per term:
//   party secretary A; residents' director A (一肩挑, 6 villages in 7) or C; and B as party deputy
//   secretary or residents' member. A is re-elected in half of the villages; in 1 village in 37
//   B's current post ended in 2023 (resigned), so counts depend on the as-of date.
// People carry valid ID numbers (checksum, birth date and gender encoded), 民族, 政治面貌 with
// 入党时间, 全日制/最高学历, phone and veteran flag (see names.ts for the JS twin of the model).
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { OrgKind } from '@qingfeng/db';
import { sealIdNumber, writeSealed } from '@qingfeng/db';
import { insertOrg, insertOrgChildren } from '../../api/src/modules/orgs/queries.ts';
import { canContain } from '../../api/src/modules/orgs/rules.ts';
import { BIRTH_DAYS, BIRTH_START, BIRTH_STEP, EDUCATION_CUTS, GIVEN, HASH_MOD, HASH_MUL, idCheckSql, PLACES, SURNAMES } from './names.ts';

export const AS_OF = '2024-06-30';
export const VILLAGES_PER_COUNTY = 3334;
export const VILLAGES_PER_SUBDISTRICT = 167;
/** ID-number region code of the generated people (the import uses another). */
const REGION = '370102';

export interface Dataset {
  rootId: number;
  rootPath: string;
  villages: number;
  counties: { id: number; path: string; villages: number }[];
  subdistricts: number;
  people: number;
  terms: number;
  posts: number;
  asOf: string;
  ms: number;
}

const arr = (xs: readonly string[]) => `(ARRAY[${xs.map((x) => `'${x}'`).join(',')}])`;

/** Person columns for person number `n` (a SQL expression) of village id `org`: SQL twin of modelPerson(). */
function personSelect(n: string, org: string, principal: string): string {
  const g = GIVEN.length;
  const edu = `CASE ${EDUCATION_CUTS.map(([cut, level]) => `WHEN (h / 1000) % 1000 < ${cut} THEN '${level}'`).join(' ')} END`;
  return `
    SELECT ${n} AS n, ${org} AS org_unit_id, h, female, bd,
      ${arr(SURNAMES)}[(h % ${SURNAMES.length}) + 1] || ${arr(GIVEN)}[((h / 101) % ${g}) + 1]
        || CASE WHEN (h / 7) % 3 <> 0 THEN ${arr(GIVEN)}[((h / 1009) % ${g}) + 1] ELSE '' END AS name,
      '${REGION}' || to_char(bd, 'YYYYMMDD') || lpad((2 * (${n} / ${BIRTH_DAYS}) + CASE WHEN female THEN 0 ELSE 1 END)::text, 3, '0') AS f17,
      CASE WHEN ${principal} OR h % 100 < 70 THEN 'cpc_member' WHEN h % 100 < 73 THEN 'cpc_probationary'
           WHEN h % 100 < 77 THEN 'cyl_member' WHEN h % 100 < 80 THEN 'non_party' ELSE 'masses' END AS political_status,
      ${edu} AS education_highest,
      CASE WHEN (h / 13) % 100 < 92 THEN '01' ELSE (ARRAY['03','11','08','02'])[((h / 13) % 100) % 4 + 1] END AS ethnicity,
      '13' || lpad(((${n}::bigint * 7919 * 31) % 1000000000)::text, 9, '0') AS phone,
      (h / 17) % 20 = 0 AS is_veteran
    FROM (SELECT h, CASE WHEN ${principal} THEN h % 100 < 10 ELSE h % 100 < 40 END AS female,
                 date '${BIRTH_START}' + ((${n}::bigint * ${BIRTH_STEP}) % ${BIRTH_DAYS})::int AS bd
          FROM (SELECT (${n}::bigint * ${HASH_MUL}) % ${HASH_MOD} AS h) hh) x`;
}

/** Builds the whole data set under a new root. `villages` is the scale (default 50,000). */
export async function buildDataset(db: Kysely<Database>, villages: number, log: (s: string) => void): Promise<Dataset> {
  const started = performance.now();
  const N = villages;
  const C = Math.max(1, Math.round(N / VILLAGES_PER_COUNTY));
  const S = Math.max(C, Math.round(N / VILLAGES_PER_SUBDISTRICT));
  // The org tree through the orgs module (rules and queries), as an admin's API calls would build it:
  // province → counties → subdistricts → villages/communities. Ids are consecutive (nothing else
  // writes during the build), which the generated terms, people and posts below rely on.
  const add = async (parent: { id: number; path: string; kind: OrgKind }, children: { kind: OrgKind; name: string; sortOrder: number }[]) => {
    for (const c of children) if (!canContain(parent.kind, c.kind)) throw new Error(`${parent.kind} cannot hold ${c.kind}`);
    return insertOrgChildren(db, parent, children);
  };
  if (!canContain(null, 'province')) throw new Error('a province cannot be a root');
  const root = await insertOrg(db, { parentId: null, parentPath: null, kind: 'province', name: '基准省' });
  const countyIds = await add(root, Array.from({ length: C }, (_, i) => ({ kind: 'county' as const, name: `基准${String(i + 1).padStart(2, '0')}县`, sortOrder: i + 1 })));
  const place = (i: number) => PLACES[i % PLACES.length]!;
  const sdIds: number[] = [];
  for (let c = 0; c < C; c++) {
    // Subdistrict s (1-based) belongs to county ((s - 1) * C) / S + 1, as before.
    const mine = Array.from({ length: S }, (_, i) => i + 1).filter((sIdx) => Math.floor(((sIdx - 1) * C) / S) === c);
    const county = { id: countyIds[c]!, path: `${root.path}${countyIds[c]}/`, kind: 'county' as const };
    sdIds.push(...(await add(county, mine.map((sIdx) => ({ kind: 'subdistrict' as const, name: `${place(sIdx)}${String(sIdx).padStart(3, '0')}街道`, sortOrder: sIdx })))));
  }
  const sdPath = new Map<number, string>();
  const paths = await sql<{ id: number; path: string }>`SELECT id, path FROM org_unit WHERE kind = 'subdistrict' AND path LIKE ${`${root.path}%`}`.execute(db);
  for (const r of paths.rows) sdPath.set(r.id, r.path);
  // Village v (1-based) belongs to subdistrict ((v - 1) * S) / N + 1, as before.
  const groups: { kind: OrgKind; name: string; sortOrder: number }[][] = Array.from({ length: S }, () => []);
  for (let v = 1; v <= N; v++) {
    const community = v % 10 === 0;
    groups[Math.floor(((v - 1) * S) / N)]!.push({
      kind: community ? 'community' : 'village',
      name: `${place(v)}${place(Math.floor(v / PLACES.length))}${String(v).padStart(5, '0')}${community ? '社区' : '村'}`,
      sortOrder: v,
    });
  }
  const villageIds: number[] = [];
  for (let i = 0; i < S; i++) villageIds.push(...(await add({ id: sdIds[i]!, path: sdPath.get(sdIds[i]!)!, kind: 'subdistrict' }, groups[i]!)));
  if (villageIds.length !== N || villageIds[N - 1]! - villageIds[0]! !== N - 1) throw new Error('village ids are not consecutive: another writer during the build?');
  const vb = villageIds[0]! - 1; // village ids vb+1..vb+N

  const counts = await db.transaction().execute(async (trx) => {
    const run = (q: string) => sql.raw(q).execute(trx);
    // A scratch database: skip FK triggers while bulk loading (the generator keeps every reference valid).
    await run(`SET LOCAL session_replication_role = replica`);
    const tb = Number((await sql<{ m: number }>`SELECT coalesce(max(id), 0)::int AS m FROM term`.execute(trx)).rows[0]!.m);
    await run(`
      INSERT INTO term (id, org_unit_id, ordinal, election_date, start_date, end_date) OVERRIDING SYSTEM VALUE
      SELECT ${tb} + (v - 1) * 2 + k, ${vb} + v, k, e, e, CASE WHEN k = 1 THEN e2 END
      FROM generate_series(1, ${N}) v CROSS JOIN generate_series(1, 2) k
      CROSS JOIN LATERAL (SELECT date '2018-01-08' + v % 120 AS e1, date '2021-01-08' + v % 120 AS e2) d
      CROSS JOIN LATERAL (SELECT CASE WHEN k = 1 THEN d.e1 ELSE d.e2 END AS e) x`);
    await run(`SELECT setval(pg_get_serial_sequence('term', 'id'), ${tb + 2 * N})`);

    // Person numbers n = (v-1)*6 + slot: slots 1-3 term 1 (A, B, C), 4-6 term 2. C exists only in
    // villages without 一肩挑 (v % 7 = 0); slot 4 (a new A) only where A is not re-elected (odd v).
    const pb = Number((await sql<{ m: number }>`SELECT coalesce(max(id), 0)::int AS m FROM person`.execute(trx)).rows[0]!.m);
    await run(`
      INSERT INTO person (id, org_unit_id, name, gender, id_number_enc, id_number_bidx, id_number_tail_bidx, birth_date, ethnicity, political_status, party_join_date,
                          education_full_time, education_highest, phone, is_veteran, updated_at) OVERRIDING SYSTEM VALUE
      SELECT ${pb} + q.n, q.org_unit_id, q.name, CASE WHEN q.female THEN 'female' ELSE 'male' END,
        convert_to(idn.v, 'UTF8'), sha256(convert_to(idn.v, 'UTF8')), sha256(convert_to('tail:' || idn.v, 'UTF8')), q.bd, q.ethnicity, q.political_status,
        CASE q.political_status WHEN 'cpc_member' THEN least(q.bd + (7300 + (q.h / 100) % 4000)::int, date '2020-06-30')
                                WHEN 'cpc_probationary' THEN date '2023-07-01' END,
        CASE WHEN q.education_highest IN ('bachelor', 'associate') AND (q.h / 7) % 3 = 0 THEN 'high_school' ELSE q.education_highest END,
        q.education_highest, q.phone, q.is_veteran, now()
      FROM generate_series(1, ${6 * N}) g(n)
      CROSS JOIN LATERAL (SELECT (g.n - 1) / 6 + 1 AS v, (g.n - 1) % 6 + 1 AS slot) s
      CROSS JOIN LATERAL (${personSelect('g.n', `${vb} + s.v`, 's.slot IN (1, 3, 4, 6)')}) q
      CROSS JOIN LATERAL (SELECT q.f17 || ${idCheckSql('q.f17')} AS v) idn
      WHERE s.slot IN (1, 2, 5) OR (s.slot IN (3, 6) AND s.v % 7 = 0) OR (s.slot = 4 AND s.v % 2 = 1)`);
    await run(`SELECT setval(pg_get_serial_sequence('person', 'id'), ${pb + 6 * N})`);
    // ID numbers are stored encrypted (db/src/data-key.ts): the statement above leaves the plain number
    // in id_number_enc (with unique placeholders for the indexes), sealed here before anything commits.
    for (let last = pb; ; ) {
      const { rows } = await sql<{ id: number; n: string }>`
        SELECT id, convert_from(id_number_enc, 'UTF8') AS n FROM person WHERE id > ${last} AND id <= ${pb + 6 * N} ORDER BY id LIMIT 5000`.execute(trx);
      if (rows.length === 0) break;
      await writeSealed(trx, rows.map((r) => r.id), rows.map((r) => sealIdNumber(trx, r.n)));
      last = rows[rows.length - 1]!.id;
    }

    await run(`
      INSERT INTO post (person_id, org_unit_id, term_id, committee, position, start_date, end_date, end_reason, how)
      SELECT ${pb} + (v - 1) * 6 + CASE
                 WHEN j = 1 OR (j = 2 AND v % 7 <> 0) THEN CASE WHEN k = 1 OR v % 2 = 0 THEN 1 ELSE 4 END
                 WHEN j = 2 THEN CASE WHEN k = 1 THEN 3 ELSE 6 END
                 ELSE CASE WHEN k = 1 THEN 2 ELSE 5 END END,
        ${vb} + v, ${tb} + (v - 1) * 2 + k,
        CASE WHEN j = 1 OR (j = 3 AND v % 3 = 0) THEN 'party' ELSE 'residents' END,
        CASE WHEN j = 1 THEN 'secretary' WHEN j = 2 THEN 'director' WHEN v % 3 = 0 THEN 'deputy_secretary' ELSE 'member' END,
        t.start_date,
        CASE WHEN k = 1 THEN t.end_date WHEN j = 3 AND v % 37 = 0 THEN date '2023-05-01' END,
        CASE WHEN k = 1 THEN '届满' WHEN j = 3 AND v % 37 = 0 THEN '辞职' END,
        'elected'
      FROM generate_series(1, ${N}) v CROSS JOIN generate_series(1, 2) k CROSS JOIN generate_series(1, 3) j
      JOIN term t ON t.id = ${tb} + (v - 1) * 2 + k`);
    const n = await sql<{ people: number; terms: number; posts: number }>`
      SELECT (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM term)::int AS terms, (SELECT count(*) FROM post)::int AS posts`.execute(trx);
    return { ...n.rows[0]! };
  });
  log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s; analysing …`);
  await sql`ANALYZE`.execute(db);
  const counties = await sql<{ id: number; path: string; villages: number }>`
    SELECT c.id, c.path, (SELECT count(*) FROM org_unit v WHERE v.path LIKE c.path || '%' AND v.kind IN ('village', 'community'))::int AS villages
    FROM org_unit c WHERE c.parent_id = ${root.id} ORDER BY c.id`.execute(db);
  return {
    rootId: root.id,
    rootPath: root.path,
    villages: N,
    counties: counties.rows,
    subdistricts: S,
    people: counts.people,
    terms: counts.terms,
    posts: counts.posts,
    asOf: AS_OF,
    ms: performance.now() - started,
  };
}

/**
 * Empty villages for the import benchmark: `sets` groups of `perSet` villages, each group under its
 * own subdistrict of a separate county (so the report and PDF figures never see them).
 */
export async function addEmptyVillages(db: Kysely<Database>, root: { id: number; path: string }, sets: number, perSet: number): Promise<{ id: number; name: string }[][]> {
  const seq = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM org_unit WHERE parent_id = ${root.id} AND name LIKE '导入基准县%'`.execute(db)).rows[0]!.n) + 1;
  const county = await insertOrg(db, { parentId: root.id, parentPath: root.path, kind: 'county', name: `导入基准县${seq}` });
  const out: { id: number; name: string }[][] = [];
  for (let s = 0; s < sets; s++) {
    const sd = await insertOrg(db, { parentId: county.id, parentPath: county.path, kind: 'subdistrict', name: `导入基准街道${s + 1}` });
    const kids = Array.from({ length: perSet }, (_, i) => ({ kind: 'village' as const, name: `导入${seq}-${s + 1}组${String(i + 1).padStart(5, '0')}村`, sortOrder: i + 1 }));
    const ids = await insertOrgChildren(db, sd, kids);
    out.push(ids.map((id, i) => ({ id, name: kids[i]!.name })));
  }
  await sql`ANALYZE org_unit`.execute(db);
  return out;
}
