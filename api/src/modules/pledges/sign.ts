// Recording a signature: one transaction registers the signed PDF in the document registry (drawn from
// the very record being stored, its file hash known before the row is written) and appends the signature.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { conflict, badRequest, notFound } from '../../http/errors.ts';
import { contentHash, sha256Hex } from '../../pdf/hash.ts';
import { completeDocument, insertDocument } from '../../pdf/registry.ts';
import { renderSignedPledge, type PledgePage } from './pdf.ts';
import { checkSignaturePng } from './png.ts';
import { canonicalPledgeText, verificationCodeFrom, type SignedText } from './rules.ts';
import { currentSignature, markLinkUsed, type SignatureRecord } from './queries.ts';
import { sql } from 'kysely';

export function pledgeTextSha256(t: SignedText): string {
  return sha256Hex(canonicalPledgeText(t));
}

/** What the registry's content hash of a signed pledge covers (recomputable from the stored record). */
export function pledgeDocumentContent(r: {
  campaignId: number;
  personId: number;
  templateVersionId: number;
  textSha256: string;
  imageSha256: string;
  signedAt: Date;
  verificationCode: string;
}) {
  return {
    document: 'pledge',
    campaignId: r.campaignId,
    personId: r.personId,
    templateVersionId: r.templateVersionId,
    textSha256: r.textSha256,
    imageSha256: r.imageSha256,
    signedAt: r.signedAt.toISOString(),
    verificationCode: r.verificationCode,
  };
}

export function newVerificationCode(): string {
  return verificationCodeFrom(randomBytes(12));
}

/** The signed pledge's page data from a stored record. */
export function pledgePageOf(r: SignatureRecord): PledgePage {
  return {
    title: r.title,
    paragraphs: r.paragraphs,
    campaignTitle: r.campaignTitle,
    versionNo: r.versionNo,
    signerName: r.signerName,
    orgName: r.orgName,
    signedAt: r.signedAt,
    verificationCode: r.verificationCode,
    verifyUrl: r.verifyUrl,
    imagePng: r.imagePng,
  };
}

/** Draws a stored signature's pledge PDF (the same bytes every time). */
export function renderStoredPledge(r: SignatureRecord): Promise<Buffer> {
  return renderSignedPledge({ ...pledgePageOf(r), documentNumber: r.documentNumber, contentSha256: r.documentContentSha256, headerOrgName: r.campaignOrgName });
}

/** Recomputes the stored hashes: text from the immutable version, image from the stored bytes. */
export function integrityOf(r: SignatureRecord): { textOk: boolean; imageOk: boolean; documentOk: boolean; intact: boolean } {
  const textOk =
    pledgeTextSha256({
      campaignId: r.campaignId,
      personId: r.personId,
      signerName: r.signerName,
      templateVersionId: r.templateVersionId,
      title: r.title,
      paragraphs: r.paragraphs,
    }) === r.textSha256;
  const imageOk = sha256Hex(r.imagePng) === r.imageSha256;
  const documentOk = contentHash(pledgeDocumentContent(r)) === r.documentContentSha256;
  return { textOk, imageOk, documentOk, intact: textOk && imageOk && documentOk };
}

export interface SignInput {
  campaignId: number;
  personId: number;
  png: Uint8Array;
  now: Date;
  ip: string | null;
  userAgent: string | null;
  auth: { method: 'password'; userId: number } | { method: 'link'; linkId: number };
  /** Public origin of the site, e.g. https://qingfeng.example.gov.cn: the QR code's target. */
  origin: string;
}

