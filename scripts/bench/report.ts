// Figure 1: GET /api/reports/committee-structure over the whole province (through the real app, as
// an org_office user at the root) vs the raw aggregate statement it stands on — the reports module's
// own builder (compileCommitteeStructureQuery), executed on the same connection, rows fetched.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { compileCommitteeStructureQuery } from '../../api/src/modules/reports/queries.ts';
import type { CommitteeStructureReport } from '../../api/src/modules/reports/rules.ts';
import type { Dataset } from './dataset.ts';
import { expectOk, type Client } from './http.ts';
import { fmtMs, fmtRatio, paired, type Figure } from './measure.ts';
import { floorQuery } from './floor.ts';

export interface ReportBench {
  figure: Figure;
  info: Figure[];
}

export async function benchReport(db: Kysely<Database>, client: Client, data: Dataset, runs: number): Promise<ReportBench> {
  const path = `/api/reports/committee-structure?org=${data.rootId}&asOf=${data.asOf}`;
  const compiled = compileCommitteeStructureQuery(db, { orgPath: data.rootPath, asOf: data.asOf });

  let bytes = 0;
  const ours = async () => {
    const res = await expectOk(await client.get(path), 'committee-structure report');
    bytes = (await res.arrayBuffer()).byteLength;
  };
  let rows = 0;
  const raw = async () => {
    rows = (await db.executeQuery(compiled)).rows.length;
  };

  // Warm-up, not timed: one of each. The endpoint's answer is checked against the data set.
  const check = (await (await expectOk(await client.get(path), 'committee-structure report')).json()) as CommitteeStructureReport;
  if (check.villages.current !== data.villages) throw new Error(`report counted ${check.villages.current} villages with a term in force, expected ${data.villages}`);
  await raw();

  // On a slow machine a full-scale round can take a minute: stop after ~3 minutes (at least one round).
  const r = await paired({ warmup: 0, runs, ours, baseline: raw, budgetMs: 180_000 });
  const ratio = r.oursMs / r.baselineMs;

  // Issue 12: the report's SQL against the floor, one set-based pass over the same posts and people.
  const floor = floorQuery(db, data.rootPath, data.asOf);
  await db.executeQuery(floor);
  const f = await paired({ warmup: 0, runs, ours: raw, baseline: async () => db.executeQuery(floor), budgetMs: 180_000 });
  const floorRatio = f.oursMs / f.baselineMs;

  return {
    figure: {
      name: `1. committee-structure report (${data.villages.toLocaleString('en')} villages)`,
      ours: fmtMs(r.oursMs),
      baseline: `${fmtMs(r.baselineMs)} raw SQL`,
      value: ratio,
      valueText: fmtRatio(ratio),
      target: { direction: 'max', limit: 1.3, text: '≤ 1.30×' },
      note: `${rows.toLocaleString('en')} rows → ${(bytes / 1048576).toFixed(1)} MB JSON; runs ours [${r.ours.map(fmtMs).join(', ')}] raw [${r.base.map(fmtMs).join(', ')}]`,
    },
    info: [
      {
        name: '1b. committee-structure SQL vs the floor',
        ours: `${fmtMs(f.oursMs)} report SQL`,
        baseline: `${fmtMs(f.baselineMs)} one pass over posts + people`,
        value: floorRatio,
        valueText: fmtRatio(floorRatio),
        target: { direction: 'max', limit: 3, text: '≤ 3.00×' },
        note: `runs SQL [${f.ours.map(fmtMs).join(', ')}] floor [${f.base.map(fmtMs).join(', ')}]`,
      },
    ],
  };
}
