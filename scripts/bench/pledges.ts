// Figure 5 (issue 8, must-have 10): a province-scale pledge campaign — every person of the data set a
// signer (300,000 at full scale), three in five signed —
//   5a. the campaign dashboard (GET /api/pledges/campaigns/:id: the campaign and signed / pending /
//       overdue by org unit) vs its statement run directly (campaignDashboardQuery: the same single
//       statement the endpoint runs)                                          target ≤ 1.3×
//       The figures are checked against a plainer hand-written aggregate (rawDashboard), whose time is
//       printed too (information).
//   5b. signing through the API (one-time links, two parallel clients) in signatures/s, printed next to
//       a raw batched INSERT of the same rows (info: signing draws and registers a PDF per signature)
//   5c. a 1,000-pledge combined PDF through its endpoint vs bare pdfkit drawing the same pages
//                                                                             target ≤ 1.5×
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { openIdNumber } from '@qingfeng/db';
import { sha256Hex } from '../../api/src/pdf/hash.ts';
import { campaignDashboardQuery, insertCampaign, insertTemplate, insertVersion } from '../../api/src/modules/pledges/queries.ts';
import { todayInShanghai } from '../../api/src/modules/roster/rules.ts';
import { drawnSignaturePng } from '../../api/src/modules/pledges/png.ts';
import { barePledgePdf } from '../../api/src/modules/pledges/bench.ts';
import { publicLimiters } from '../../api/src/modules/pledges/rate-limit.ts';
import type { Dataset } from './dataset.ts';
import { expectOk, ORIGIN, type Client } from './http.ts';
import { fmtMs, fmtRatio, paired, time, type Figure } from './measure.ts';

const MAX_SIGNERS = 300_000;
const PARAGRAPHS = [
  '为深入推进全面从严治党，切实加强党风廉政建设，做到廉洁自律、干净干事，本人郑重承诺：',
  '一、坚定理想信念，严守政治纪律和政治规矩，在思想上政治上行动上同党中央保持高度一致。',
  '二、严格遵守中央八项规定及其实施细则精神，不违规收送礼品礼金，不违规操办婚丧喜庆事宜。',
  '三、不利用职务之便为本人或他人谋取私利，不在惠农补贴、集体资产资源管理中优亲厚友、吃拿卡要。',
  '如有违反，自愿接受组织处理。',
];

export async function newCampaign(db: Kysely<Database>, data: Dataset, title: string) {
  const now = new Date();
  const t = await insertTemplate(db, { orgUnitId: data.rootId, name: '廉洁自律承诺书', audience: '', createdBy: null, now });
  const v = await insertVersion(db, { templateId: t.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS, note: '', createdBy: null, now, publish: true });
  const c = await insertCampaign(db, { orgUnitId: data.rootId, templateVersionId: v.id, title, startDate: '2024-03-01', dueDate: '2024-03-31', createdBy: null, now });
  return { id: c.id, versionId: v.id };
}

/**
 * Signatures as raw rows (documents first: each signature references its registry row), set-based:
 * `where` picks the signers (alias ps) to sign. Returns how many were inserted.
 */
