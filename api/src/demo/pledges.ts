// Demo pledges for 青岚街道: the 2021 campaign (213 pledges signed by the 两委 members and the
// subdistrict's 机关干部; five re-signed on version 2, superseding — still 213, "200余份") and this
// year's open campaign, due in five days, with 柳河村 (and so `cunshuji`) still to sign.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { sealIdNumber } from '@qingfeng/db';
import { nameKeys } from '@qingfeng/db';
import type { AuditInput } from '../audit/queries.ts';
import { contentHash, sha256Hex } from '../pdf/hash.ts';
import { insertDocument } from '../pdf/registry.ts';
import { idChecksumChar } from '../modules/roster/identity.ts';
import { todayInShanghai } from '../modules/roster/rules.ts';
import { addSigners, insertCampaign, insertTemplate, insertVersion } from '../modules/pledges/queries.ts';
import { newVerificationCode, pledgeDocumentContent, pledgeTextSha256 } from '../modules/pledges/sign.ts';
import { drawnSignaturePng } from '../modules/pledges/png.ts';

export const DEMO_PLEDGES_2021 = 213;
export const DEMO_RESIGNED_2021 = 5;

const PARAGRAPHS_V1 = [
  '为深入推进全面从严治党，切实加强党风廉政建设，做到廉洁自律、干净干事，本人郑重承诺：',
  '一、坚定理想信念，严守政治纪律和政治规矩，在思想上政治上行动上同党中央保持高度一致。',
  '二、严格遵守中央八项规定及其实施细则精神，不违规收送礼品礼金，不违规操办婚丧喜庆事宜，不参与赌博。',
  '三、不利用职务之便为本人或他人谋取私利，不在惠农补贴、集体资产资源管理、工程项目中优亲厚友、吃拿卡要。',
  '四、严格执行"三重一大"集体决策和"四议两公开"制度，自觉接受党员群众监督。',
  '如有违反，自愿接受组织处理。',
];
const PARAGRAPHS_V2 = [
  ...PARAGRAPHS_V1.slice(0, 5),
  '五、主动报告个人有关事项，如实说明家庭成员从业和经商办企业情况。',
  PARAGRAPHS_V1[5]!,
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = ['志强', '秀英', '建华', '丽娟', '海波', '晓东', '春梅', '国庆', '文静', '振宇', '玉兰', '明辉', '红霞', '立新', '桂芳', '永刚', '雪梅', '德胜', '婷', '鹏'];
const UA = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 14_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.2',
  'Mozilla/5.0 (Linux; Android 10; HMA-AL00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.99 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 11; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.72 Mobile Safari/537.36',
];