/** Appends a signature (superseding the signer's earlier one on an older version). Call inside a transaction. */
export async function recordSignature(trx: Kysely<Database>, s: SignInput) {
  const png = checkSignaturePng(s.png);
  if (!png.ok) throw badRequest('bad_signature_image', png.message);
  const row = await sql<{
    title: string;
    paragraphs: string[];
    templateVersionId: number;
    versionNo: number;
    campaignTitle: string;
    campaignOrgUnitId: number;
    campaignOrgName: string;
    closedAt: Date | null;
    signerName: string;
    orgUnitId: number;
    orgName: string;
  }>`
    SELECT v.title, v.paragraphs, v.id AS "templateVersionId", v.version_no AS "versionNo", c.title AS "campaignTitle",
           c.org_unit_id AS "campaignOrgUnitId", co.name AS "campaignOrgName", c.closed_at AS "closedAt",
           p.name AS "signerName", p.org_unit_id AS "orgUnitId", po.name AS "orgName"
    FROM pledge_signer ps
    JOIN pledge_campaign c ON c.id = ps.campaign_id
    JOIN org_unit co ON co.id = c.org_unit_id
    JOIN pledge_template_version v ON v.id = c.template_version_id
    JOIN person p ON p.id = ps.person_id
    JOIN org_unit po ON po.id = p.org_unit_id
    WHERE ps.campaign_id = ${s.campaignId} AND ps.person_id = ${s.personId}
    FOR UPDATE OF ps`.execute(trx);
  const r = row.rows[0];
  if (!r) throw notFound('您不在本次承诺书签署名单中');
  if (r.closedAt) throw conflict('campaign_closed', '本次承诺书签署活动已结束');
  const current = await currentSignature(trx, s.campaignId, s.personId);
  if (current && current.versionNo >= r.versionNo) throw conflict('already_signed', '您已签署本承诺书');

  const textSha256 = pledgeTextSha256({
    campaignId: s.campaignId,
    personId: s.personId,
    signerName: r.signerName,
    templateVersionId: r.templateVersionId,
    title: r.title,
    paragraphs: r.paragraphs,
  });
  const imageSha256 = sha256Hex(s.png);
  const verificationCode = newVerificationCode();
  const verifyUrl = `${s.origin}/verify/${verificationCode}`;
  const content = pledgeDocumentContent({
    campaignId: s.campaignId,
    personId: s.personId,
    templateVersionId: r.templateVersionId,
    textSha256,
    imageSha256,
    signedAt: s.now,
    verificationCode,
  });
  const contentSha256 = contentHash(content);
  const doc = await insertDocument(trx, {
    kind: 'pledge',
    title: `廉洁自律承诺书（${r.campaignTitle}）`,
    orgUnitId: r.orgUnitId,
    contentSha256,
    createdBy: s.auth.method === 'password' ? s.auth.userId : null,
    now: s.now,
  });
  const bytes = await renderSignedPledge({
    title: r.title,
    paragraphs: r.paragraphs,
    campaignTitle: r.campaignTitle,
    versionNo: r.versionNo,
    signerName: r.signerName,
    orgName: r.orgName,
    signedAt: s.now,
    verificationCode,
    verifyUrl,
    imagePng: s.png,
    documentNumber: doc.number,
    contentSha256,
    headerOrgName: r.campaignOrgName,
  });
  const fileSha256 = sha256Hex(bytes);
  await completeDocument(trx, doc.id, fileSha256, bytes.length);
  const inserted = await trx
    .insertInto('pledge_signature')
    .values({
      campaign_id: s.campaignId,
      person_id: s.personId,
      template_version_id: r.templateVersionId,
      org_unit_id: r.orgUnitId,
      signer_name: r.signerName,
      campaign_title: r.campaignTitle,
      org_name: r.orgName,
      header_org_name: r.campaignOrgName,
      signed_at: s.now,
      ip: s.ip,
      user_agent: s.userAgent?.slice(0, 1000) ?? null,
      auth_method: s.auth.method,
      user_id: s.auth.method === 'password' ? s.auth.userId : null,
      link_id: s.auth.method === 'link' ? s.auth.linkId : null,
      text_sha256: textSha256,
      image_png: s.png,
      image_sha256: imageSha256,
      verification_code: verificationCode,
      verify_url: verifyUrl,
      document_id: doc.id,
      supersedes_id: current?.id ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (s.auth.method === 'link') await markLinkUsed(trx, s.auth.linkId, s.now);
  return {
    id: inserted.id,
    verificationCode,
    documentNumber: doc.number,
    fileSha256,
    textSha256,
    imageSha256,
    orgUnitId: r.orgUnitId,
    supersedes: current?.id ?? null,
    signerName: r.signerName,
  };
}
