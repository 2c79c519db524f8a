// scratch: report breakdown on PGlite (temporary)
import { compileCommitteeStructureQuery, findReportOrg, runCommitteeStructureQuery } from '../../api/src/modules/reports/queries.ts';
import { shapeReport } from '../../api/src/modules/reports/rules.ts';
import { buildDataset } from './dataset.ts';
import { openPglite } from './engines.ts';
import { loggedInClient } from './http.ts';
import { collectGarbage } from './measure.ts';
delete process.env.DATABASE_URL;
const bench = await openPglite();
const db = bench.handle.db;
const data = await buildDataset(db, Number(process.argv[2] ?? 50000), console.log);
const client = await loggedInClient(bench, db, { username: 'p', role: 'org_office', orgUnitId: data.rootId });
const c = compileCommitteeStructureQuery(db, { orgPath: data.rootPath, asOf: data.asOf });
const T = async (label: string, fn: () => Promise<unknown> | unknown) => { collectGarbage(); const t = performance.now(); const v = await fn(); console.log(label.padEnd(14), Math.round(performance.now() - t), 'ms', 'heapUsed', Math.round(process.memoryUsage().heapUsed / 1048576)); return v; };
for (let i = 0; i < 3; i++) {
  await T('raw', () => db.executeQuery(c));
  const org = (await T('findOrg', () => findReportOrg(db, data.rootPath, data.rootId))) as any;
  const rows = (await T('kysely exec', () => runCommitteeStructureQuery(db, { orgPath: org.path, asOf: data.asOf }))) as any[];
  const rep = await T('shape', () => shapeReport(rows, { id: org.id, name: org.name, kind: org.kind }, data.asOf));
  const json = (await T('stringify', () => JSON.stringify(rep))) as string;
  await T('encode', () => new TextEncoder().encode(json));
  await T('endpoint', async () => (await client.get(`/api/reports/committee-structure?org=${data.rootId}&asOf=${data.asOf}`)).arrayBuffer());
}
await bench.dispose();
