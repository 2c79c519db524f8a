// Issue 6, must-have 10: the 三重一大 figures on the province-scale data set.
//  5. GET /api/reports/decisions over the whole province vs its raw statement     target ≤ 1.3×
//  6. register PDF, 10,000 rows, vs bare pdfkit drawing the same cells             target ≤ 1.5×
//  7. peak RSS growth while that register PDF is drawn and streamed               target < 150 MB
//  8. register import rows/s vs raw batched INSERTs of the same items            target ≥ 0.5×
// The decision set is generated in SQL: 4 two-committee meetings a village in 2021 with 5 items each
// (20 items a village: 1,000,000 at the default 50,000 villages), a few flagged and deferred.
import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { decisionStatisticsQuery } from '../../api/src/modules/decisions/queries.ts';
import { renderBareRegister, renderRegister, syntheticRegisterRows } from '../../api/src/modules/decisions/bench.ts';
import { IMPORT_COLUMNS, IMPORT_SHEET } from '../../api/src/modules/decisions/import.ts';
import type { Dataset } from './dataset.ts';
import { expectOk, type Client } from './http.ts';
import { collectGarbage, fmtMs, fmtRatio, median, paired, sampleRss, type Figure } from './measure.ts';

const YEAR = 2021;
const CATEGORIES = ['major_decision', 'cadre_appointment', 'major_project', 'large_fund', 'ordinary'];

