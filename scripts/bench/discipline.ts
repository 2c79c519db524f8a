// Figure 10 (issue 7, must-have 13): the discipline ledger at province scale — 20 talks and 2 sanctions
// per village (1,000,000 talks and 100,000 sanctions at the default 50,000 villages), generated with
// INSERT … SELECT —
//   10a. GET /api/reports/integrity for the whole province vs its counting statement (the same one) ≤ 1.3×
//   10b. GET /api/reports/four-forms for the whole province vs its three statements           ≤ 1.3×
//   10c. eligibility of a 10,000-person candidate list vs one hand-written set-based query answering
//       eligible yes/no per person: GET /api/discipline/candidate-review (one page and the counts,
//       reasons as text) and ineligibility() (every reason, labelled)                        ≤ 1.3×
//   10d. GET /api/people/:id/archive.pdf (load, register, draw, hash) vs bare pdfkit drawing the same
//       pages from the same data (archive-bench.ts), for the bench person with most sanctions and
//       for a heavy archive (that person with 150 more talks and 8 more sanctions)          ≤ 1.5×
// Figures that take milliseconds get at least FAST_RUNS paired rounds: on a shared machine a median of
// three such rounds is mostly noise.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { archiveData } from '../../api/src/modules/discipline/archive.ts';
import { bareArchivePdf } from '../../api/src/modules/discipline/archive-bench.ts';
import { ineligibility } from '../../api/src/modules/discipline/eligibility.ts';
import { fourFormsBreakdown, integrityFiguresQuery } from '../../api/src/modules/discipline/figures.ts';
import type { BenchDb } from './engines.ts';
import type { Dataset } from './dataset.ts';
import { expectOk, loggedInClient, type Client } from './http.ts';
import { fmtMs, fmtRatio, paired, time, type Figure } from './measure.ts';

const TALKS_PER_VILLAGE = 20;
const SANCTIONS_PER_VILLAGE = 2;
const CANDIDATES = 10_000;
const FROM = '2019-01-01';
const TO = '2025-01-01';
const YEAR = 2022;
const FAST_RUNS = 15;
const HEAVY_TALKS = 150;
const HEAVY_SANCTIONS = 8;

/** Talks and sanctions for every village, set-based; returns the row counts. */
export async function buildLedger(db: Kysely<Database>, data: Dataset) {
  const scope = `${data.rootPath}%`;
  // One transaction: the temp table lives on one connection, and PostgreSQL's pool has several.
  const { talks, sanctions } = await db.transaction().execute(async (db) => {
    // Each village's people as an array, so that row k of a village picks a subject without a per-row lookup.
    await sql`
      CREATE TEMP TABLE bench_village_people ON COMMIT DROP AS
      SELECT p.org_unit_id, array_agg(p.id ORDER BY p.id) AS ids
      FROM person p JOIN org_unit o ON o.id = p.org_unit_id
      WHERE o.path LIKE ${scope} AND o.kind IN ('village', 'community')
      GROUP BY p.org_unit_id`.execute(db);
    // Kinds by row: 2 collective, 10 提醒, 1 诫勉, 1 警示, 2 函询, 2 廉政, 2 任前 per village and 20 rows.
    const talks = await sql`
      INSERT INTO talk (org_unit_id, kind, talk_date, subject_person_id, participant_count, leader_name, leader_title, topic, reply_due_date, influence_end)
      SELECT v.org_unit_id, x.kind, x.d,
             CASE WHEN x.kind = 'collective' THEN NULL ELSE v.ids[(k % array_length(v.ids, 1)) + 1] END,
             CASE WHEN x.kind = 'collective' THEN 20 + (v.org_unit_id + k) % 40 ELSE 1 END,
             '王纪委', '纪工委书记', '基准测试谈话',
             CASE WHEN x.kind = 'inquiry_letter' THEN x.d + 21 END,
             CASE WHEN x.kind = 'admonishment' THEN (x.d + interval '6 months')::date END
      FROM bench_village_people v
      CROSS JOIN generate_series(0, ${TALKS_PER_VILLAGE - 1}) AS k
      CROSS JOIN LATERAL (SELECT
        (CASE WHEN k < 2 THEN 'collective' WHEN k < 12 THEN 'reminder' WHEN k = 12 THEN 'admonishment' WHEN k = 13 THEN 'warning_talk'
              WHEN k < 16 THEN 'inquiry_letter' WHEN k < 18 THEN 'integrity' ELSE 'pre_appointment' END) AS kind,
        (date '2019-01-01' + ((v.org_unit_id * 37 + k * 101) % 2190)) AS d) x`.execute(db);
    const sanctions = await sql`
      INSERT INTO sanction (person_id, org_unit_id, system, type, probation_months, violation, authority, case_number, decision_date, effective_date, influence_end, criminal_referral)
      SELECT v.ids[((k * 7) % array_length(v.ids, 1)) + 1], v.org_unit_id, x.system, x.type,
             CASE WHEN x.type = 'probation' THEN 24 END,
             'integrity', '区纪委', '基准' || v.org_unit_id || '-' || k, x.d, x.d,
             CASE WHEN x.system = 'government' AND x.type = 'expulsion' THEN NULL ELSE (x.d + make_interval(months => x.months))::date END,
             (v.org_unit_id + k) % 97 = 0
      FROM bench_village_people v
      CROSS JOIN generate_series(0, ${SANCTIONS_PER_VILLAGE - 1}) AS k
      CROSS JOIN LATERAL (SELECT
        (CASE WHEN k = 0 THEN 'party' ELSE (ARRAY['party','government','organizational','party'])[v.org_unit_id % 4 + 1] END) AS system,
        (CASE WHEN k = 0 THEN 'warning' ELSE (ARRAY['serious_warning','demerit','position_adjustment','probation'])[v.org_unit_id % 4 + 1] END) AS type,
        (CASE WHEN k = 0 THEN 12 ELSE (ARRAY[18, 12, 12, 48])[v.org_unit_id % 4 + 1] END) AS months,
        (date '2019-01-01' + ((v.org_unit_id * 53 + k * 211) % 2190)) AS d) x`.execute(db);
    return { talks, sanctions };
  });
  await sql`ANALYZE talk`.execute(db);
  await sql`ANALYZE sanction`.execute(db);
  return { talks: Number(talks.numAffectedRows ?? 0), sanctions: Number(sanctions.numAffectedRows ?? 0) };
}

