// Figures 3 and 4: the roster PDF.
// 3. Our roster document vs bare pdfkit drawing the same table with the same font, at 1,000 and 10,000
//    rows — the PDF layer's own benchmark functions (api/src/pdf/bench.ts: synthetic rows, no database).
// 4. Peak RSS growth while the real endpoint GET /api/orgs/:id/roster.pdf streams a county's roster
//    (~10,000 rows at full scale) to a client reading the body chunk by chunk, from the request to the
//    last byte (query, drawing and streaming). RSS is sampled every 5 ms from a worker thread, so the
//    samples continue while the main thread draws. A one-village download first warms up (font files
//    read into memory, code compiled): that one-off cost of a process is not counted.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { benchRosterPdf } from '../../api/src/pdf/bench.ts';
import type { Dataset } from './dataset.ts';
import { expectOk, type Client } from './http.ts';
import { collectGarbage, fmtMs, fmtRatio, sampleRss, type Figure, type RssPeak } from './measure.ts';

export async function benchPdfTables(sizes: readonly number[]): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const rows of sizes) {
    const r = await benchRosterPdf(rows);
    out.push({
      name: `3. roster PDF, ${rows.toLocaleString('en')} rows`,
      ours: fmtMs(r.oursMs),
      baseline: `${fmtMs(r.bareMs)} bare pdfkit`,
      value: r.oursMs / r.bareMs,
      valueText: fmtRatio(r.oursMs / r.bareMs),
      target: { direction: 'max', limit: 1.5, text: '≤ 1.50×' },
      note: `${r.pages} pages, ${Math.round(r.bytes / 1024)} KB`,
    });
  }
  return out;
}

interface Download {
  ms: number;
  bytes: number;
  firstByteMs: number;
  rss: RssPeak;
}

async function download(client: Client, path: string): Promise<Download> {
  collectGarbage();
  const sampler = await sampleRss(5);
  const t = performance.now();
  const res = await expectOk(await client.get(path), 'roster PDF');
  const reader = res.body!.getReader();
  let bytes = 0;
  let firstByteMs = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes === 0) firstByteMs = performance.now() - t;
    bytes += value.byteLength;
  }
  const ms = performance.now() - t;
  return { ms, bytes, firstByteMs, rss: await sampler.stop() };
}

export async function benchPdfStream(db: Kysely<Database>, client: Client, data: Dataset, rowsInCounty: number): Promise<{ figure: Figure; info: Figure[] }> {
  const county = data.counties[0]!;
  // Warm-up on one village: fonts read into memory, code compiled, the first document registered.
  const village = await db.selectFrom('org_unit').select('id').where('path', 'like', `${county.path}%`).where('kind', '=', 'village').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const small = await download(client, `/api/orgs/${village.id}/roster.pdf?asOf=${data.asOf}`);
  const big = await download(client, `/api/orgs/${county.id}/roster.pdf?asOf=${data.asOf}`);
  const g = big.rss.growthMb;
  return {
    figure: {
      name: `4. RSS growth, roster PDF endpoint streaming ${rowsInCounty.toLocaleString('en')} rows`,
      ours: `${g.toFixed(1)} MB`,
      baseline: `RSS ${big.rss.baselineMb.toFixed(0)} MB before`,
      value: g,
      valueText: `${g.toFixed(1)} MB`,
      target: { direction: 'max', limit: 150, text: '< 150 MB', strict: true },
      note:
        `one county, ${county.villages.toLocaleString('en')} villages: ${(big.bytes / 1048576).toFixed(1)} MB PDF in ${fmtMs(big.ms)}, first byte after ${fmtMs(big.firstByteMs)}; ` +
        `peak RSS ${big.rss.peakMb.toFixed(0)} MB (${big.rss.samples} samples). Warm-up (one village) grew RSS ${small.rss.growthMb.toFixed(1)} MB`,
    },
    info: [],
  };
}
