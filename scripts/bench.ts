// pnpm bench — issue 3, must-have 9. Builds a province-scale data set in a scratch database per engine
// (PGlite in memory; PostgreSQL when TEST_DATABASE_URL / DATABASE_URL is set or 127.0.0.1:5432 answers)
// and prints, measured in the same run, each of our figures against its baseline:
//   1. committee-structure report endpoint vs the raw aggregate SQL      target ≤ 1.3×
//   2. roster import rows/s vs raw batched INSERTs                       target ≥ 0.5×
//   3. roster PDF (1,000 and 10,000 rows) vs bare pdfkit, same font      target ≤ 1.5×
//   4. peak RSS growth while the roster PDF endpoint streams ~10k rows    target < 150 MB
//   5. pledges (issue 8): campaign dashboard vs raw SQL ≤ 1.3×; signing via the API (2 clients) next to a
//      raw INSERT; 1,000-pledge combined PDF vs bare pdfkit ≤ 1.5×        (scripts/bench/pledges.ts)
// and issue 6's 三重一大 figures (scripts/bench/decisions.ts, part `decisions`): 20 items a village
//   6. decisions statistics endpoint vs its raw statement                 target ≤ 1.3×
//   7. register PDF, 10,000 rows, vs bare pdfkit                          target ≤ 1.5×
//   8. peak RSS growth while that register PDF is drawn and streamed     target < 150 MB
//   9. register import rows/s vs raw batched INSERTs                      target ≥ 0.5×
// and issue 7's discipline figures (scripts/bench/discipline.ts, part `discipline`): 20 talks and 2
// sanctions a village — 10a/10b integrity figures and four forms vs raw SQL ≤ 1.3×; 10c eligibility of
// 10,000 candidates vs one set-based query ≤ 1.3×; 10d archive PDF vs bare pdfkit ≤ 1.5×
// and issue 9's annual summary (scripts/bench/summary.ts, part `summary`): 11a the province's summary
// through the API vs the sum of its own statements run directly ≤ 1.3×; 11b a subdistrict's summary
// Exit status 0 even when a target is missed (the table says PASS/FAIL); non-zero when something crashes.
//
// Options: --engine pglite|postgresql   --villages N (default 50000)   --runs N (default 5; fewer when a figure's rounds pass its time budget)
//          --import-rows N (default 3000)   --pledge-signs N (default 100)   --only report,import,pdf,memory,pledges,decisions,discipline,http,summary
//          --http-seconds N (default 5: one load round)   --connections N (default 10)
//   http (issue 12): autocannon against a server in another process per route class, vs bare Hono,
//      the route without a session and the route's own queries run directly (scripts/bench/load.ts)
import { fork } from 'node:child_process';
import { sql } from 'kysely';
import { generateDataKey } from '@qingfeng/db';
import { buildDataset, type Dataset } from './bench/dataset.ts';
import { disposeAll, findPostgresServer, openPglite, openPostgres, type BenchDb } from './bench/engines.ts';
import { loggedInClient } from './bench/http.ts';
import { benchImport } from './bench/import.ts';
import { passes, type Figure } from './bench/measure.ts';
import { benchPdfStream, benchPdfTables } from './bench/pdf.ts';
import { benchReport } from './bench/report.ts';
import { benchHttp } from './bench/load.ts';
import { benchPledges } from './bench/pledges.ts';
import { benchDecisionImport, benchDecisionStatistics, benchRegisterPdf, buildDecisions } from './bench/decisions.ts';
import { benchDiscipline } from './bench/discipline.ts';
import { benchSummary } from './bench/summary.ts';

type Part = 'report' | 'import' | 'pdf' | 'memory' | 'pledges' | 'decisions' | 'discipline' | 'http' | 'summary';
const PARTS: Part[] = ['report', 'import', 'pdf', 'memory', 'pledges', 'decisions', 'discipline', 'http', 'summary'];

