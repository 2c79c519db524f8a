// scratch: profile the import commit against an existing data set (temporary)
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createDb } from '@qingfeng/db';
import { sql } from 'kysely';
import { benchImport } from './import.ts';
import { loggedInClient } from './http.ts';

const url = process.argv[2]!;
const rows = Number(process.argv[3] ?? 3000);
const h = await createDb({ url, max: 10 });
const bench = { engine: 'postgresql' as const, handle: h, dispose: () => h.close() };
const root = (await sql<{ id: number; path: string }>`SELECT id, path FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1`.execute(h.db)).rows[0]!;
const client = await loggedInClient(bench, h.db, { username: `prof${Date.now()}`, role: 'org_office', orgUnitId: root.id });
const data = { rootId: root.id, rootPath: root.path } as any;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 500 });
await session.post('Profiler.start');
const r = await benchImport(h.db, client, data, { rows, runs: 2 });
const { profile } = await session.post('Profiler.stop');
writeFileSync(`/tmp/qf-bench-import.cpuprofile`, JSON.stringify(profile));
console.log(r.figure, r.info);
const self = new Map<string, number>();
const nodes = new Map(profile.nodes.map((n: any) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const n: any = nodes.get(profile.samples[i]);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
}
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n'));
await h.close();
