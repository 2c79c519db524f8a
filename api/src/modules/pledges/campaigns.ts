// Campaigns: who must sign which version by when; signers chosen by filters and by hand; the dashboard,
// the signer list (JSON and Excel), one-time links and the per-village QR sheet, the combined PDF.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { PERSON_CATEGORIES } from '@qingfeng/db';
import type { AppEnv, SessionUser } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { dbId, idParam, isoDate, pagination, v } from '../../http/validate.ts';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimOrConflict, staleWrite, versionField } from '../../http/versioned.ts';
import { deliverPdf } from '../../pdf/deliver.ts';
import { generateSecureRandomString } from '../../auth/tokens.ts';
import { sha256Hex } from '../../pdf/hash.ts';
import { todayInShanghai } from '../roster/rules.ts';
import { LINK_VALID_DAYS } from './rules.ts';
import { drawPledgePage, drawQrSheet } from './pdf.ts';
import { pledgePageOf } from './sign.ts';
import { buildSignerWorkbook, signerWorkbookName } from './excel.ts';
import { xlsxResponse } from '../../excel/export.ts';
import { PLEDGE_READERS, PLEDGE_RUNNERS } from './templates.ts';
import * as q from './queries.ts';

/** Secretaries see the campaigns covering their village, limited to its signers. */
const CAMPAIGN_VIEWERS = [...PLEDGE_READERS, 'secretary'] as const;
/** Most pages a combined PDF draws in one download. */
const MAX_COMBINED = 5000;

const campaignBody = z.object({
  title: z.string().trim().min(1).max(100),
  templateVersionId: dbId,
  startDate: isoDate,
  dueDate: isoDate,
  /** The org unit whose people are asked (its subtree); defaults to the caller's own. */
  orgUnitId: dbId.optional(),
});
const patchBody = z
  .object({
    title: z.string().trim().min(1).max(100).optional(),
    dueDate: isoDate.optional(),
    /** A newer published version of the same template: everyone signed before must sign again. */
    templateVersionId: dbId.optional(),
    closed: z.boolean().optional(),
    version: versionField,
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), '没有要修改的内容');
const filterBody = z.object({
  committeeMembers: z.enum(['all', 'party', 'residents', 'principals']).optional(),
  categories: z.array(z.enum(PERSON_CATEGORIES)).max(PERSON_CATEGORIES.length).optional(),
  orgIds: z.array(dbId).max(500).optional(),
});
const addBody = z
  .object({ filter: filterBody.optional(), personIds: z.array(dbId).max(5000).optional() })
  .refine((b) => b.filter || b.personIds?.length, '请选择筛选条件或人员');
const listQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional(), q: z.string().trim().max(50).optional() });
const signerQuery = z.object({
  status: z.enum(['signed', 'pending', 'overdue']).optional(),
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  q: z.string().trim().max(50).optional(),
  ...pagination,
});
const signerParam = z.object({ id: idParam.shape.id, personId: idParam.shape.id });
const orgQuery = z.object({ org: z.coerce.number().int().positive().max(2_147_483_647) });
const candidateQuery = z.object({ q: z.string().trim().min(1).max(50) });

/** The campaign as the caller sees it, or 404. */
async function campaignFor(c: Context<AppEnv>, id: number) {
  const campaign = await q.findCampaign(c.get('db'), currentUser(c).orgPath, id);
  if (!campaign) throw notFound('签署活动不存在');
  return campaign;
}

/** Only runners whose subtree holds the campaign's org unit may change it. */
function assertManages(user: SessionUser, campaign: q.CampaignRow) {
  if (!(PLEDGE_RUNNERS as readonly string[]).includes(user.role) || !campaign.orgPath.startsWith(user.orgPath)) throw forbidden('只有发起单位的党建办或纪检可以管理本次签署活动');
}

const canManage = (user: SessionUser, campaign: q.CampaignRow) =>
  (PLEDGE_RUNNERS as readonly string[]).includes(user.role) && campaign.orgPath.startsWith(user.orgPath);

/** The public origin printed in links and QR codes. */
export function publicOrigin(c: Context<AppEnv>): string {
  return process.env.ORIGIN?.replace(/\/+$/, '') || new URL(c.req.url).origin;
}

function newLinkToken(): { token: string; tokenSha256: string } {
  const token = generateSecureRandomString();
  return { token, tokenSha256: sha256Hex(token) };
}

