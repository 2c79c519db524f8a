// Signing with an account (confirmed with the password, failures counted like logins), what a signer has
// to sign, and the signed pledge's PDF and certificate.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { ALL_ROLES, allow, currentUser, signedIn } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { actorOf, inTransaction } from '../../http/action.ts';
import { recordAuditEvent } from '../../audit/queries.ts';
import { minutesLeft } from '../../auth/rules.ts';
import { clearLoginGuesses, reserveLoginGuess } from '../../auth/throttle.ts';
import { verifyPassword } from '../../auth/tokens.ts';
import { loadSettings } from '../settings/queries.ts';
import { deliverPdf } from '../../pdf/deliver.ts';
import { sha256Hex } from '../../pdf/hash.ts';
import { completeDocument } from '../../pdf/registry.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { publicOrigin } from './campaigns.ts';
import { drawCertificate } from './pdf.ts';
import { pngFromDataUrl } from './png.ts';
import { integrityOf, recordSignature, renderStoredPledge } from './sign.ts';
import { needsReminder } from './rules.ts';
import * as q from './queries.ts';

export const signBody = z.object({
  /** The drawn signature as signature_pad's PNG data URL. */
  image: z.string().max(400_000, '签名图片过大'),
});
const signWithPassword = signBody.extend({ password: z.string().min(1, '请输入登录密码以确认签署').max(256) });
const campaignParam = z.object({ campaignId: idParam.shape.id });

export function decodeSignature(image: string): Uint8Array {
  const png = pngFromDataUrl(image);
  if (!png) throw badRequest('bad_signature_image', '签名图片格式不正确，请重新签名');
  return png;
}

/** The pledge PDF of a stored signature as a download; every download is audited, the bytes never change. */
export async function sendSignedPledge(c: Context<AppEnv>, record: q.SignatureRecord) {
  const bytes = await renderStoredPledge(record);
  const fileSha256 = sha256Hex(bytes);
  await inTransaction(c, async (trx, audit) => {
    // Pledges signed through the app are registered with their file hash at signing; imported or demo
    // records get it at their first delivery (the bytes are the same every time).
    if (record.documentFileSha256 === null) await completeDocument(trx, record.documentId, fileSha256, bytes.length);
    await audit({
      kind: 'export.downloaded',
      objectType: 'document',
      objectId: record.documentNumber,
      orgUnitId: record.orgUnitId,
      details: { number: record.documentNumber, kind: 'pledge', format: 'pdf', sameAsRegistered: fileSha256 === record.documentFileSha256 },
    });
  });
  const name = `廉洁自律承诺书-${record.signerName}-${record.documentNumber}.pdf`;
  return c.body(new Uint8Array(bytes), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${record.documentNumber}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'no-store',
    'X-Document-Number': record.documentNumber,
  });
}

