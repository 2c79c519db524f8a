// Figure 2: roster import throughput. Ours = POST /api/roster/import/commit through the real app with
// a generated .xlsx (multipart upload, xlsx parsing, planning against the database with the village
// locks, batched writes, audit event, NDJSON progress stream read to the end): PARSE TIME INCLUDED.
// Baseline = the same kind of rows (terms, people, posts) written with plain batched INSERTs in one
// transaction, no checks. Each run writes into its own set of empty villages with fresh ID numbers,
// so every run is a first import (nothing matched, everything created).
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { IMPORT_COLUMNS, parseRosterWorkbook, ROSTER_SHEET, type ImportColumnKey } from '../../api/src/modules/roster/excel.ts';
import { COMMITTEE_LABELS, EDUCATION_LABELS, ETHNICITIES, GENDER_LABELS, POLITICAL_STATUS_LABELS, POSITION_LABELS, POST_HOW_LABELS } from '../../api/src/modules/roster/labels.ts';
import type { EducationLevel, PoliticalStatus } from '@qingfeng/db';
import { sealIdNumber } from '@qingfeng/db';
import { addEmptyVillages, type Dataset } from './dataset.ts';
import { expectOk, type Client } from './http.ts';
import { fmtMs, fmtRatio, median, paired, time, type Figure } from './measure.ts';
import { modelPerson, type ModelPerson } from './names.ts';

/** ID-number region of imported people (the data set uses 370102). */
const REGION = '370203';
const ELECTION = '2021-03-15';

interface PlannedPost {
  village: { id: number; name: string };
  person: ModelPerson;
  committee: 'party' | 'residents';
  position: 'secretary' | 'deputy_secretary' | 'member' | 'director' | 'deputy_director';
}

/** One term per village, three posts per village, the data set's pattern (一肩挑 in 6 villages of 7). */
function planRows(villages: readonly { id: number; name: string }[]): PlannedPost[] {
  const rows: PlannedPost[] = [];
  villages.forEach((village, i) => {
    const v = i + 1;
    // Person numbers from the village id: unique in the database, however often this runs.
    const n = village.id * 3;
    const a = modelPerson(n + 1, REGION, true);
    const b = modelPerson(n + 2, REGION, false);
    const c = v % 7 === 0 ? modelPerson(n + 3, REGION, true) : a;
    rows.push({ village, person: a, committee: 'party', position: 'secretary' });
    rows.push({ village, person: c, committee: 'residents', position: 'director' });
    rows.push(v % 3 === 0 ? { village, person: b, committee: 'party', position: 'deputy_secretary' } : { village, person: b, committee: 'residents', position: 'member' });
  });
  return rows;
}

/** The import file, laid out by the roster module's own column list. */
async function buildWorkbook(rows: readonly PlannedPost[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(ROSTER_SHEET);
  ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
  for (const r of rows) {
    const p = r.person;
    const value: Record<ImportColumnKey, string | number> = {
      village: r.village.name,
      ordinal: 1,
      electionDate: ELECTION,
      name: p.name,
      gender: GENDER_LABELS[p.gender],
      idNumber: p.idNumber,
      birthDate: p.birthDate,
      ethnicity: ETHNICITIES.get(p.ethnicity)!,
      politicalStatus: POLITICAL_STATUS_LABELS[p.politicalStatus],
      partyJoinDate: p.partyJoinDate ?? '',
      educationFullTime: EDUCATION_LABELS[p.educationFullTime as EducationLevel],
      educationHighest: EDUCATION_LABELS[p.educationHighest as EducationLevel],
      phone: p.phone,
      isVeteran: p.isVeteran ? '是' : '否',
      committee: COMMITTEE_LABELS[r.committee],
      position: (POSITION_LABELS[r.committee] as Record<string, string>)[r.position]!,
      startDate: ELECTION,
      endDate: '',
      endReason: '',
      how: POST_HOW_LABELS.elected,
    };
    ws.addRow(IMPORT_COLUMNS.map((c) => value[c.key]));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads the NDJSON stream to its end; the last line must be the committed result. */
async function commit(client: Client, file: Buffer, expectedPosts: number): Promise<void> {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(file)], 'roster.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const res = await expectOk(await client.post('/api/roster/import/commit', form), 'roster import');
  const lines = (await res.text()).trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]!) as { result?: { summary: { posts: { create: number } } }; error?: unknown };
  if (!last.result) throw new Error(`roster import failed: ${JSON.stringify(last.error).slice(0, 1000)}`);
  if (last.result.summary.posts.create !== expectedPosts) throw new Error(`roster import created ${last.result.summary.posts.create} posts, expected ${expectedPosts}`);
}

