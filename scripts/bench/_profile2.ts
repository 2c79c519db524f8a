// scratch profiling (temporary)
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { buildDataset } from './dataset.ts';
import { openPglite, openPostgres, findPostgresServer } from './engines.ts';
import { loggedInClient } from './http.ts';

const engine = process.argv[2] ?? 'pglite';
const villages = Number(process.argv[3] ?? 2000);
const what = process.argv[4] ?? 'pdf';
delete process.env.DATABASE_URL;
const bench = engine === 'pglite' ? await openPglite() : await openPostgres((await findPostgresServer({}))!);
try {
  const db = bench.handle.db;
  const data = await buildDataset(db, villages, console.log);
  const client = await loggedInClient(bench, db, { username: 'p', role: 'org_office', orgUnitId: data.rootId });
  const path = what === 'pdf' ? `/api/orgs/${data.counties[0]!.id}/roster.pdf?asOf=${data.asOf}` : `/api/reports/committee-structure?org=${data.rootId}&asOf=${data.asOf}`;
  const once = async (label: string) => {
    const t = performance.now();
    const res = await client.get(path);
    const tHead = performance.now() - t;
    const reader = res.body!.getReader();
    let first = 0, bytes = 0;
    for (;;) { const { done, value } = await reader.read(); if (done) break; if (!bytes) first = performance.now() - t; bytes += value.byteLength; }
    console.log(label, res.status, 'headers', Math.round(tHead), 'first', Math.round(first), 'end', Math.round(performance.now() - t), 'bytes', bytes);
  };
  await once('warm');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  await once('profiled');
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(`/tmp/qf-bench-${what}-${engine}.cpuprofile`, JSON.stringify(profile));
  // summarise self time by function
  const self = new Map<string, number>();
  const nodes = new Map(profile.nodes.map((n: any) => [n.id, n]));
  const dt = profile.timeDeltas; const samples = profile.samples;
  for (let i = 0; i < samples.length; i++) {
    const n: any = nodes.get(samples[i]);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`).join('\n'));
} finally {
  await bench.dispose();
}