export const signingRoutes = new Hono<AppEnv>()
  // The signer's own: what to sign (with reminders as the due date nears) and what was signed.
  .get('/mine', signedIn(), async (c) => {
    const user = currentUser(c);
    const today = todayInShanghai(c.get('clock').now());
    if (user.personId === null) return c.json({ pending: [], signed: [], today, linked: false });
    const db = c.get('db');
    const pending = (await q.pendingForPerson(db, user.personId)).map((p) => ({ ...p, reminder: needsReminder(today, p.dueDate), overdue: today > p.dueDate }));
    return c.json({ pending, signed: await q.signaturesOfPerson(db, user.personId), today, linked: true });
  })
  .get('/mine/:campaignId', signedIn(), v('param', campaignParam), async (c) => {
    const user = currentUser(c);
    const { campaignId } = c.req.valid('param');
    if (user.personId === null) throw notFound('您的账号未关联人员档案，无法签署');
    const db = c.get('db');
    // The signer sees the campaign wherever it sits in the tree: being on its list is the permission.
    const signer = await q.findSigner(db, '/', campaignId, user.personId);
    const campaign = signer && (await q.findCampaign(db, '/', campaignId));
    if (!signer || !campaign) throw notFound('您不在本次承诺书签署名单中');
    const current = await q.currentSignature(db, campaignId, user.personId);
    return c.json({
      campaign: { id: campaign.id, title: campaign.title, dueDate: campaign.dueDate, closed: campaign.closedAt !== null, orgName: campaign.orgName },
      text: { title: campaign.versionTitle, paragraphs: campaign.paragraphs, versionNo: campaign.versionNo },
      signer: { name: signer.name, orgName: signer.orgName },
      signed: current && current.versionNo >= campaign.versionNo ? { id: current.id, verificationCode: current.verificationCode, signedAt: current.signedAt } : null,
    });
  })
  .post('/mine/:campaignId/sign', signedIn(), v('param', campaignParam), v('json', signWithPassword), async (c) => {
    const user = currentUser(c);
    const { campaignId } = c.req.valid('param');
    const { image, password } = c.req.valid('json');
    if (user.personId === null) throw notFound('您的账号未关联人员档案，无法签署');
    const png = decodeSignature(image);
    const db = c.get('db');
    const now = c.get('clock').now();
    const account = await db.selectFrom('app_user').select(['password_hash']).where('id', '=', user.id).executeTakeFirstOrThrow();
    // Counted like a failed login: the same counters, reserved before the password is checked.
    const settings = await loadSettings(db);
    const policy = { maxFailures: settings['login.maxFailures'], lockMinutes: settings['login.lockMinutes'] };
    const key = { username: user.username, address: c.get('ip') };
    const reservation = await reserveLoginGuess(db, key, now, policy);
    if (reservation.refused) throw new AppError(423, 'locked', `密码错误次数过多，已暂停，请 ${minutesLeft(reservation.until, now)} 分钟后再试`);
    if (!(await verifyPassword(account.password_hash, password))) {
      const audit = { objectType: 'user', objectId: user.id, orgUnitId: user.orgUnitId };
      await db.transaction().execute(async (trx) => {
        await recordAuditEvent(trx, actorOf(c), now, { kind: 'pledge.confirm_failed', ...audit, details: { campaignId } });
        if (reservation.lockedNow.length)
          await recordAuditEvent(trx, actorOf(c), now, { kind: 'auth.lockout', ...audit, details: { scopes: reservation.lockedNow.join(','), minutes: policy.lockMinutes } });
      });
      if (reservation.lockedNow.length) throw new AppError(423, 'locked', `密码错误次数过多，已暂停 ${policy.lockMinutes} 分钟`);
      throw badRequest('wrong_password', '密码不正确，未签署');
    }
    await clearLoginGuesses(db, key);
    const signed = await inTransaction(c, async (trx, audit, at) => {
      const s = await recordSignature(trx, {
        campaignId,
        personId: user.personId!,
        png,
        now: at,
        ip: c.get('ip'),
        userAgent: c.get('userAgent'),
        auth: { method: 'password', userId: user.id },
        origin: publicOrigin(c),
      });
      await audit({
        kind: 'pledge.signed',
        objectType: 'pledge_signature',
        objectId: s.id,
        orgUnitId: s.orgUnitId,
        details: { campaignId, personId: user.personId, method: 'password', documentNumber: s.documentNumber, supersedes: s.supersedes },
      });
      return s;
    });
    return c.json({ id: signed.id, verificationCode: signed.verificationCode, documentNumber: signed.documentNumber, fileSha256: signed.fileSha256 }, 201);
  })
  .get('/signatures/:id/pledge.pdf', allow(...ALL_ROLES), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const record = await q.findSignatureInScope(c.get('db'), user.orgPath, c.req.valid('param').id, user.personId);
    if (!record || (user.role === 'admin' && record.personId !== user.personId)) throw notFound('承诺书不存在');
    return sendSignedPledge(c, record);
  })
  .get('/signatures/:id/certificate.pdf', allow(...ALL_ROLES), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const db = c.get('db');
    const record = await q.findSignatureInScope(db, user.orgPath, c.req.valid('param').id, user.personId);
    if (!record || (user.role === 'admin' && record.personId !== user.personId)) throw notFound('承诺书不存在');
    const codeOf = async (id: number | null) =>
      id === null ? null : ((await db.selectFrom('pledge_signature').select('verification_code').where('id', '=', id).executeTakeFirst())?.verification_code ?? null);
    const data = {
      documentNumber: record.documentNumber,
      signerName: record.signerName,
      orgName: record.orgName,
      campaignTitle: record.campaignTitle,
      templateName: record.templateName,
      versionNo: record.versionNo,
      signedAt: record.signedAt,
      ip: record.ip,
      userAgent: record.userAgent,
      authMethod: record.authMethod,
      textSha256: record.textSha256,
      imageSha256: record.imageSha256,
      documentFileSha256: record.documentFileSha256,
      verificationCode: record.verificationCode,
      verifyUrl: record.verifyUrl,
      supersedesCode: await codeOf(record.supersedesId),
      supersededByCode: await codeOf(record.supersededById),
      intact: integrityOf(record).intact,
    };
    return deliverPdf(c, {
      kind: 'pledge_certificate',
      title: '承诺书签署证书',
      orgUnitId: record.orgUnitId,
      orgName: record.campaignOrgName,
      fileName: `签署证书-${record.signerName}-${record.documentNumber}`,
      content: { document: 'pledge_certificate', ...data },
      draw: (pdf) => drawCertificate(pdf, data),
    });
  });