function parseArgs(argv: string[]) {
  const opts = { engines: null as ('pglite' | 'postgresql')[] | null, villages: 50_000, runs: 5, importRows: 3000, pledgeSigns: 100, httpSeconds: 5, connections: 10, only: new Set<Part>(PARTS), child: false };
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (min: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag}: an integer ≥ ${min} expected`);
      return n;
    };
    if (flag === '--engine') {
      const e = value();
      if (e !== 'pglite' && e !== 'postgresql') throw new Error('--engine: pglite or postgresql');
      opts.engines = [e];
    } else if (flag === '--villages') opts.villages = int(10);
    else if (flag === '--runs') opts.runs = int(1);
    else if (flag === '--import-rows') opts.importRows = int(3);
    else if (flag === '--http-seconds') opts.httpSeconds = int(1);
    else if (flag === '--connections') opts.connections = int(1);
    else if (flag === '--pledge-signs') opts.pledgeSigns = int(2);
    else if (flag === '--only') {
      const parts = value().split(',');
      for (const p of parts) if (!PARTS.includes(p as Part)) throw new Error(`--only: one or more of ${PARTS.join(',')}`);
      opts.only = new Set(parts as Part[]);
    } else if (flag === '--child') opts.child = true;
    else if (flag === '--help' || flag === '-h') {
      console.log('pnpm bench [-- --engine pglite|postgresql] [--villages N] [--runs N] [--import-rows N] [--pledge-signs N] [--only report,import,pdf,memory,pledges,decisions,discipline,http,summary] [--http-seconds N] [--connections N]');
      process.exit(0);
    } else throw new Error(`unknown option ${flag}`);
  }
  return opts;
}

const log = (s: string) => console.log(`[bench] ${s}`);

function printTable(engine: string, figures: readonly Figure[]) {
  const head = ['figure', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const rows = figures.map((f) => {
    const ok = passes(f);
    return [f.name, f.ours, f.baseline, f.valueText, f.target?.text ?? '(info)', ok === null ? '' : ok ? 'PASS' : 'FAIL'];
  });
  // Column widths by display width (CJK and × count as they print in a terminal).
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd();
  console.log(`\n=== ${engine} ===`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  figures.forEach((f, i) => {
    console.log(line(rows[i]!));
    if (f.note) console.log(`      ${f.note}`);
  });
}

async function rosterRowsOn(bench: BenchDb, data: Dataset, countyPath: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM post p JOIN term t ON t.id = p.term_id JOIN org_unit o ON o.id = p.org_unit_id
    WHERE o.path LIKE ${`${countyPath}%`} AND t.start_date <= ${data.asOf}::date AND (t.end_date IS NULL OR t.end_date > ${data.asOf}::date)
      AND p.start_date <= ${data.asOf}::date AND (p.end_date IS NULL OR p.end_date > ${data.asOf}::date)`.execute(bench.handle.db);
  return r.rows[0]!.n;
}

