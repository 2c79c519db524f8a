// Figure 11 (issue 9, must-have 9): the annual summary (GET /api/reports/annual-summary) on the
// province-scale data set, with the records it reads built by the other parts' builders when they are not
// there yet: the rosters (data set), 20 三重一大 items a village in 2021 (decisions.ts), 20 talks and 2
// sanctions a village over 2019–2024 (discipline.ts), one pledge campaign with three in five people signed
// in 2021 (pledges.ts).
//   11a. the province's summary through the API vs the sum of its own SQL statements run directly,
//        one after the other (the same compiled statements, captured from the summary's queries)  ≤ 1.3×
//   11b. one subdistrict's summary through the API, absolute                                  well under 1 s
import { sql, type CompiledQuery, type Kysely, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import type { Database } from '@qingfeng/db';
import { findSummaryOrg, summaryChecks, summaryFigures } from '../../api/src/modules/summary/queries.ts';
import { drawnSignaturePng } from '../../api/src/modules/pledges/png.ts';
import type { BenchDb } from './engines.ts';
import type { Dataset } from './dataset.ts';
import { buildDecisions } from './decisions.ts';
import { buildLedger } from './discipline.ts';
import { expectOk, loggedInClient, type Client } from './http.ts';
import { fmtMs, fmtRatio, median, paired, time, type Figure } from './measure.ts';
import { newCampaign, rawSignatures } from './pledges.ts';

const YEAR = 2021;
// The summary's checks compare 函询 due dates with today; the bench fixes today for both sides.
const TODAY = '2026-12-02';

const exists = async (db: Kysely<Database>, table: 'decision_meeting' | 'talk') =>
  (await sql<{ n: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table)}) AS n`.execute(db)).rows[0]!.n;

/** What the summary reads, built only where another part has not built it already. */
async function buildSummaryRecords(db: Kysely<Database>, data: Dataset, log: (s: string) => void) {
  const t = performance.now();
  if (!(await exists(db, 'decision_meeting'))) await buildDecisions(db, data, log);
  if (!(await exists(db, 'talk'))) await buildLedger(db, data);
  // Pledges: the pledges part signs "now"; the summary counts 2021, so a campaign of its own.
  const campaign = await newCampaign(db, data, '基准测试2021年承诺书');
  const user = await db.selectFrom('app_user').select('id').where('username', '=', 'bench_office').executeTakeFirstOrThrow();
  await sql`
    INSERT INTO pledge_signer (campaign_id, person_id, added_at)
    SELECT ${campaign.id}, p.id, now() FROM person p JOIN org_unit o ON o.id = p.org_unit_id
    WHERE o.path LIKE ${`${data.rootPath}%`}`.execute(db);
  const signedAt = sql`timestamptz '2021-03-15 10:00:00+08' + (ps.person_id % 200) * interval '1 day'`;
  const signed = await rawSignatures(db, campaign, user.id, drawnSignaturePng(3), sql`ps.person_id % 5 < 3`, signedAt);
  await sql`ANALYZE`.execute(db);
  return { signed, ms: performance.now() - t };
}

/** Runs `fn` on a Kysely that records every statement it executes, compiled exactly as sent. */
async function captureStatements(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const seen: { node: RootOperationNode; queryId: QueryId }[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      seen.push(args);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  await fn(db.withPlugin(plugin));
  const executor = db.getExecutor();
  return seen.map((s) => executor.compileQuery(s.node, s.queryId));
}

export async function benchSummary(bench: BenchDb, db: Kysely<Database>, app: Client['app'], data: Dataset, opts: { runs: number }, log: (s: string) => void): Promise<Figure[]> {
  const built = await buildSummaryRecords(db, data, log);
  const client = await loggedInClient(bench, db, { username: 'bench_summary', role: 'inspector', orgUnitId: data.rootId }, app);
  const counts = (
    await sql<{ items: number; talks: number; sanctions: number }>`
      SELECT (SELECT count(*) FROM decision_item)::int AS items, (SELECT count(*) FROM talk)::int AS talks, (SELECT count(*) FROM sanction)::int AS sanctions`.execute(db)
  ).rows[0]!;
  const setup =
    `${counts.items.toLocaleString('en')} items, ${counts.talks.toLocaleString('en')} talks, ${counts.sanctions.toLocaleString('en')} sanctions, ` +
    `${built.signed.toLocaleString('en')} pledges in ${YEAR} (summary records set up in ${fmtMs(built.ms)}); `;

  // The statements the summary runs for the province, captured from its own query functions.
  const statements = await captureStatements(db, async (cdb) => {
    const org = (await findSummaryOrg(cdb, data.rootPath, data.rootId))!;
    await Promise.all([summaryFigures(cdb, org, YEAR), summaryChecks(cdb, org.path, YEAR, TODAY)]);
  });
  const rawSum = async () => {
    for (const q of statements) await db.executeQuery(q);
  };
  const path = `/api/reports/annual-summary?org=${data.rootId}&year=${YEAR}`;
  const check = (await (await expectOk(await client.get(path), 'annual summary')).json()) as { figures: { decisions: number; pledgesSigned: number } };
  const org = (await findSummaryOrg(db, data.rootPath, data.rootId))!;
  const direct = await summaryFigures(db, org, YEAR);
  if (check.figures.decisions !== direct.decisions.decisions || check.figures.pledgesSigned !== built.signed)
    throw new Error(`annual summary: ${check.figures.decisions} decisions / ${check.figures.pledgesSigned} pledges, direct ${direct.decisions.decisions} / ${built.signed}`);
  const province = await paired({
    warmup: 1,
    runs: opts.runs,
    ours: async () => (await expectOk(await client.get(path), 'annual summary')).arrayBuffer(),
    baseline: rawSum,
    budgetMs: 180_000,
  });
  const ratio = province.oursMs / province.baselineMs;
  // Where the time goes: each statement once, the slowest named (the first words of its SQL).
  const each: { ms: number; sql: string }[] = [];
  for (const q of statements) each.push({ ms: (await time(() => db.executeQuery(q))).ms, sql: q.sql.replace(/\s+/g, ' ').trim().slice(0, 70) });
  const slowest = [...each].sort((a, b) => b.ms - a.ms).slice(0, 2).map((e) => `${fmtMs(e.ms)} «${e.sql}…»`).join(', ');
  const figures: Figure[] = [
    {
      name: `11a. annual summary ${YEAR}, province (${data.villages.toLocaleString('en')} villages)`,
      ours: fmtMs(province.oursMs),
      baseline: `${fmtMs(province.baselineMs)} sum of its ${statements.length} statements`,
      value: ratio,
      valueText: fmtRatio(ratio),
      target: { direction: 'max', limit: 1.3, text: '≤ 1.30×' },
      note: `${setup}${check.figures.decisions.toLocaleString('en')} decisions counted; slowest statements ${slowest}; runs ours [${province.ours.map(fmtMs).join(', ')}] raw [${province.base.map(fmtMs).join(', ')}]`,
    },
  ];

  // One subdistrict (the one with most villages): the office's everyday request.
  const sd = (
    await sql<{ id: number; name: string; villages: number }>`
      SELECT s.id, s.name, (SELECT count(*) FROM org_unit v WHERE v.path LIKE s.path || '%' AND v.kind IN ('village', 'community'))::int AS villages
      FROM org_unit s WHERE s.kind = 'subdistrict' AND s.path LIKE ${`${data.rootPath}%`} ORDER BY 3 DESC, s.id LIMIT 1`.execute(db)
  ).rows[0]!;
  const sdPath = `/api/reports/annual-summary?org=${sd.id}&year=${YEAR}`;
  await expectOk(await client.get(sdPath), 'subdistrict summary');
  const runs: number[] = [];
  for (let i = 0; i < Math.max(opts.runs, 3); i++) runs.push((await time(async () => (await expectOk(await client.get(sdPath), 'subdistrict summary')).arrayBuffer())).ms);
  const sdMs = median(runs);
  figures.push({
    name: `11b. annual summary ${YEAR}, one subdistrict (${sd.villages} villages)`,
    ours: fmtMs(sdMs),
    baseline: '—',
    value: sdMs,
    valueText: fmtMs(sdMs),
    target: { direction: 'max', limit: 500, text: '< 500 ms' },
    note: `runs [${runs.map(fmtMs).join(', ')}]`,
  });
  return figures;
}