/** The baseline: the same rows with plain batched INSERTs (≤ 1,000 rows a statement), one transaction. */
async function rawInsert(db: Kysely<Database>, rows: readonly PlannedPost[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const villages = [...new Map(rows.map((r) => [r.village.id, r.village])).values()];
    const termOf = new Map<number, number>();
    for (let i = 0; i < villages.length; i += 1000) {
      const batch = villages.slice(i, i + 1000);
      const r = await trx
        .insertInto('term')
        .values(batch.map((v) => ({ org_unit_id: v.id, ordinal: 1, election_date: ELECTION, start_date: ELECTION, end_date: null })))
        .returning(['id', 'org_unit_id'])
        .execute();
      for (const t of r) termOf.set(t.org_unit_id, t.id);
    }
    const people = [...new Map(rows.map((r) => [r.person.idNumber, r])).values()];
    const personOf = new Map<string, number>();
    const now = new Date();
    for (let i = 0; i < people.length; i += 500) {
      const batch = people.slice(i, i + 500);
      const r = await trx
        .insertInto('person')
        .values(
          batch.map(({ person: p, village }) => ({
            org_unit_id: village.id,
            name: p.name,
            gender: p.gender,
            ...sealIdNumber(trx, p.idNumber),
            birth_date: p.birthDate,
            ethnicity: p.ethnicity,
            political_status: p.politicalStatus as PoliticalStatus,
            party_join_date: p.partyJoinDate,
            education_full_time: p.educationFullTime as EducationLevel,
            education_highest: p.educationHighest as EducationLevel,
            phone: p.phone,
            is_veteran: p.isVeteran,
            updated_at: now,
          })),
        )
        .returning(['id'])
        .execute();
      r.forEach((x, k) => personOf.set(batch[k]!.person.idNumber, x.id));
    }
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await trx
        .insertInto('post')
        .values(
          batch.map((r) => ({
            person_id: personOf.get(r.person.idNumber)!,
            org_unit_id: r.village.id,
            term_id: termOf.get(r.village.id)!,
            committee: r.committee,
            position: r.position,
            start_date: ELECTION,
            end_date: null,
            end_reason: null,
            how: 'elected' as const,
          })),
        )
        .execute();
    }
  });
}

export async function benchImport(db: Kysely<Database>, client: Client, data: Dataset, opts: { rows: number; runs: number }): Promise<{ figure: Figure; info: Figure[] }> {
  const perSet = Math.max(1, Math.round(opts.rows / 3));
  const rounds = opts.runs + 1; // + warm-up
  const sets = await addEmptyVillages(db, { id: data.rootId, path: data.rootPath }, rounds * 2, perSet);
  // Files are built before timing starts (building them is the user's job, not ours).
  const plans = sets.map((villages) => planRows(villages));
  const files: (Buffer | null)[] = [];
  for (let s = 0; s < plans.length; s++) files.push(s % 2 === 0 ? await buildWorkbook(plans[s]!) : null);
  const rows = plans[0]!.length;

  const setOf = (i: number, which: 0 | 1) => (i < 0 ? 0 : (i + 1) * 2) + which;
  const r = await paired({
    warmup: 1,
    runs: opts.runs,
    ours: (i) => commit(client, files[setOf(i, 0)]!, plans[setOf(i, 0)]!.length),
    baseline: (i) => rawInsert(db, plans[setOf(i, 1)]!),
    budgetMs: 120_000,
  });
  const oursRate = rows / (r.oursMs / 1000);
  const rawRate = rows / (r.baselineMs / 1000);

  // Information: how much of our time is reading the workbook (same files, no database).
  const parse: number[] = [];
  for (let i = 0; i < Math.min(3, opts.runs); i++) parse.push((await time(() => parseRosterWorkbook(new Uint8Array(files[0]!)))).ms);
  const parseMs = median(parse);
  const noParseRate = rows / ((r.oursMs - parseMs) / 1000);

  const fmtRate = (x: number) => `${Math.round(x).toLocaleString('en')} rows/s`;
  return {
    figure: {
      name: `2. roster import, ${rows.toLocaleString('en')} rows (parse incl.)`,
      ours: fmtRate(oursRate),
      baseline: `${fmtRate(rawRate)} raw INSERT`,
      value: oursRate / rawRate,
      valueText: fmtRatio(oursRate / rawRate),
      target: { direction: 'min', limit: 0.5, text: '≥ 0.50×' },
      note: `file ${(files[0]!.byteLength / 1024).toFixed(0)} KB; runs ours [${r.ours.map(fmtMs).join(', ')}] raw [${r.base.map(fmtMs).join(', ')}]`,
    },
    info: [
      {
        name: '   import without xlsx parsing',
        ours: `${fmtRate(noParseRate)} (parse ${fmtMs(parseMs)})`,
        baseline: `${fmtRate(rawRate)} raw INSERT`,
        value: noParseRate / rawRate,
        valueText: fmtRatio(noParseRate / rawRate),
        target: null,
      },
    ],
  };
}