export const campaignRoutes = new Hono<AppEnv>()
  .get('/', allow(...CAMPAIGN_VIEWERS), v('query', listQuery), async (c) => {
    const user = currentUser(c);
    const today = todayInShanghai(c.get('clock').now());
    const items = await q.listCampaigns(c.get('db'), user.orgPath, today, c.req.valid('query'));
    return c.json({ items: items.map(({ orgPath: _p, ...rest }) => rest), today });
  })
  .post('/', allow(...PLEDGE_RUNNERS), v('json', campaignBody), async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    if (body.dueDate < body.startDate) throw badRequest('bad_dates', '截止日期不能早于开始日期');
    const db = c.get('db');
    const version = await q.findVersion(db, user.orgPath, body.templateVersionId);
    if (!version) throw notFound('承诺书版本不存在');
    if (!version.publishedAt) throw conflict('not_published', '只能使用已发布的承诺书版本');
    const orgUnitId = body.orgUnitId ?? user.orgUnitId;
    const org = await db.selectFrom('org_unit').select(['id', 'path']).where('id', '=', orgUnitId).where('path', 'like', `${user.orgPath}%`).executeTakeFirst();
    if (!org) throw notFound('组织不存在');
    const created = await inTransaction(c, async (trx, audit, now) => {
      const campaign = await q.insertCampaign(trx, { ...body, orgUnitId, createdBy: user.id, now });
      await audit({
        kind: 'pledge.campaign_created',
        objectType: 'pledge_campaign',
        objectId: campaign.id,
        orgUnitId,
        details: { title: body.title, templateVersionId: body.templateVersionId, dueDate: body.dueDate },
      });
      return campaign;
    });
    return c.json(created, 201);
  })
  .get('/:id', allow(...CAMPAIGN_VIEWERS), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const today = todayInShanghai(c.get('clock').now());
    // The campaign and its progress in one statement (the dashboard is the page everyone reloads).
    const d = await q.campaignDashboard(c.get('db'), user.orgPath, c.req.valid('param').id, today);
    if (!d) throw notFound('签署活动不存在');
    const { campaign, progress } = d;
    const { orgPath: _p, ...rest } = campaign;
    return c.json({ campaign: rest, progress, today, canManage: canManage(user, campaign) });
  })
  .patch('/:id', allow(...PLEDGE_RUNNERS), v('param', idParam), v('json', patchBody), async (c) => {
    const user = currentUser(c);
    const { version, ...body } = c.req.valid('json');
    const campaign = await campaignFor(c, c.req.valid('param').id);
    assertManages(user, campaign);
    const seen = (r: q.CampaignRow) => ({ title: r.title, dueDate: r.dueDate, templateVersionId: r.templateVersionId, closed: r.closedAt !== null, version: r.version });
    if (campaign.version !== version) throw staleWrite(campaign.version, seen(campaign), body);
    if (body.dueDate && body.dueDate < campaign.startDate) throw badRequest('bad_dates', '截止日期不能早于开始日期');
    if (body.templateVersionId !== undefined && body.templateVersionId !== campaign.templateVersionId) {
      const next = await q.findVersion(c.get('db'), user.orgPath, body.templateVersionId);
      if (!next || next.templateId !== campaign.templateId) throw badRequest('bad_version', '只能改用同一模板的其他版本');
      if (!next.publishedAt) throw conflict('not_published', '只能使用已发布的承诺书版本');
      if (next.versionNo < campaign.versionNo) throw badRequest('bad_version', '只能改用更新的版本');
    }
    await inTransaction(c, async (trx, audit, now) => {
      await claimOrConflict(trx, 'pledge_campaign', campaign.id, version, seen(campaign), body, async () => {
        const after = await q.findCampaign(trx, user.orgPath, campaign.id);
        return after && seen(after);
      });
      await q.updateCampaign(trx, campaign.id, {
        ...(body.title !== undefined && { title: body.title }),
        ...(body.dueDate !== undefined && { dueDate: body.dueDate }),
        ...(body.templateVersionId !== undefined && { templateVersionId: body.templateVersionId }),
        ...(body.closed !== undefined && { closedAt: body.closed ? now : null }),
        now,
      });
      await audit({ kind: 'pledge.campaign_updated', objectType: 'pledge_campaign', objectId: campaign.id, orgUnitId: campaign.orgUnitId, details: { ...body } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/signers/preview', allow(...PLEDGE_RUNNERS), v('param', idParam), v('json', filterBody), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    assertManages(user, campaign);
    const today = todayInShanghai(c.get('clock').now());
    const persons = await q.matchSigners(c.get('db'), campaign.orgPath, c.req.valid('json'), today);
    return c.json({ items: persons, total: persons.length });
  })
  .get('/:id/candidates', allow(...PLEDGE_RUNNERS), v('param', idParam), v('query', candidateQuery), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    assertManages(user, campaign);
    const needle = `%${c.req.valid('query').q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const items = await c
      .get('db')
      .selectFrom('person as p')
      .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
      .select(['p.id', 'p.name', 'o.name as orgName', 'p.category'])
      .where('o.path', 'like', `${campaign.orgPath}%`)
      .where('p.name', 'like', needle)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('pledge_signer as s').select('s.person_id').where('s.campaign_id', '=', campaign.id).whereRef('s.person_id', '=', 'p.id'))))
      .orderBy('p.name')
      .limit(20)
      .execute();
    return c.json({ items });
  })
  .post('/:id/signers', allow(...PLEDGE_RUNNERS), v('param', idParam), v('json', addBody), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    assertManages(user, campaign);
    const body = c.req.valid('json');
    const today = todayInShanghai(c.get('clock').now());
    const result = await inTransaction(c, async (trx, audit, now) => {
      const matched = body.filter ? (await q.matchSigners(trx, campaign.orgPath, body.filter, today, 100_000)).map((p) => p.id) : [];
      const ids = [...new Set([...matched, ...(body.personIds ?? [])])];
      const added = await q.addSigners(trx, campaign.id, campaign.orgPath, ids, user.id, now);
      await audit({
        kind: 'pledge.signers_added',
        objectType: 'pledge_campaign',
        objectId: campaign.id,
        orgUnitId: campaign.orgUnitId,
        details: { added, requested: ids.length, ...(body.filter && { filter: body.filter }) },
      });
      return { added, requested: ids.length };
    });
    return c.json(result);
  })
  .delete('/:id/signers/:personId', allow(...PLEDGE_RUNNERS), v('param', signerParam), async (c) => {
    const user = currentUser(c);
    const { id, personId } = c.req.valid('param');
    const campaign = await campaignFor(c, id);
    assertManages(user, campaign);
    const db = c.get('db');
    const signer = await q.findSigner(db, user.orgPath, id, personId);
    if (!signer) throw notFound('签署人不存在');
    if (await q.hasSignatures(db, id, personId)) throw conflict('signed', '该人员已签署，不能移出名单');
    await inTransaction(c, async (trx, audit) => {
      await q.removeSigner(trx, id, personId);
      await audit({ kind: 'pledge.signer_removed', objectType: 'pledge_campaign', objectId: id, orgUnitId: signer.orgUnitId, details: { personId, name: signer.name } });
    });
    return c.json({ ok: true as const });
  })
  .get('/:id/signers', allow(...CAMPAIGN_VIEWERS), v('param', idParam), v('query', signerQuery), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    const { org, ...f } = c.req.valid('query');
    const today = todayInShanghai(c.get('clock').now());
    return c.json(await q.listCampaignSigners(c.get('db'), user.orgPath, campaign, today, { ...f, orgId: org }));
  })
  .get('/:id/signers.xlsx', allow(...CAMPAIGN_VIEWERS), v('param', idParam), v('query', signerQuery.pick({ status: true, org: true, q: true })), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    const { org, ...f } = c.req.valid('query');
    const today = todayInShanghai(c.get('clock').now());
    const { bytes } = await inTransaction(c, async (trx, audit, now) => {
      const list = await q.listCampaignSigners(trx, user.orgPath, campaign, today, { ...f, orgId: org, page: 1, pageSize: 1_000_000 });
      const bytes = await buildSignerWorkbook(campaign, list.items, { generatedAt: now, generatedBy: user.displayName });
      await audit({
        kind: 'export.downloaded',
        objectType: 'pledge_campaign',
        objectId: campaign.id,
        orgUnitId: campaign.orgUnitId,
        details: { report: 'pledge-signers', format: 'xlsx', rows: list.items.length },
      });
      return { bytes };
    });
    return xlsxResponse(c, bytes, signerWorkbookName(campaign), `pledge-signers-${campaign.id}.xlsx`);
  })
  .post('/:id/signers/:personId/link', allow(...PLEDGE_RUNNERS, 'secretary'), v('param', signerParam), async (c) => {
    const user = currentUser(c);
    const { id, personId } = c.req.valid('param');
    const campaign = await campaignFor(c, id);
    if (campaign.closedAt) throw conflict('campaign_closed', '签署活动已结束');
    const signer = await q.findSigner(c.get('db'), user.orgPath, id, personId);
    if (!signer) throw notFound('签署人不存在');
    const { token, tokenSha256 } = newLinkToken();
    const link = await inTransaction(c, async (trx, audit, now) => {
      const expiresAt = new Date(now.getTime() + LINK_VALID_DAYS * 86_400_000);
      const l = await q.issueLink(trx, { campaignId: id, personId, tokenSha256, now, expiresAt, createdBy: user.id });
      await audit({ kind: 'pledge.links_issued', objectType: 'pledge_campaign', objectId: id, orgUnitId: signer.orgUnitId, details: { linkIds: [l.id], count: 1 } });
      return { expiresAt };
    });
    // The token is shown this once; only its hash is kept.
    return c.json({ url: `${publicOrigin(c)}/sign/${token}`, expiresAt: link.expiresAt });
  })
  .post('/:id/signers/:personId/link/revoke', allow(...PLEDGE_RUNNERS, 'secretary'), v('param', signerParam), async (c) => {
    const user = currentUser(c);
    const { id, personId } = c.req.valid('param');
    await campaignFor(c, id);
    const signer = await q.findSigner(c.get('db'), user.orgPath, id, personId);
    if (!signer) throw notFound('签署人不存在');
    const revoked = await inTransaction(c, async (trx, audit, now) => {
      const n = await q.revokeLinks(trx, id, personId, now);
      await audit({ kind: 'pledge.link_revoked', objectType: 'pledge_campaign', objectId: id, orgUnitId: signer.orgUnitId, details: { personId, revoked: n } });
      return n;
    });
    return c.json({ revoked });
  })
  // A POST: printing the sheet issues new links (and voids those of an earlier print).
  .post('/:id/qr-sheet.pdf', allow(...PLEDGE_RUNNERS, 'secretary'), v('param', idParam), v('query', orgQuery), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    if (campaign.closedAt) throw conflict('campaign_closed', '签署活动已结束');
    const orgId = c.req.valid('query').org;
    const db = c.get('db');
    const org = await db.selectFrom('org_unit').select(['id', 'name']).where('id', '=', orgId).where('path', 'like', `${user.orgPath}%`).executeTakeFirst();
    if (!org) throw notFound('组织不存在');
    const origin = publicOrigin(c);
    const issued = await inTransaction(c, async (trx, audit, now) => {
      const signers = await q.qrSheetSigners(trx, user.orgPath, campaign, orgId);
      const expiresAt = new Date(now.getTime() + LINK_VALID_DAYS * 86_400_000);
      const cards = [];
      for (const s of signers) {
        const { token, tokenSha256 } = newLinkToken();
        await q.issueLink(trx, { campaignId: campaign.id, personId: s.personId, tokenSha256, now, expiresAt, createdBy: user.id });
        cards.push({ name: s.name, orgName: s.orgName, url: `${origin}/sign/${token}` });
      }
      await audit({ kind: 'pledge.links_issued', objectType: 'pledge_campaign', objectId: campaign.id, orgUnitId: orgId, details: { count: cards.length, qrSheet: true } });
      return { cards, expiresAt };
    });
    return deliverPdf(c, {
      kind: 'pledge_qr_sheet',
      title: `签署二维码-${org.name}`,
      orgUnitId: org.id,
      orgName: campaign.orgName,
      fileName: `承诺书签署二维码-${org.name}`,
      // The tokens are secrets: the registry's content hash covers who is on the sheet, not their links.
      content: { document: 'pledge_qr_sheet', campaignId: campaign.id, orgId, names: issued.cards.map((x) => x.name), expiresAt: issued.expiresAt },
      draw: (pdf) => drawQrSheet(pdf, { campaignTitle: campaign.title, orgName: org.name, expiresAt: issued.expiresAt }, issued.cards),
    });
  })
  .get('/:id/signatures.pdf', allow(...CAMPAIGN_VIEWERS), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const campaign = await campaignFor(c, c.req.valid('param').id);
    const records = await q.campaignSignatures(c.get('db'), user.orgPath, campaign.id, MAX_COMBINED);
    if (records.length === 0) throw notFound('还没有已签署的承诺书');
    return deliverPdf(c, {
      kind: 'pledge_combined',
      title: `承诺书汇编-${campaign.title}`,
      orgUnitId: campaign.orgUnitId,
      orgName: campaign.orgName,
      fileName: `承诺书汇编-${campaign.title}`,
      content: { document: 'pledge_combined', campaignId: campaign.id, signatures: records.map((r) => [r.id, r.textSha256, r.imageSha256]) },
      draw: async (pdf) => {
        for (const [i, r] of records.entries()) {
          if (i > 0) pdf.addPage();
          await drawPledgePage(pdf, pledgePageOf(r));
          if (i % 20 === 19) await pdf.breathe();
        }
      },
    });
  });
