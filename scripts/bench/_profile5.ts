// scratch: report endpoint breakdown (temporary)
import { createDb } from '@qingfeng/db';
import { compileCommitteeStructureQuery, findReportOrg } from '../../api/src/modules/reports/queries.ts';
import { shapeReport } from '../../api/src/modules/reports/rules.ts';
import { loggedInClient } from './http.ts';
const h = await createDb({ url: process.argv[2]!, max: 10 });
const bench = { engine: 'postgresql' as const, handle: h, dispose: () => h.close() };
const client = await loggedInClient(bench, h.db, { username: `rp${Date.now()}`, role: 'org_office', orgUnitId: 1 });
for (let i = 0; i < 2; i++) {
  let t = performance.now();
  const org = (await findReportOrg(h.db, '/1/', 1))!;
  const t0 = performance.now() - t; t = performance.now();
  const rows = (await h.db.executeQuery(compileCommitteeStructureQuery(h.db, { orgPath: '/1/', asOf: '2024-06-30' }))).rows as any[];
  const t1 = performance.now() - t; t = performance.now();
  const rep = shapeReport(rows, { id: org.id, name: org.name, kind: org.kind }, '2024-06-30');
  const t2 = performance.now() - t; t = performance.now();
  for (let k = 0; k < 3; k++) { const tt = performance.now(); shapeReport(rows, { id: org.id, name: org.name, kind: org.kind }, '2024-06-30'); console.log('shape again', (performance.now() - tt) | 0); }
  { const tt = performance.now(); for (const r of rows) { const o: any = {}; for (const k of Object.keys(r)) o[k] = r[k]; } console.log('plain copy', (performance.now() - tt) | 0, Object.keys(rows[0]).length); }
  t = performance.now();
  const json = JSON.stringify(rep);
  const t3 = performance.now() - t; t = performance.now();
  const enc = new TextEncoder().encode(json);
  const t4 = performance.now() - t; t = performance.now();
  const res = await client.get('/api/reports/committee-structure?org=1&asOf=2024-06-30');
  const tHead = performance.now() - t;
  const buf = await res.arrayBuffer();
  const t5 = performance.now() - t;
  console.log({ findOrg: t0|0, sql: t1|0, shape: t2|0, stringify: t3|0, encode: t4|0, endpointHeaders: tHead|0, endpointTotal: t5|0, mb: (json.length/1048576).toFixed(1), bytes: buf.byteLength });
}
await h.close();