async function runEngine(bench: BenchDb, opts: ReturnType<typeof parseArgs>): Promise<Partial<Record<Part, Figure[]>>> {
  const db = bench.handle.db;
  const byPart: Partial<Record<Part, Figure[]>> = {};
  log(`${bench.engine}: building ${opts.villages.toLocaleString('en')} villages …`);
  const data = await buildDataset(db, opts.villages, log);
  log(
    `${bench.engine}: data set ready in ${(data.ms / 1000).toFixed(1)} s — ${data.counties.length} counties, ${data.subdistricts} subdistricts, ` +
      `${data.villages.toLocaleString('en')} villages, ${data.terms.toLocaleString('en')} terms, ${data.people.toLocaleString('en')} people, ${data.posts.toLocaleString('en')} posts`,
  );
  const client = await loggedInClient(bench, db, { username: 'bench_office', role: 'org_office', orgUnitId: data.rootId });

  // The memory probe first, while this process has done nothing big besides loading the data.
  if (opts.only.has('memory')) {
    const rows = await rosterRowsOn(bench, data, data.counties[0]!.path);
    log(`${bench.engine}: 4. roster PDF endpoint streaming ${rows.toLocaleString('en')} rows …`);
    const r = await benchPdfStream(db, client, data, rows);
    byPart.memory = [r.figure, ...r.info];
  }
  if (opts.only.has('report')) {
    log(`${bench.engine}: 1. committee-structure report …`);
    const r = await benchReport(db, client, data, opts.runs);
    byPart.report = [r.figure, ...r.info];
  }
  if (opts.only.has('import')) {
    log(`${bench.engine}: 2. roster import (${opts.importRows.toLocaleString('en')} rows) …`);
    const r = await benchImport(db, client, data, { rows: opts.importRows, runs: opts.runs });
    byPart.import = [r.figure, ...r.info];
  }
  if (opts.only.has('pledges')) {
    log(`${bench.engine}: 5. pledges (campaign of every person, ${opts.pledgeSigns} signatures through the API, 1,000-pledge PDF) …`);
    byPart.pledges = await benchPledges(db, client, data, { runs: opts.runs, signs: opts.pledgeSigns });
  }
  if (opts.only.has('decisions')) {
    log(`${bench.engine}: building the 三重一大 set (20 items a village) …`);
    const d = await buildDecisions(db, data, log);
    log(`${bench.engine}: ${d.meetings.toLocaleString('en')} meetings, ${d.items.toLocaleString('en')} items in ${(d.ms / 1000).toFixed(1)} s`);
    log(`${bench.engine}: 6. decisions statistics …`);
    const stats = await benchDecisionStatistics(db, client, data, opts.runs, d.items);
    log(`${bench.engine}: 9. register import (${opts.importRows.toLocaleString('en')} rows) …`);
    const imp = await benchDecisionImport(db, client, data, opts.importRows, Math.min(opts.runs, 3));
    byPart.decisions = [stats, imp];
  }
  if (opts.only.has('discipline')) {
    log(`${bench.engine}: 10. discipline (${(opts.villages * 20).toLocaleString('en')} talks, ${(opts.villages * 2).toLocaleString('en')} sanctions; figures, four forms, eligibility, archive PDF) …`);
    byPart.discipline = await benchDiscipline(bench, db, client.app, data, { runs: opts.runs });
  }
  if (opts.only.has('summary')) {
    log(`${bench.engine}: 11. annual summary (builds the decisions, talks, sanctions and pledges it reads when missing) …`);
    byPart.summary = await benchSummary(bench, db, client.app, data, { runs: opts.runs }, log);
  }
  return byPart;
}

const ENGINE_TITLES = { pglite: 'PGlite (memory://)', postgresql: 'PostgreSQL (scratch database)' } as const;

/** Child mode: one engine in this process, figures back to the parent over IPC. */
async function child(opts: ReturnType<typeof parseArgs>, pgServer: string | null) {
  const engine = opts.engines![0]!;
  const bench = engine === 'pglite' ? await openPglite() : await openPostgres(pgServer!);
  try {
    const byPart = await runEngine(bench, opts);
    await new Promise<void>((resolve, reject) => process.send!({ byPart }, (err: Error | null) => (err ? reject(err) : resolve())));
  } finally {
    await bench.dispose();
  }
}