/** Fictional region code 990102 (a different one from the 两委 people's): never a real ID number. */
function officialIdNumber(k: number, birthDate: string, gender: 'male' | 'female'): string {
  const order = k * 2 + (gender === 'male' ? 1 : 0) + 10;
  const first17 = `990102${birthDate.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  return first17 + idChecksumChar(first17);
}

interface SignerInfo {
  personId: number;
  name: string;
  orgUnitId: number;
}

interface DemoSignature {
  campaignId: number;
  versionId: number;
  title: string;
  paragraphs: string[];
  signer: SignerInfo;
  signedAt: Date;
  seed: number;
  supersedesId: number | null;
}

const ORIGIN = () => process.env.ORIGIN?.replace(/\/+$/, '') || 'http://localhost:3000';

/** Signed through a (used) one-time link, as a 两委 member without an account would. */
async function insertSignature(trx: Kysely<Database>, s: DemoSignature, audit: (i: AuditInput) => Promise<unknown>): Promise<number> {
  const png = drawnSignaturePng(s.seed);
  const link = await trx
    .insertInto('pledge_link')
    .values({
      campaign_id: s.campaignId,
      person_id: s.signer.personId,
      token_sha256: sha256Hex(randomBytes(24)),
      created_at: new Date(s.signedAt.getTime() - 3 * 86_400_000),
      expires_at: new Date(s.signedAt.getTime() + 11 * 86_400_000),
      used_at: s.signedAt,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const textSha256 = pledgeTextSha256({
    campaignId: s.campaignId,
    personId: s.signer.personId,
    signerName: s.signer.name,
    templateVersionId: s.versionId,
    title: s.title,
    paragraphs: s.paragraphs,
  });
  const imageSha256 = sha256Hex(png);
  const verificationCode = newVerificationCode();
  const content = pledgeDocumentContent({
    campaignId: s.campaignId,
    personId: s.signer.personId,
    templateVersionId: s.versionId,
    textSha256,
    imageSha256,
    signedAt: s.signedAt,
    verificationCode,
  });
  // The file hash is filled in at the first download (drawing 218 PDFs here would slow every demo start).
  const doc = await insertDocument(trx, {
    kind: 'pledge',
    title: '廉洁自律承诺书',
    orgUnitId: s.signer.orgUnitId,
    contentSha256: contentHash(content),
    createdBy: null,
    now: s.signedAt,
  });
  const names = await sql<{ campaignTitle: string; headerOrgName: string; orgName: string }>`
    SELECT c.title AS "campaignTitle", co.name AS "headerOrgName", o.name AS "orgName"
    FROM pledge_campaign c JOIN org_unit co ON co.id = c.org_unit_id JOIN org_unit o ON o.id = ${s.signer.orgUnitId}
    WHERE c.id = ${s.campaignId}`.execute(trx);
  const { campaignTitle, headerOrgName, orgName } = names.rows[0]!;
  const row = await trx
    .insertInto('pledge_signature')
    .values({
      campaign_id: s.campaignId,
      person_id: s.signer.personId,
      template_version_id: s.versionId,
      org_unit_id: s.signer.orgUnitId,
      signer_name: s.signer.name,
      campaign_title: campaignTitle,
      org_name: orgName,
      header_org_name: headerOrgName,
      signed_at: s.signedAt,
      ip: `10.12.${(s.seed >> 8) & 255}.${(s.seed & 255) || 1}`,
      user_agent: UA[s.seed % UA.length]!,
      auth_method: 'link',
      user_id: null,
      link_id: link.id,
      text_sha256: textSha256,
      image_png: png,
      image_sha256: imageSha256,
      verification_code: verificationCode,
      verify_url: `${ORIGIN()}/verify/${verificationCode}`,
      document_id: doc.id,
      supersedes_id: s.supersedesId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit({
    kind: 'pledge.signed',
    objectType: 'pledge_signature',
    objectId: row.id,
    orgUnitId: s.signer.orgUnitId,
    details: { campaignId: s.campaignId, personId: s.signer.personId, method: 'link', documentNumber: doc.number, supersedes: s.supersedesId, demo: true },
  });
  return row.id;
}

export async function seedPledgeDemo(
  trx: Kysely<Database>,
  ctx: { sub: { id: number; path: string }; now: Date; audit: (input: AuditInput) => Promise<unknown>; pendingVillageId: number },
): Promise<{ signed2021: number; openCampaignId: number }> {
  const { sub, now, audit } = ctx;

  // ---- the template, two versions ----
  const template = await insertTemplate(trx, { orgUnitId: sub.id, name: '廉洁自律承诺书', audience: '机关干部、村(社区)"两委"成员', createdBy: null, now: new Date('2021-02-20T02:00:00Z') });
  await audit({ kind: 'pledge.template_created', objectType: 'pledge_template', objectId: template.id, orgUnitId: sub.id, details: { name: '廉洁自律承诺书' } });
  const v1 = await insertVersion(trx, { templateId: template.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS_V1, note: '2021年版', createdBy: null, now: new Date('2021-02-20T02:00:00Z'), publish: true });
  const v2 = await insertVersion(trx, { templateId: template.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS_V2, note: '增加个人有关事项报告', createdBy: null, now: new Date('2021-06-15T02:00:00Z'), publish: true });
  for (const v of [v1, v2]) await audit({ kind: 'pledge.version_published', objectType: 'pledge_template_version', objectId: v.id, orgUnitId: sub.id, details: { templateId: template.id, versionNo: v.versionNo } });

  // ---- 2021: every 两委 member of the current term plus the subdistrict's 机关干部 ----
  const members = await sql<SignerInfo>`
    SELECT DISTINCT ON (p.id) p.id AS "personId", p.name, p.org_unit_id AS "orgUnitId"
    FROM post po JOIN term t ON t.id = po.term_id JOIN person p ON p.id = po.person_id JOIN org_unit o ON o.id = p.org_unit_id
    WHERE t.end_date IS NULL AND o.path LIKE ${`${sub.path}%`} AND po.start_date <= '2021-03-01'
    ORDER BY p.id`.execute(trx);
  const officials: SignerInfo[] = [];
  const needed = DEMO_PLEDGES_2021 - members.rows.length;
  for (let k = 0; k < needed; k++) {
    const gender = k % 3 === 1 ? 'female' : 'male';
    const birthDate = `${1968 + (k % 27)}-${String(1 + (k % 12)).padStart(2, '0')}-${String(1 + ((k * 7) % 28)).padStart(2, '0')}`;
    const name = `${[...SURNAMES][(k * 7) % [...SURNAMES].length]}${GIVEN[(k * 3) % GIVEN.length]}`;
    const row = await trx
      .insertInto('person')
      .values({
        org_unit_id: sub.id,
        name,
        gender,
        ...sealIdNumber(trx, officialIdNumber(k, birthDate, gender)),
        birth_date: birthDate,
        ethnicity: '01',
        political_status: k % 5 === 4 ? 'masses' : 'cpc_member',
        party_join_date: k % 5 === 4 ? null : `${1995 + (k % 20)}-07-01`,
        education_full_time: 'bachelor',
        education_highest: k % 4 === 0 ? 'master' : 'bachelor',
        phone: null,
        category: 'civil_servant',
        ...nameKeys(name),
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    officials.push({ personId: row.id, name, orgUnitId: sub.id });
    await audit({ kind: 'person.created', objectType: 'person', objectId: row.id, orgUnitId: sub.id, details: { name } });
  }

  const c2021 = await insertCampaign(trx, {
    orgUnitId: sub.id,
    templateVersionId: v1.id,
    title: '2021年度廉洁自律承诺书签订',
    startDate: '2021-03-01',
    dueDate: '2021-03-31',
    createdBy: null,
    now: new Date('2021-02-25T02:00:00Z'),
  });
  await trx.updateTable('pledge_campaign').set({ closed_at: new Date('2021-12-31T08:00:00Z') }).where('id', '=', c2021.id).execute();
  await audit({ kind: 'pledge.campaign_created', objectType: 'pledge_campaign', objectId: c2021.id, orgUnitId: sub.id, details: { title: '2021年度廉洁自律承诺书签订' } });
  const signers2021 = [...members.rows, ...officials];
  await addSigners(trx, c2021.id, sub.path, signers2021.map((s) => s.personId), null, new Date('2021-02-25T02:00:00Z'));
  await audit({ kind: 'pledge.signers_added', objectType: 'pledge_campaign', objectId: c2021.id, orgUnitId: sub.id, details: { added: signers2021.length } });
  const firstIds: number[] = [];
  for (const [k, signer] of signers2021.entries()) {
    // Spread over March 2021, office hours Beijing time.
    const signedAt = new Date(Date.UTC(2021, 2, 2 + (k % 26), 1 + (k % 8), (k * 13) % 60));
    firstIds.push(await insertSignature(trx, { campaignId: c2021.id, versionId: v1.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS_V1, signer, signedAt, seed: 1000 + k, supersedesId: null }, audit));
  }
  // Five 机关干部 re-signed on version 2 in June: their new signatures supersede, the count stays.
  for (let k = 0; k < DEMO_RESIGNED_2021; k++) {
    const signer = officials[k]!;
    const index = members.rows.length + k;
    await insertSignature(
      trx,
      { campaignId: c2021.id, versionId: v2.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS_V2, signer, signedAt: new Date(Date.UTC(2021, 5, 21 + k, 2, 30)), seed: 5000 + k, supersedesId: firstIds[index]! },
      audit,
    );
  }

  // ---- this year: the current 两委, due in five days ----
  const today = todayInShanghai(now);
  const year = Number(today.slice(0, 4));
  const shift = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const open = await insertCampaign(trx, {
    orgUnitId: sub.id,
    templateVersionId: v2.id,
    title: `${year}年度廉洁自律承诺书签订`,
    startDate: shift(-10),
    dueDate: shift(5),
    createdBy: null,
    now: new Date(now.getTime() - 10 * 86_400_000),
  });
  await audit({ kind: 'pledge.campaign_created', objectType: 'pledge_campaign', objectId: open.id, orgUnitId: sub.id, details: { title: `${year}年度廉洁自律承诺书签订` } });
  const current = await sql<SignerInfo>`
    SELECT DISTINCT ON (p.id) p.id AS "personId", p.name, p.org_unit_id AS "orgUnitId"
    FROM post po JOIN term t ON t.id = po.term_id JOIN person p ON p.id = po.person_id JOIN org_unit o ON o.id = p.org_unit_id
    WHERE o.path LIKE ${`${sub.path}%`} AND po.start_date <= ${today}::date AND (po.end_date IS NULL OR po.end_date > ${today}::date)
      AND t.start_date <= ${today}::date AND (t.end_date IS NULL OR t.end_date > ${today}::date)
    ORDER BY p.id`.execute(trx);
  await addSigners(trx, open.id, sub.path, current.rows.map((s) => s.personId), null, new Date(now.getTime() - 10 * 86_400_000));
  await audit({ kind: 'pledge.signers_added', objectType: 'pledge_campaign', objectId: open.id, orgUnitId: sub.id, details: { added: current.rows.length } });
  // The first village (柳河村) has not started; elsewhere about two in three have signed.
  for (const [k, signer] of current.rows.entries()) {
    if (signer.orgUnitId === ctx.pendingVillageId || k % 3 === 2) continue;
    const signedAt = new Date(now.getTime() - (1 + (k % 9)) * 86_400_000 - (k % 7) * 3_600_000);
    await insertSignature(trx, { campaignId: open.id, versionId: v2.id, title: '廉洁自律承诺书', paragraphs: PARAGRAPHS_V2, signer, signedAt, seed: 9000 + k, supersedesId: null }, audit);
  }
  return { signed2021: signers2021.length, openCampaignId: open.id };
}
