// Public routes (no login), every one rate-limited per IP: the one-time signing link with its ID-suffix
// gate, and the verify page. Nothing personal leaves here before the gate; the verify answers show the
// masked name only, never an ID number, IP or user agent.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { publicRoute } from '../../http/guard.ts';
import { v } from '../../http/validate.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { sha256Hex } from '../../pdf/hash.ts';
import { findDocumentsByFileHash } from '../../pdf/registry.ts';
import { publicOrigin } from './campaigns.ts';
import { decodeSignature, sendSignedPledge, signBody } from './signing.ts';
import { integrityOf, recordSignature } from './sign.ts';
import { publicLimiters, rateLimit } from './rate-limit.ts';
import { idSuffixMatches, LINK_MAX_FAILURES, LINK_STATE_LABELS, linkState, maskName, normalizeVerificationCode, type LinkState } from './rules.ts';
import * as q from './queries.ts';

const tokenParam = z.object({ token: z.string().regex(/^[a-z0-9]{16,64}$/, '链接无效') });
const suffixBody = z.object({ idSuffix: z.string().trim().min(1, '请输入身份证号后6位').max(12) });
const codeParam = z.object({ code: z.string().max(40) });
const MAX_VERIFY_UPLOAD = 32 * 1024 * 1024;

const STATE_MESSAGES: Record<Exclude<LinkState, 'active'>, string> = {
  expired: '签署链接已过期，请联系党建办重新打印二维码',
  revoked: '签署链接已撤销，请使用最新打印的二维码',
  voided: '身份核验失败次数过多，签署链接已作废，请联系党建办重新打印二维码',
  used: '您已通过此链接完成签署',
};

type Link = NonNullable<Awaited<ReturnType<typeof q.findLinkByTokenHash>>>;

async function linkOf(c: Context<AppEnv>, token: string): Promise<Link> {
  const link = await q.findLinkByTokenHash(c.get('db'), sha256Hex(token));
  if (!link) throw notFound('签署链接无效');
  return link;
}

/**
 * The ID-suffix gate: a wrong suffix counts against the link (void at the fifth), a right one passes.
 * States other than `active` refuse (410) — except `used` when `allowUsed` (the signer downloading
 * the pledge they just signed).
 */
async function passGate(c: Context<AppEnv>, link: Link, idSuffix: string, allowUsed = false): Promise<void> {
  const now = c.get('clock').now();
  const state = linkState(link, now);
  if (state !== 'active' && !(allowUsed && state === 'used' && now < link.expiresAt)) throw new AppError(410, `link_${state}`, STATE_MESSAGES[state]);
  if (link.campaignClosedAt && state === 'active') throw new AppError(410, 'campaign_closed', '本次承诺书签署活动已结束');
  if (idSuffixMatches(link.idNumber, idSuffix)) return;
  const result = await inTransaction(c, async (trx, audit, at) => {
    const r = await q.recordLinkFailure(trx, link.id, LINK_MAX_FAILURES, at);
    await audit({ kind: 'pledge.link_failed', objectType: 'pledge_link', objectId: link.id, details: { campaignId: link.campaignId, failures: r.failures, voided: r.voided } });
    return r;
  });
  if (result.voided) throw new AppError(410, 'link_voided', STATE_MESSAGES.voided);
  const left = LINK_MAX_FAILURES - result.failures;
  throw new AppError(400, 'wrong_id_suffix', `身份证号后6位不正确，还可尝试 ${left} 次`, { attemptsLeft: left });
}