/** A long-serving person's archive: HEAVY_TALKS more talks and HEAVY_SANCTIONS more (older, expired) sanctions. */
async function heavyArchive(db: Kysely<Database>, personId: number) {
  await sql`
    INSERT INTO talk (org_unit_id, kind, talk_date, subject_person_id, participant_count, leader_name, leader_title, topic, outcome, reply_due_date, reply_date, influence_end)
    SELECT p.org_unit_id, x.kind, x.d, p.id, 1, '王纪委', '纪工委书记', '基准测试谈话：工作作风和廉洁自律情况第' || k || '次', '已谈话，本人表示接受',
           CASE WHEN x.kind = 'inquiry_letter' THEN x.d + 21 END, CASE WHEN x.kind = 'inquiry_letter' THEN x.d + 14 END,
           CASE WHEN x.kind = 'admonishment' THEN (x.d + interval '6 months')::date END
    FROM person p CROSS JOIN generate_series(1, ${HEAVY_TALKS}) AS k
    CROSS JOIN LATERAL (SELECT (ARRAY['reminder','integrity','inquiry_letter','pre_appointment','warning_talk','admonishment'])[k % 6 + 1] AS kind,
                               (date '2008-01-01' + k * 37) AS d) x
    WHERE p.id = ${personId}`.execute(db);
  await sql`
    INSERT INTO sanction (person_id, org_unit_id, system, type, violation, authority, case_number, decision_date, effective_date, influence_end)
    SELECT p.id, p.org_unit_id, 'party', 'warning', 'integrity', '区纪委', '基准历史' || k, d, d, (d + interval '12 months')::date
    FROM person p CROSS JOIN generate_series(1, ${HEAVY_SANCTIONS}) AS k CROSS JOIN LATERAL (SELECT date '2005-01-01' + k * 400 AS d) x
    WHERE p.id = ${personId}`.execute(db);
}

/** Eligible yes/no for each (person, day): the plainest set-based statement. */
function rawEligibility(db: Kysely<Database>, ids: number[], on: string) {
  return sql<{ id: number; eligible: boolean }>`
    SELECT c.id,
      NOT (EXISTS (SELECT 1 FROM sanction s WHERE s.person_id = c.id AND s.status = 'in_force' AND s.effective_date <= ${on}::date AND (s.influence_end IS NULL OR ${on}::date < s.influence_end))
        OR EXISTS (SELECT 1 FROM talk t WHERE t.subject_person_id = c.id AND t.kind = 'admonishment' AND t.talk_date <= ${on}::date AND ${on}::date < t.influence_end)
        OR EXISTS (SELECT 1 FROM person p WHERE p.id = c.id AND p.under_investigation AND (p.investigation_date IS NULL OR p.investigation_date <= ${on}::date))) AS eligible
    FROM unnest(${ids}::int[]) AS c(id)`.execute(db);
}

