// scratch: build the data set into an existing database (temporary, for profiling)
import { createDb, migrateToLatest } from '@qingfeng/db';
import { buildDataset } from './dataset.ts';
const url = process.argv[2]!;
const villages = Number(process.argv[3] ?? 50000);
const h = await createDb({ url, max: 2 });
await migrateToLatest(h.db);
const d = await buildDataset(h.db, villages, console.log);
console.log(JSON.stringify({ ...d, counties: d.counties.slice(0, 2) }));
await h.close();