/** Meetings and items for every village of the data set, in a few INSERT … SELECT statements. */
export async function buildDecisions(db: Kysely<Database>, data: Dataset, log: (s: string) => void): Promise<{ meetings: number; items: number; ms: number }> {
  const t = performance.now();
  await sql`
    INSERT INTO decision_meeting (org_unit_id, kind, held_on, held_time, place, chair, recorder)
    SELECT v.id, 'joint_committees', make_date(${YEAR}, 1 + 3 * (k - 1) + (v.id % 3), 1 + (v.id % 27)), time '09:00', '党群服务中心', '', ''
    FROM org_unit v, generate_series(1, 4) k
    WHERE v.path LIKE ${`${data.rootPath}%`} AND v.kind IN ('village', 'community')`.execute(db);
  log(`decisions: meetings in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await sql`
    INSERT INTO decision_item (meeting_id, org_unit_id, seq, category, title, amount_fen, voting_method, votes_for, votes_against, votes_abstain, outcome, flags, closed_at)
    SELECT m.id, m.org_unit_id, s,
      (ARRAY[${sql.join(CATEGORIES.map((c) => sql.lit(c)))}])[1 + ((m.id * 7 + s) % 5)],
      '议题' || m.id || '-' || s,
      CASE WHEN (m.id + s) % 3 = 0 THEN ((m.id * 131 + s * 977) % 900000 + 10000) * 100 ELSE NULL END,
      'show_of_hands', 5, 0, 0,
      CASE WHEN (m.id + s) % 29 = 0 THEN 'deferred' ELSE 'adopted' END,
      CASE WHEN (m.id * 3 + s) % 31 = 0 THEN jsonb_build_array(jsonb_build_object('rule', 'quorum', 'message', '到会人数未超过应到人数的半数', 'source', 'domain.md §6'))
           WHEN (m.id * 3 + s) % 37 = 0 THEN jsonb_build_array(jsonb_build_object('rule', 'principal_not_last', 'message', '主要负责人未末位表态', 'source', 'domain.md §6'))
           ELSE '[]'::jsonb END,
      now()
    FROM decision_meeting m, generate_series(1, 5) s
    WHERE m.org_unit_id IN (SELECT id FROM org_unit WHERE path LIKE ${`${data.rootPath}%`})`.execute(db);
  await sql`ANALYZE decision_meeting`.execute(db);
  await sql`ANALYZE decision_item`.execute(db);
  const n = await sql<{ meetings: number; items: number }>`SELECT (SELECT count(*) FROM decision_meeting)::int AS meetings, (SELECT count(*) FROM decision_item)::int AS items`.execute(db);
  return { ...n.rows[0]!, ms: performance.now() - t };
}

/** 5. The statistics endpoint over the whole province vs its one statement run bare. */
export async function benchDecisionStatistics(db: Kysely<Database>, client: Client, data: Dataset, runs: number, items: number): Promise<Figure> {
  const path = `/api/reports/decisions?org=${data.rootId}&year=${YEAR}`;
  const compiled = decisionStatisticsQuery(data.rootPath, YEAR).compile(db);
  let bytes = 0;
  const ours = async () => {
    bytes = (await (await expectOk(await client.get(path), 'decisions statistics')).arrayBuffer()).byteLength;
  };
  let rows = 0;
  const raw = async () => {
    rows = (await db.executeQuery(compiled)).rows.length;
  };
  const check = (await (await expectOk(await client.get(path), 'decisions statistics')).json()) as { allItems: number };
  if (check.allItems !== items) throw new Error(`statistics counted ${check.allItems} items, expected ${items}`);
  await raw();
  const r = await paired({ warmup: 0, runs, ours, baseline: raw, budgetMs: 180_000 });
  const ratio = r.oursMs / r.baselineMs;
  return {
    name: `5. decisions statistics (${items.toLocaleString('en')} items)`,
    ours: fmtMs(r.oursMs),
    baseline: `${fmtMs(r.baselineMs)} raw SQL`,
    value: ratio,
    valueText: fmtRatio(ratio),
    target: { direction: 'max', limit: 1.3, text: '≤ 1.30×' },
    note: `${rows.toLocaleString('en')} rows → ${(bytes / 1048576).toFixed(1)} MB JSON; runs ours [${r.ours.map(fmtMs).join(', ')}] raw [${r.base.map(fmtMs).join(', ')}]`,
  };
}

// ---- 6 and 7: the register PDF ----

export async function benchRegisterPdf(rows = 10_000, runs = 3): Promise<Figure[]> {
  const data = syntheticRegisterRows(rows);
  await renderRegister(data.slice(0, 300));
  await renderBareRegister(data.slice(0, 300));
  // Memory first, in a quiet process.
  collectGarbage();
  const sampler = await sampleRss(5);
  const t0 = performance.now();
  const first = await renderRegister(data);
  const memMs = performance.now() - t0;
  const rss = await sampler.stop();
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    let t = performance.now();
    await renderRegister(data);
    ours.push(performance.now() - t);
    collectGarbage();
    t = performance.now();
    await renderBareRegister(data);
    bare.push(performance.now() - t);
  }
  const ratio = median(ours) / median(bare);
  return [
    {
      name: `6. register PDF, ${rows.toLocaleString('en')} rows`,
      ours: fmtMs(median(ours)),
      baseline: `${fmtMs(median(bare))} bare pdfkit`,
      value: ratio,
      valueText: fmtRatio(ratio),
      target: { direction: 'max', limit: 1.5, text: '≤ 1.50×' },
      note: `${first.pages} pages, ${Math.round(first.bytes / 1024)} KB (wrapped 议题/规则提示 columns measured per cell)`,
    },
    {
      name: `7. RSS growth, register PDF ${rows.toLocaleString('en')} rows drawn and streamed`,
      ours: `${rss.growthMb.toFixed(1)} MB`,
      baseline: `RSS ${rss.baselineMb.toFixed(0)} MB before`,
      value: rss.growthMb,
      valueText: `${rss.growthMb.toFixed(1)} MB`,
      target: { direction: 'max', limit: 150, text: '< 150 MB', strict: true },
      note: `${fmtMs(memMs)}, peak RSS ${rss.peakMb.toFixed(0)} MB (${rss.samples} samples)`,
    },
  ];
}

// ---- 8: import ----

/** The register import through the real endpoint vs raw batched INSERTs of the same items. */
export async function benchDecisionImport(db: Kysely<Database>, client: Client, data: Dataset, rows: number, runs: number): Promise<Figure> {
  // A subdistrict of the data set: its villages get the imported rows, 5 items a meeting.
  // The import finds orgs by name: only villages whose name is unique in the province can be used.
  const villages = (
    await sql<{ id: number; name: string }>`
      SELECT min(id)::int AS id, name FROM org_unit
      WHERE path LIKE ${`${data.rootPath}%`} AND kind IN ('village', 'community') AND active
      GROUP BY name HAVING count(*) = 1 ORDER BY min(id) LIMIT ${Math.ceil(rows / 5)}`.execute(db)
  ).rows;
  let round = 0;
  const workbook = async (r: number) => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(IMPORT_SHEET);
    ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
    for (let i = 0; i < rows; i++) {
      const v = villages[Math.floor(i / 5)]!;
      ws.addRow([v.name, '两委联席会议', `2019-0${1 + (r % 9)}-15`, '09:00', '', '重大项目安排', `导入议题${r}-${i}`, 100000 + i, '举手表决', 5, 0, 0, '通过', '']);
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  };
  const files = await Promise.all(Array.from({ length: runs + 1 }, (_, r) => workbook(r)));
  const ours = async (i: number) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(files[i < 0 ? runs : i]!)]), 'register.xlsx');
    const res = await expectOk(await client.post('/api/decisions/register/import/commit', form), 'decision import');
    const text = await res.text();
    if (!text.includes('"result"')) throw new Error(`decision import failed: ${text.slice(-500)}`);
  };
  const raw = async (i: number) => {
    round++;
    const meetingIds: number[] = [];
    for (const v of villages) {
      const m = await db.insertInto('decision_meeting').values({ org_unit_id: v.id, kind: 'joint_committees', held_on: `2018-0${1 + (i < 0 ? 0 : i % 9)}-1${round % 10}`, held_time: '09:00', place: '', chair: '', recorder: '', notes: '', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
      meetingIds.push(m.id);
    }
    const values = Array.from({ length: rows }, (_, k) => ({
      meeting_id: meetingIds[Math.floor(k / 5)]!,
      org_unit_id: villages[Math.floor(k / 5)]!.id,
      seq: (k % 5) + 1,
      category: 'major_project' as const,
      title: `原始议题${round}-${k}`,
      amount_fen: (100000 + k) * 100,
      voting_method: 'show_of_hands' as const,
      votes_for: 5,
      votes_against: 0,
      votes_abstain: 0,
      outcome: 'adopted' as const,
      flags: [],
      updated_at: new Date(),
    }));
    for (let k = 0; k < values.length; k += 1000) await db.insertInto('decision_item').values(values.slice(k, k + 1000)).execute();
  };
  if (villages.length < Math.ceil(rows / 5)) throw new Error(`only ${villages.length} orgs with a unique name for ${rows} import rows`);
  const r = await paired({ warmup: 1, runs, ours, baseline: raw, budgetMs: 180_000 });
  const ratio = (rows / r.oursMs) / (rows / r.baselineMs);
  return {
    name: `8. register import, ${rows.toLocaleString('en')} rows`,
    ours: `${Math.round((rows / r.oursMs) * 1000).toLocaleString('en')} rows/s`,
    baseline: `${Math.round((rows / r.baselineMs) * 1000).toLocaleString('en')} rows/s raw INSERT`,
    value: ratio,
    valueText: fmtRatio(ratio),
    target: { direction: 'min', limit: 0.5, text: '≥ 0.50×' },
    note: `ours = upload, parse, validate, meetings, items, flags; raw = one meeting INSERT per 5 items + batched item INSERTs`,
  };
}
