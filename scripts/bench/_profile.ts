// scratch profiling (temporary)
import { sql } from 'kysely';
import { buildDataset } from './dataset.ts';
import { openPglite, openPostgres, findPostgresServer } from './engines.ts';
import { compileCommitteeStructureQuery } from '../../api/src/modules/reports/queries.ts';
import { getVillageRosterRows, villagesUnder } from '../../api/src/modules/roster/queries.ts';

const engine = process.argv[2] ?? 'pglite';
const villages = Number(process.argv[3] ?? 2000);
delete process.env.DATABASE_URL;
const bench = engine === 'pglite' ? await openPglite() : await openPostgres((await findPostgresServer({}))!);
try {
  const db = bench.handle.db;
  const data = await buildDataset(db, villages, console.log);
  const scope = { path: data.rootPath, fullIdNumbers: true };
  const county = data.counties[0]!;
  for (let i = 0; i < 2; i++) {
    let t = performance.now();
    const v = await villagesUnder(db, scope, county.path);
    console.log('villagesUnder', v.length, Math.round(performance.now() - t));
    t = performance.now();
    const rows = await getVillageRosterRows(db, scope, county.id, data.asOf);
    console.log('getVillageRosterRows', rows!.length, Math.round(performance.now() - t));
    t = performance.now();
    const c = compileCommitteeStructureQuery(db, { orgPath: data.rootPath, asOf: data.asOf });
    const r = await db.executeQuery(c);
    console.log('report raw', r.rows.length, Math.round(performance.now() - t));
  }
  const c = compileCommitteeStructureQuery(db, { orgPath: data.rootPath, asOf: data.asOf });
  const ex = await db.executeQuery({ ...c, sql: 'EXPLAIN (ANALYZE, BUFFERS OFF) ' + c.sql } as never);
  console.log((ex.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n'));
  if (process.argv[4] === 'roster') {
    // capture the roster SQL
    const orig = db.executeQuery.bind(db);
    let captured: any = null;
    (db as any).executeQuery = async (q: any) => { captured = q; return orig(q); };
    await getVillageRosterRows(db, scope, county.id, data.asOf);
    (db as any).executeQuery = orig;
    const ex2 = await sql.raw(`EXPLAIN (ANALYZE) ${captured.sql}`).execute(db).catch((e) => ({ rows: [{ 'QUERY PLAN': String(e) }] }));
    console.log(captured.sql, captured.parameters);
  }
} finally {
  await bench.dispose();
}