function ratioFigure(name: string, r: { oursMs: number; baselineMs: number; ours: number[]; base: number[]; oursCpuMs: number; baselineCpuMs: number }, baseline: string, limit: number, note: string): Figure {
  const ratio = r.oursMs / r.baselineMs;
  return {
    name,
    ours: fmtMs(r.oursMs),
    baseline: `${fmtMs(r.baselineMs)} ${baseline}`,
    value: ratio,
    valueText: fmtRatio(ratio),
    target: { direction: 'max', limit, text: `≤ ${limit.toFixed(2)}×` },
    note: `${note}this process's CPU ${fmtMs(r.oursCpuMs)} vs ${fmtMs(r.baselineCpuMs)} (${fmtRatio(r.oursCpuMs / Math.max(r.baselineCpuMs, 0.001))}); runs ours [${r.ours.map(fmtMs).join(', ')}] baseline [${r.base.map(fmtMs).join(', ')}]`,
  };
}

export async function benchDiscipline(bench: BenchDb, db: Kysely<Database>, app: Client['app'], data: Dataset, opts: { runs: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const built = await time(() => buildLedger(db, data));
  const client = await loggedInClient(bench, db, { username: 'bench_auditor', role: 'auditor', orgUnitId: data.rootId }, app);
  const setup = `${built.value.talks.toLocaleString('en')} talks, ${built.value.sanctions.toLocaleString('en')} sanctions (set up in ${fmtMs(built.ms)}); `;

  // ---- 6a: integrity figures, whole province, one year ----
  const integrityPath = `/api/reports/integrity?org=${data.rootId}&year=${YEAR}`;
  const q = integrityFiguresQuery({ orgPath: data.rootPath, from: `${YEAR}-01-01`, to: `${YEAR + 1}-01-01` });
  const check = (await (await expectOk(await client.get(integrityPath), 'integrity figures')).json()) as { figures: { collectiveTalks: number; individualTalks: number; partySanctionedPersons: number } };
  const rawTalks = (await q.execute(db)).rows[0]!;
  // And against plain counts written independently of FIGURE_DEFS.
  const plain = (
    await sql<{ collective: number; individual: number; party: number }>`
      SELECT (SELECT count(*) FROM talk t JOIN org_unit o ON o.id = t.org_unit_id WHERE o.path LIKE ${`${data.rootPath}%`} AND t.kind = 'collective'
                AND t.talk_date >= ${`${YEAR}-01-01`}::date AND t.talk_date < ${`${YEAR + 1}-01-01`}::date)::int AS collective,
             (SELECT count(*) FROM talk t JOIN org_unit o ON o.id = t.org_unit_id WHERE o.path LIKE ${`${data.rootPath}%`} AND t.kind IN ('reminder', 'admonishment', 'warning_talk')
                AND t.talk_date >= ${`${YEAR}-01-01`}::date AND t.talk_date < ${`${YEAR + 1}-01-01`}::date)::int AS individual,
             (SELECT count(DISTINCT s.person_id) FROM sanction s JOIN org_unit o ON o.id = s.org_unit_id WHERE o.path LIKE ${`${data.rootPath}%`} AND s.system = 'party' AND s.status = 'in_force'
                AND s.effective_date >= ${`${YEAR}-01-01`}::date AND s.effective_date < ${`${YEAR + 1}-01-01`}::date)::int AS party`.execute(db)
  ).rows[0]!;
  const got = check.figures;
  if (got.collectiveTalks !== rawTalks.collectiveTalks || got.collectiveTalks !== plain.collective || got.individualTalks !== plain.individual || got.partySanctionedPersons !== plain.party)
    throw new Error(`integrity figures: ${JSON.stringify(got)} vs plain counts ${JSON.stringify(plain)}`);
  const integrity = await paired({
    warmup: 1,
    runs: Math.max(opts.runs, FAST_RUNS),
    ours: async () => (await expectOk(await client.get(integrityPath), 'integrity figures')).arrayBuffer(),
    baseline: () => q.execute(db),
    budgetMs: 120_000,
  });
  figures.push(ratioFigure(`10a. integrity figures ${YEAR} (${data.villages.toLocaleString('en')} villages)`, integrity, 'raw SQL', 1.3, setup));

  // ---- 6b: four forms, whole province, six years ----
  const formsPath = `/api/reports/four-forms?org=${data.rootId}&from=${FROM}&to=${TO}`;
  const forms = await paired({
    warmup: 1,
    runs: Math.max(opts.runs, FAST_RUNS),
    ours: async () => (await expectOk(await client.get(formsPath), 'four forms')).arrayBuffer(),
    baseline: () => fourFormsBreakdown(db, { orgPath: data.rootPath, from: FROM, to: TO }),
    budgetMs: 120_000,
  });
  figures.push(ratioFigure(`10b. four forms ${FROM.slice(0, 4)}–${Number(TO.slice(0, 4)) - 1}`, forms, 'raw SQL', 1.3, ''));

  // ---- 6c: eligibility of 10,000 candidates on one election day ----
  const ids = (
    await sql<{ id: number }>`SELECT p.id FROM person p JOIN org_unit o ON o.id = p.org_unit_id WHERE o.path LIKE ${`${data.rootPath}%`} ORDER BY p.id LIMIT ${CANDIDATES}`.execute(db)
  ).rows.map((r) => r.id);
  const on = '2021-06-01';
  const checks = ids.map((id) => ({ key: String(id), personId: id, on }));
  const ours = await ineligibility(db, checks);
  const raw = (await rawEligibility(db, ids, on)).rows;
  const rawIneligible = raw.filter((r) => !r.eligible).length;
  if (ours.size !== rawIneligible) throw new Error(`eligibility: ${ours.size} ineligible, raw SQL ${rawIneligible}`);
  const elig = await paired({ warmup: 1, runs: Math.max(opts.runs, FAST_RUNS), ours: () => ineligibility(db, checks), baseline: () => rawEligibility(db, ids, on), budgetMs: 60_000 });
  figures.push(ratioFigure(`10c. eligibility, ${ids.length.toLocaleString('en')} candidates, ineligibility()`, elig, 'set-based SQL', 1.3, `${rawIneligible} ineligible on ${on} (ours with every reason and its label); `));
  // The 换届联审 endpoint: the whole list checked and counted, the first page of rows with reasons as text.
  const reviewPath = `/api/discipline/candidate-review?org=${data.rootId}&on=${on}&people=${ids.join(',')}`;
  const review = (await (await expectOk(await client.get(reviewPath), 'candidate review')).json()) as { total: number; ineligible: number };
  if (review.total !== ids.length || review.ineligible !== rawIneligible) throw new Error(`candidate review: ${review.total}/${review.ineligible}, raw SQL ${ids.length}/${rawIneligible}`);
  const reviewRun = await paired({
    warmup: 1,
    runs: Math.max(opts.runs, FAST_RUNS),
    ours: async () => (await expectOk(await client.get(reviewPath), 'candidate review')).arrayBuffer(),
    baseline: () => rawEligibility(db, ids, on),
    budgetMs: 60_000,
  });
  figures.push(ratioFigure(`10c. eligibility, ${ids.length.toLocaleString('en')} candidates, GET candidate-review`, reviewRun, 'set-based SQL', 1.3, 'one statement: scope, reasons, counts, first page of 50; '));

  // ---- 6d: one person's archive PDF ----
  const person = (
    await sql<{ id: number }>`SELECT s.person_id AS id FROM sanction s JOIN org_unit o ON o.id = s.org_unit_id WHERE o.path LIKE ${`${data.rootPath}%`}
      GROUP BY s.person_id ORDER BY count(*) DESC, s.person_id LIMIT 1`.execute(db)
  ).rows[0]!.id;
  const archivePdf = async (label: string) => {
    const archive = (await archiveData(db, data.rootPath, person, '2024-06-30'))!;
    let bytes = 0;
    let pages = 0;
    let oursPages = 0;
    const pdf = await paired({
      warmup: 1,
      runs: Math.max(opts.runs, 7),
      ours: async () => {
        const body = await (await expectOk(await client.get(`/api/people/${person}/archive.pdf`), 'archive PDF')).arrayBuffer();
        bytes = body.byteLength;
        oursPages = (Buffer.from(body).toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
      },
      baseline: async () => (pages = (await bareArchivePdf(archive)).pages),
      budgetMs: 90_000,
    });
    figures.push(
      ratioFigure(
        `10d. integrity archive PDF, ${label}`,
        pdf,
        'bare pdfkit',
        1.5,
        `${archive.talks.length} talks, ${archive.sanctions.length} sanctions, ${archive.posts.length} posts, ${oursPages} pages (bare ${pages}), ${(bytes / 1024).toFixed(0)} KB; ours loads (7 statements), registers and audits, draws, hashes; `,
      ),
    );
  };
  await archivePdf('bench person');
  await heavyArchive(db, person);
  await archivePdf('heavy archive');
  return figures;
}
