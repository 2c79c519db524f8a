// scratch: per-statement DB time of one import commit (temporary)
import { createDb } from '@qingfeng/db';
import { sql, type KyselyPlugin } from 'kysely';
import { benchImport } from './import.ts';
import { loggedInClient } from './http.ts';

const url = process.argv[2];
const rows = Number(process.argv[3] ?? 3000);
delete process.env.DATABASE_URL;
const h = url ? await createDb({ url, max: 10 }) : await (async () => { const { openPglite } = await import('./engines.ts'); return (await openPglite()).handle; })();
if (!url) { const { buildDataset } = await import('./dataset.ts'); await buildDataset(h.db, Number(process.argv[4] ?? 5000), console.log); }
const starts = new Map<unknown, { t: number; node: any }>();
const stats = new Map<string, { n: number; ms: number }>();
let on = false;
const plugin: KyselyPlugin = {
  transformQuery(args) { if (on) starts.set(args.queryId, { t: performance.now(), node: args.node }); return args.node; },
  async transformResult(args) {
    const s = starts.get(args.queryId);
    if (s) {
      const ms = performance.now() - s.t;
      const compiled = h.db.getExecutor().compileQuery(s.node, args.queryId as any);
      const key = compiled.sql.replace(/\s+/g, ' ').slice(0, 90);
      const st = stats.get(key) ?? { n: 0, ms: 0 }; st.n++; st.ms += ms; stats.set(key, st);
      starts.delete(args.queryId);
    }
    return args.result;
  },
};
const db = h.db.withPlugin(plugin);
const bench = { engine: (url ? 'postgresql' : 'pglite') as any, handle: { ...h, db }, dispose: () => h.close() };
const root = (await sql<{ id: number; path: string }>`SELECT id, path FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1`.execute(h.db)).rows[0]!;
const client = await loggedInClient(bench, db, { username: `prof${Date.now()}`, role: 'org_office', orgUnitId: root.id });
on = true;
const r = await benchImport(db, client, { rootId: root.id, rootPath: root.path } as any, { rows, runs: 1 });
console.log(r.figure.note, r.figure.valueText, r.info[0]!.ours);
console.log([...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20).map(([k, v]) => `${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(4)}×  ${k}`).join('\n'));
await h.close();