/** Runs one engine in a fresh process (clean memory baseline, crash isolation). */
function runChild(engine: 'pglite' | 'postgresql', argv: string[]): Promise<Partial<Record<Part, Figure[]>>> {
  return new Promise((resolve, reject) => {
    const args = [...argv.filter((a) => a !== '--'), '--engine', engine, '--child'];
    const proc = fork(process.argv[1]!, args, { stdio: 'inherit', execArgv: process.execArgv });
    let result: Partial<Record<Part, Figure[]>> | null = null;
    proc.on('message', (m: { byPart?: Partial<Record<Part, Figure[]>> }) => {
      if (m.byPart) result = m.byPart;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`${engine} run failed (exit ${code ?? signal})`));
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  const env = { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL, DATABASE_URL: process.env.DATABASE_URL };
  // createDb() would pick DATABASE_URL up for PGlite too: this process chooses engines itself.
  delete process.env.DATABASE_URL;
  // Scratch databases only: a throwaway data key for ID numbers at rest, inherited by child processes.
  if (!process.env.QINGFENG_DATA_KEY && !process.env.QINGFENG_DATA_KEY_FILE) process.env.QINGFENG_DATA_KEY = generateDataKey().raw.toString('base64');
  const pgServer = !opts.engines || opts.engines.includes('postgresql') ? await findPostgresServer(env) : null;
  if (opts.child) return child(opts, pgServer);

  const engines = opts.engines ?? (pgServer ? ['pglite', 'postgresql'] : ['pglite']);
  if (engines.includes('postgresql') && !pgServer) throw new Error('--engine postgresql: no PostgreSQL (set TEST_DATABASE_URL or DATABASE_URL, or run one on 127.0.0.1:5432)');
  if (!pgServer && !opts.engines) log('no PostgreSQL found (TEST_DATABASE_URL, DATABASE_URL, 127.0.0.1:5432): PGlite only');
  log(`engines: ${engines.join(', ')}; ${opts.villages.toLocaleString('en')} villages; up to ${opts.runs} runs; import ${opts.importRows} rows; parts: ${[...opts.only].join(',')}`);

  const started = performance.now();
  const results: { engine: string; byPart: Partial<Record<Part, Figure[]>> }[] = [];
  const crashes: string[] = [];
  // Each engine in its own process, one after the other (the memory figure needs a clean process).
  const dbParts = [...opts.only].filter((p) => p !== 'pdf' && p !== 'http');
  for (const engine of engines) {
    if (dbParts.length === 0) break;
    const t = performance.now();
    try {
      const byPart = await runChild(engine, argv);
      results.push({ engine: ENGINE_TITLES[engine], byPart });
      log(`${engine}: done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    } catch (err) {
      crashes.push((err as Error).message);
      console.error(`[bench] ${(err as Error).message}`);
    }
  }
  // Figure 3 draws synthetic rows without a database: measured once, here, and shown for each engine.
  let registerPdf: Figure[] = [];
  if (opts.only.has('decisions')) {
    log('6./7. register PDF vs bare pdfkit, and its memory (no database: measured once for both engines) …');
    registerPdf = await benchRegisterPdf(10_000);
  }
  let pdf: Figure[] = [];
  if (opts.only.has('pdf')) {
    log('3. roster PDF vs bare pdfkit (no database: measured once for both engines) …');
    pdf = await benchPdfTables([1_000, 10_000]);
  }
  if ((pdf.length || registerPdf.length) && results.length === 0) results.push({ engine: 'no database', byPart: {} });

  // HTTP: the load generator here, the server in a process of its own per engine.
  if (opts.only.has('http')) {
    for (const engine of engines) {
      const t = performance.now();
      try {
        const http = await benchHttp(engine, engine === 'postgresql' ? pgServer : null, { villages: opts.villages, runs: opts.runs, seconds: opts.httpSeconds, connections: opts.connections }, log);
        const title = ENGINE_TITLES[engine];
        const entry = results.find((r) => r.engine === title);
        if (entry) entry.byPart.http = http;
        else results.push({ engine: title, byPart: { http } });
        log(`${engine}: http done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      } catch (err) {
        crashes.push(`${engine} http: ${(err as Error).message}`);
        console.error(`[bench] ${engine} http: ${(err as Error).stack ?? (err as Error).message}`);
      }
    }
  }

  let failed = 0;
  let total = 0;
  for (const r of results) {
    const figures = PARTS.flatMap((p) => (p === 'pdf' ? pdf : p === 'decisions' ? [...(r.byPart.decisions ?? []).slice(0, 1), ...registerPdf, ...(r.byPart.decisions ?? []).slice(1)] : (r.byPart[p] ?? [])));
    printTable(r.engine, figures);
    for (const f of figures) {
      const ok = passes(f);
      if (ok === null) continue;
      total++;
      if (!ok) failed++;
    }
  }
  console.log(`\nbench: ${total - failed} of ${total} targets met, ${failed} missed (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (crashes.length) throw new Error(`crashed: ${crashes.join('; ')}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void disposeAll().finally(() => process.exit(130));
  });

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error('[bench] crashed:', err instanceof Error ? (err.stack ?? err.message) : err);
    await disposeAll();
    process.exit(1);
  },
);
