// Pledge templates and their versions. A draft may be edited, published or deleted; a published version
// is frozen by the database; a change of text is a new version (and campaigns then need new signatures).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimOrConflict, versionField } from '../../http/versioned.ts';
import * as q from './queries.ts';

/** The party work office and inspectors run pledges; auditors read. */
export const PLEDGE_RUNNERS = ['org_office', 'inspector'] as const;
export const PLEDGE_READERS = ['org_office', 'inspector', 'auditor'] as const;

const paragraphs = z
  .array(z.string().trim().min(1).max(2000))
  .min(1, '正文至少一段')
  .max(60, '正文最多 60 段');
const versionBody = z.object({
  title: z.string().trim().min(1).max(100),
  paragraphs,
  note: z.string().trim().max(500).default(''),
});
const templateBody = z.object({
  name: z.string().trim().min(1).max(100),
  audience: z.string().trim().max(200).default(''),
  version: versionBody,
});
const versionParam = z.object({ id: idParam.shape.id, versionId: idParam.shape.id });

export const templateRoutes = new Hono<AppEnv>()
  .get('/', allow(...PLEDGE_READERS), async (c) => {
    return c.json({ items: await q.listTemplates(c.get('db'), currentUser(c).orgPath) });
  })
  .post('/', allow(...PLEDGE_RUNNERS), v('json', templateBody), async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const created = await inTransaction(c, async (trx, audit, now) => {
      const t = await q.insertTemplate(trx, { orgUnitId: user.orgUnitId, name: body.name, audience: body.audience, createdBy: user.id, now });
      const version = await q.insertVersion(trx, { templateId: t.id, ...body.version, createdBy: user.id, now });
      await audit({ kind: 'pledge.template_created', objectType: 'pledge_template', objectId: t.id, orgUnitId: user.orgUnitId, details: { name: body.name } });
      return { id: t.id, versionId: version.id };
    });
    return c.json(created, 201);
  })
  .get('/:id', allow(...PLEDGE_READERS), v('param', idParam), async (c) => {
    const db = c.get('db');
    const template = await q.findTemplate(db, currentUser(c).orgPath, c.req.valid('param').id);
    if (!template) throw notFound('承诺书模板不存在');
    return c.json({ template, versions: await q.listVersions(db, template.id) });
  })
  .post('/:id/versions', allow(...PLEDGE_RUNNERS), v('param', idParam), v('json', versionBody), async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const template = await q.findTemplate(c.get('db'), user.orgPath, c.req.valid('param').id);
    if (!template) throw notFound('承诺书模板不存在');
    const version = await inTransaction(c, async (trx, audit, now) => {
      const created = await q.insertVersion(trx, { templateId: template.id, ...body, createdBy: user.id, now });
      await audit({
        kind: 'pledge.version_created',
        objectType: 'pledge_template_version',
        objectId: created.id,
        orgUnitId: template.orgUnitId,
        details: { templateId: template.id, versionNo: created.versionNo },
      });
      return created;
    });
    return c.json(version, 201);
  })
  .put('/:id/versions/:versionId', allow(...PLEDGE_RUNNERS), v('param', versionParam), v('json', versionBody.extend({ version: versionField })), async (c) => {
    const user = currentUser(c);
    const { id, versionId } = c.req.valid('param');
    const { version: expected, ...body } = c.req.valid('json');
    const version = await q.findVersion(c.get('db'), user.orgPath, versionId);
    if (!version || version.templateId !== id) throw notFound('承诺书版本不存在');
    if (version.publishedAt) throw conflict('published', '已发布的版本不能修改；如需修改请新建版本');
    await inTransaction(c, async (trx, audit, now) => {
      await claimOrConflict(trx, 'pledge_template_version', versionId, expected, version, body);
      await q.updateDraftVersion(trx, versionId, { ...body, now });
      await audit({ kind: 'pledge.version_updated', objectType: 'pledge_template_version', objectId: versionId, orgUnitId: version.orgUnitId, details: { templateId: id } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/versions/:versionId/publish', allow(...PLEDGE_RUNNERS), v('param', versionParam), async (c) => {
    const user = currentUser(c);
    const { id, versionId } = c.req.valid('param');
    const version = await q.findVersion(c.get('db'), user.orgPath, versionId);
    if (!version || version.templateId !== id) throw notFound('承诺书版本不存在');
    if (version.publishedAt) throw conflict('published', '该版本已发布');
    await inTransaction(c, async (trx, audit, now) => {
      await q.publishVersion(trx, versionId, now);
      await audit({
        kind: 'pledge.version_published',
        objectType: 'pledge_template_version',
        objectId: versionId,
        orgUnitId: version.orgUnitId,
        details: { templateId: id, versionNo: version.versionNo },
      });
    });
    return c.json({ ok: true as const });
  })
  .delete('/:id/versions/:versionId', allow(...PLEDGE_RUNNERS), v('param', versionParam), async (c) => {
    const user = currentUser(c);
    const { id, versionId } = c.req.valid('param');
    const version = await q.findVersion(c.get('db'), user.orgPath, versionId);
    if (!version || version.templateId !== id) throw notFound('承诺书版本不存在');
    if (version.publishedAt) throw conflict('published', '已发布的版本不能删除');
    await inTransaction(c, async (trx, audit) => {
      await q.deleteDraftVersion(trx, versionId);
      await audit({ kind: 'pledge.version_deleted', objectType: 'pledge_template_version', objectId: versionId, orgUnitId: version.orgUnitId, details: { templateId: id } });
    });
    return c.json({ ok: true as const });
  });
