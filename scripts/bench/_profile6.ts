// scratch: memory timeline of the county roster PDF (temporary)
import { createDb } from '@qingfeng/db';
import { PdfBuilder } from '../../api/src/pdf/document.ts';
import { loggedInClient } from './http.ts';
import { collectGarbage } from './measure.ts';
const h = await createDb({ url: process.argv[2]!, max: 10 });
const bench = { engine: 'postgresql' as const, handle: h, dispose: () => h.close() };
const client = await loggedInClient(bench, h.db, { username: `m${Date.now()}`, role: 'org_office', orgUnitId: 1 });
const mb = (b: number) => (b / 1048576).toFixed(0);
const mem = (label: string) => { const m = process.memoryUsage(); console.log(label, 'rss', mb(m.rss), 'heapUsed', mb(m.heapUsed), 'heapTotal', mb(m.heapTotal), 'external', mb(m.external), 'arrayBuffers', mb(m.arrayBuffers)); };
let n = 0;
const orig = PdfBuilder.prototype.heading;
PdfBuilder.prototype.heading = function (this: PdfBuilder, ...a: any[]) { if (++n % 500 === 0) mem(`heading ${n} page ${this.pageCount}`); return (orig as any).apply(this, a); };
await (await client.get('/api/orgs/3/roster.pdf?asOf=2024-06-30')).arrayBuffer();
collectGarbage();
mem('start');
n = 0;
const t = performance.now();
const res = await client.get(`/api/orgs/${process.argv[3] ?? 2}/roster.pdf?asOf=2024-06-30`);
mem(`response after ${(performance.now() - t) | 0} ms`);
const r = res.body!.getReader(); let bytes = 0, chunks = 0;
for (;;) { const { done, value } = await r.read(); if (done) break; if (!bytes) mem('first chunk'); bytes += value.byteLength; chunks++; }
mem(`end ${bytes} bytes ${chunks} chunks ${(performance.now() - t) | 0} ms`);
collectGarbage(); mem('after gc');
await h.close();