export async function rawSignatures(db: Kysely<Database>, campaign: { id: number; versionId: number }, userId: number, png: Uint8Array, where: ReturnType<typeof sql>, signedAt: ReturnType<typeof sql> = sql`now()`) {
  await sql`
    INSERT INTO document (number, kind, title, org_unit_id, content_sha256, created_by, created_at)
    SELECT 'QFB-' || ${campaign.id} || '-' || ps.person_id, 'pledge', '廉洁自律承诺书', p.org_unit_id, repeat('a', 64), ${userId}, now()
    FROM pledge_signer ps JOIN person p ON p.id = ps.person_id WHERE ps.campaign_id = ${campaign.id} AND ${where}`.execute(db);
  const r = await sql`
    INSERT INTO pledge_signature (campaign_id, person_id, template_version_id, org_unit_id, signer_name, campaign_title, org_name,
      header_org_name, signed_at, ip, user_agent, auth_method, user_id, text_sha256, image_png, image_sha256, verification_code, verify_url, document_id)
    SELECT ${campaign.id}, ps.person_id, ${campaign.versionId}, p.org_unit_id, p.name, '基准测试承诺书签署活动', o.name, '基准测试', ${signedAt}, '10.0.0.1', 'bench',
      'password', ${userId}, repeat('b', 64), ${png}, ${sha256Hex(png)}, 'B' || ${campaign.id} || '-' || ps.person_id, ${ORIGIN} || '/verify/x', d.id
    FROM pledge_signer ps JOIN person p ON p.id = ps.person_id JOIN org_unit o ON o.id = p.org_unit_id
    JOIN document d ON d.number = 'QFB-' || ${campaign.id} || '-' || ps.person_id
    WHERE ps.campaign_id = ${campaign.id} AND ${where}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** The dashboard's figures in the plainest SQL: one aggregate over signers and their first signatures. */
export async function rawDashboard(db: Kysely<Database>, campaignId: number, rootPath: string) {
  return sql<{ org_unit_id: number; total: number; signed: number; pending: number; overdue: number }>`
    SELECT p.org_unit_id, count(*)::int AS total, count(s.id)::int AS signed,
           count(*) FILTER (WHERE s.id IS NULL AND current_date <= c.due_date)::int AS pending,
           count(*) FILTER (WHERE s.id IS NULL AND current_date > c.due_date)::int AS overdue
    FROM pledge_signer ps
    JOIN pledge_campaign c ON c.id = ps.campaign_id
    JOIN person p ON p.id = ps.person_id
    JOIN org_unit o ON o.id = p.org_unit_id
    LEFT JOIN pledge_signature s ON s.campaign_id = ps.campaign_id AND s.person_id = ps.person_id AND s.supersedes_id IS NULL
    WHERE ps.campaign_id = ${campaignId} AND o.path LIKE ${`${rootPath}%`}
    GROUP BY p.org_unit_id`.execute(db);
}

export async function benchPledges(db: Kysely<Database>, client: Client, data: Dataset, opts: { runs: number; signs: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const png = drawnSignaturePng(7);
  const user = await db.selectFrom('app_user').select('id').where('username', '=', 'bench_office').executeTakeFirstOrThrow();

  // ---- 5a: the big campaign ----
  const big = await newCampaign(db, data, '基准测试承诺书签署活动');
  const setup = await time(async () => {
    await sql`
      INSERT INTO pledge_signer (campaign_id, person_id, added_at)
      SELECT ${big.id}, p.id, now() FROM person p JOIN org_unit o ON o.id = p.org_unit_id
      WHERE o.path LIKE ${`${data.rootPath}%`} ORDER BY p.id LIMIT ${MAX_SIGNERS}`.execute(db);
    return rawSignatures(db, big, user.id, png, sql`ps.person_id % 5 < 3`);
  });
  const signers = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pledge_signer WHERE campaign_id = ${big.id}`.execute(db)).rows[0]!.n;
  await sql`ANALYZE`.execute(db);
  const path = `/api/pledges/campaigns/${big.id}`;
  const check = (await (await expectOk(await client.get(path), 'campaign dashboard')).json()) as { progress: { total: { total: number; signed: number }; byOrg: { orgUnitId: number; total: number; signed: number; overdue: number }[] } };
  if (check.progress.total.total !== signers || check.progress.total.signed !== setup.value)
    throw new Error(`dashboard counted ${check.progress.total.total}/${check.progress.total.signed}, expected ${signers}/${setup.value}`);
  // Village by village, the dashboard agrees with the plain aggregate.
  const plain = new Map((await rawDashboard(db, big.id, data.rootPath)).rows.map((r) => [r.org_unit_id, r]));
  const disagree = check.progress.byOrg.filter((r) => {
    const p = plain.get(r.orgUnitId);
    return !p || p.total !== r.total || p.signed !== r.signed || p.overdue !== r.overdue;
  });
  if (disagree.length || plain.size !== check.progress.byOrg.length) throw new Error(`dashboard: ${disagree.length} of ${check.progress.byOrg.length} org units differ from the plain aggregate (${plain.size})`);
  const statement = campaignDashboardQuery(data.rootPath, big.id, todayInShanghai(new Date()));
  const dash = await paired({
    warmup: 1,
    runs: Math.max(opts.runs, 9),
    ours: async () => (await expectOk(await client.get(path), 'campaign dashboard')).arrayBuffer(),
    baseline: () => statement.execute(db),
    budgetMs: 120_000,
  });
  const plainRun = await paired({ warmup: 0, runs: 3, ours: () => statement.execute(db), baseline: () => rawDashboard(db, big.id, data.rootPath) });
  const dashRatio = dash.oursMs / dash.baselineMs;
  figures.push({
    name: `5a. pledge dashboard (${signers.toLocaleString('en')} signers, ${check.progress.byOrg.length.toLocaleString('en')} org units)`,
    ours: fmtMs(dash.oursMs),
    baseline: `${fmtMs(dash.baselineMs)} raw SQL`,
    value: dashRatio,
    valueText: fmtRatio(dashRatio),
    target: { direction: 'max', limit: 1.3, text: '≤ 1.30×' },
    note:
      `${setup.value.toLocaleString('en')} signed (set up in ${fmtMs(setup.ms)}); raw SQL = the endpoint's one statement; the plain hand-written aggregate ` +
      `(no version/supersede rule, no names, no order) takes ${fmtMs(plainRun.baselineMs)} vs the statement's ${fmtMs(plainRun.oursMs)}; this process's CPU ${fmtMs(dash.oursCpuMs)} vs ${fmtMs(dash.baselineCpuMs)}; runs ours [${dash.ours.map(fmtMs).join(', ')}] raw [${dash.base.map(fmtMs).join(', ')}]`,
  });

  // ---- 5b: signing through the API, two parallel clients, vs a raw insert of as many rows ----
  const encrypted = await sql<{ personId: number; enc: Uint8Array }>`
    SELECT ps.person_id AS "personId", p.id_number_enc AS enc FROM pledge_signer ps JOIN person p ON p.id = ps.person_id
    WHERE ps.campaign_id = ${big.id} AND ps.person_id % 5 >= 3 ORDER BY ps.person_id LIMIT ${opts.signs * 2}`.execute(db);
  const pending = { rows: encrypted.rows.map((r) => ({ personId: r.personId, idNumber: openIdNumber(db, r.enc) })) };
  const viaApi = pending.rows.slice(0, opts.signs);
  const viaRaw = pending.rows.slice(opts.signs);
  const tokens = viaApi.map(() => randomBytes(18).toString('hex').slice(0, 24));
  const now = new Date();
  await db
    .insertInto('pledge_link')
    .values(viaApi.map((s, i) => ({ campaign_id: big.id, person_id: s.personId, token_sha256: sha256Hex(tokens[i]!), created_at: now, expires_at: new Date(now.getTime() + 14 * 86_400_000) })))
    .execute();
  const image = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
  let next = 0;
  const worker = async () => {
    while (next < viaApi.length) {
      const i = next++;
      // The public limiter would (rightly) stop one address signing hundreds of times a minute.
      publicLimiters.link.reset();
      const res = await client.app.request(`${ORIGIN}/api/pledges/public/links/${tokens[i]}/sign`, {
        method: 'POST',
        headers: { origin: ORIGIN, host: new URL(ORIGIN).host, 'content-type': 'application/json' },
        body: JSON.stringify({ idSuffix: viaApi[i]!.idNumber.slice(-6), image }),
      });
      await expectOk(res, 'sign through link');
    }
  };
  const apiRun = await time(() => Promise.all([worker(), worker()]));
  const rawIds = viaRaw.map((s) => s.personId);
  const rawRun = await time(() => rawSignatures(db, big, user.id, png, sql`ps.person_id IN (${sql.join(rawIds)})`));
  const apiRate = viaApi.length / (apiRun.ms / 1000);
  const rawRate = rawRun.value / (rawRun.ms / 1000);
  figures.push({
    name: `5b. signing via API, 2 parallel clients (${viaApi.length} signatures)`,
    ours: `${apiRate.toFixed(1)} /s`,
    baseline: `${rawRate.toFixed(0)} /s raw INSERT`,
    value: apiRate / rawRate,
    valueText: fmtRatio(apiRate / rawRate),
    target: null,
    note: 'each API signature checks the gate and the PNG, draws the signed PDF, registers it and audits; the raw INSERT writes the rows only',
  });

  // ---- 5c: a 1,000-pledge combined PDF ----
  const small = await newCampaign(db, data, '基准测试承诺书汇编');
  await sql`
    INSERT INTO pledge_signer (campaign_id, person_id, added_at)
    SELECT ${small.id}, p.id, now() FROM person p JOIN org_unit o ON o.id = p.org_unit_id
    WHERE o.path LIKE ${`${data.rootPath}%`} ORDER BY p.id LIMIT 1000`.execute(db);
  const pages = await rawSignatures(db, small, user.id, png, sql`true`);
  const pdfPath = `/api/pledges/campaigns/${small.id}/signatures.pdf`;
  const names = (await sql<{ name: string; code: string }>`SELECT signer_name AS name, verification_code AS code FROM pledge_signature WHERE campaign_id = ${small.id} ORDER BY id`.execute(db)).rows;
  const bare = names.map((n) => ({ ...n, url: `${ORIGIN}/verify/${n.code}`, png }));
  let bytes = 0;
  const pdf = await paired({
    warmup: 1,
    runs: Math.min(opts.runs, 3),
    ours: async () => (bytes = (await (await expectOk(await client.get(pdfPath), 'combined PDF')).arrayBuffer()).byteLength),
    baseline: () => barePledgePdf(bare, PARAGRAPHS),
    budgetMs: 180_000,
  });
  const pdfRatio = pdf.oursMs / pdf.baselineMs;
  figures.push({
    name: `5c. combined pledge PDF (${pages.toLocaleString('en')} pledges)`,
    ours: fmtMs(pdf.oursMs),
    baseline: `${fmtMs(pdf.baselineMs)} bare pdfkit`,
    value: pdfRatio,
    valueText: fmtRatio(pdfRatio),
    target: { direction: 'max', limit: 1.5, text: '≤ 1.50×' },
    note: `${(bytes / 1048576).toFixed(1)} MB; this process's CPU ${fmtMs(pdf.oursCpuMs)} vs ${fmtMs(pdf.baselineCpuMs)} (${fmtRatio(pdf.oursCpuMs / pdf.baselineCpuMs)}); runs ours [${pdf.ours.map(fmtMs).join(', ')}] bare [${pdf.base.map(fmtMs).join(', ')}]`,
  });
  return figures;
}