export const publicPledgeRoutes = new Hono<AppEnv>()
  .get('/links/:token', publicRoute(), rateLimit(publicLimiters.link), v('param', tokenParam), async (c) => {
    const link = await linkOf(c, c.req.valid('param').token);
    const state = linkState(link, c.get('clock').now());
    // Before the gate: only whether the link can be used, nothing about whom it is for.
    return c.json({
      state,
      stateLabel: LINK_STATE_LABELS[state],
      attemptsLeft: Math.max(0, LINK_MAX_FAILURES - link.failedAttempts),
      expiresAt: link.expiresAt,
    });
  })
  .post('/links/:token/open', publicRoute(), rateLimit(publicLimiters.link), v('param', tokenParam), v('json', suffixBody), async (c) => {
    const link = await linkOf(c, c.req.valid('param').token);
    await passGate(c, link, c.req.valid('json').idSuffix);
    const campaign = await q.findCampaign(c.get('db'), '/', link.campaignId);
    if (!campaign) throw notFound('签署链接无效');
    return c.json({
      campaign: { title: campaign.title, dueDate: campaign.dueDate, orgName: campaign.orgName },
      text: { title: campaign.versionTitle, paragraphs: campaign.paragraphs, versionNo: campaign.versionNo },
      signer: { name: link.name },
    });
  })
  .post('/links/:token/sign', publicRoute(), rateLimit(publicLimiters.link), v('param', tokenParam), v('json', signBody.extend(suffixBody.shape)), async (c) => {
    const link = await linkOf(c, c.req.valid('param').token);
    const { idSuffix, image } = c.req.valid('json');
    const png = decodeSignature(image);
    await passGate(c, link, idSuffix);
    const signed = await inTransaction(c, async (trx, audit, now) => {
      const s = await recordSignature(trx, {
        campaignId: link.campaignId,
        personId: link.personId,
        png,
        now,
        ip: c.get('ip'),
        userAgent: c.get('userAgent'),
        auth: { method: 'link', linkId: link.id },
        origin: publicOrigin(c),
      });
      await audit({
        kind: 'pledge.signed',
        objectType: 'pledge_signature',
        objectId: s.id,
        orgUnitId: s.orgUnitId,
        details: { campaignId: link.campaignId, personId: link.personId, method: 'link', linkId: link.id, documentNumber: s.documentNumber, supersedes: s.supersedes },
      });
      return s;
    });
    return c.json({ verificationCode: signed.verificationCode, documentNumber: signed.documentNumber }, 201);
  })
  // The signer downloads what they signed, while the (used) link has not expired; the gate again.
  .post('/links/:token/pledge.pdf', publicRoute(), rateLimit(publicLimiters.link), v('param', tokenParam), v('json', suffixBody), async (c) => {
    const link = await linkOf(c, c.req.valid('param').token);
    await passGate(c, link, c.req.valid('json').idSuffix, true);
    const db = c.get('db');
    const signature = await db.selectFrom('pledge_signature').select('verification_code').where('link_id', '=', link.id).executeTakeFirst();
    const record = signature && (await q.findSignatureByCode(db, signature.verification_code));
    if (!record) throw notFound('尚未签署');
    return sendSignedPledge(c, record);
  })
  .get('/verify/:code', publicRoute(), rateLimit(publicLimiters.verify), v('param', codeParam), async (c) => {
    const code = normalizeVerificationCode(c.req.valid('param').code);
    const record = code && (await q.findSignatureByCode(c.get('db'), code));
    if (!record) throw notFound('未找到该核验码对应的承诺书');
    const integrity = integrityOf(record);
    return c.json({
      verificationCode: record.verificationCode,
      maskedName: maskName(record.signerName),
      orgName: record.orgName,
      campaignTitle: record.campaignTitle,
      templateName: record.templateName,
      versionNo: record.versionNo,
      signedAt: record.signedAt,
      documentNumber: record.documentNumber,
      superseded: record.supersededById !== null,
      integrity,
    });
  })
  .post(
    '/verify-document',
    publicRoute(),
    rateLimit(publicLimiters.verify),
    bodyLimit({
      maxSize: MAX_VERIFY_UPLOAD,
      onError: () => {
        throw new AppError(413, 'too_large', '文件过大，不是本系统生成的承诺书');
      },
    }),
    async (c) => {
      const form = await c.req.parseBody().catch(() => {
        throw badRequest('bad_upload', '请以 multipart/form-data 上传文件（字段名 file）');
      });
      const file = form.file;
      if (!(file instanceof File)) throw badRequest('file_required', '请选择要核验的 PDF 文件');
      const fileSha256 = sha256Hex(new Uint8Array(await file.arrayBuffer()));
      // The same registry lookup as POST /api/documents/verify; in public only what the holder already has.
      const first = (await findDocumentsByFileHash(c.get('db'), fileSha256))[0];
      const code = typeof form.code === 'string' ? normalizeVerificationCode(form.code) : null;
      let matchesCode: boolean | null = null;
      if (code) {
        const record = await q.findSignatureByCode(c.get('db'), code);
        matchesCode = record !== undefined && record.documentFileSha256 === fileSha256;
      }
      return c.json({
        match: first !== undefined,
        fileSha256,
        matchesCode,
        document: first ? { number: first.number, kind: first.kind, createdAt: first.createdAt } : null,
      });
    },
  );
