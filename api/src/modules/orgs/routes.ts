import { Hono } from 'hono';
import { z } from 'zod';
import { ORG_KINDS } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, ALL_ROLES, currentUser } from '../../http/guard.ts';
import { dbId, idParam, v } from '../../http/validate.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimOrConflict, staleWrite, versionField } from '../../http/versioned.ts';
import { canContain, depthOf, inScope, ORG_KIND_LABELS } from './rules.ts';
import * as q from './queries.ts';

const name = z.string().trim().min(1, '名称不能为空').max(60, '名称最多 60 个字符');
const createBody = z.object({ parentId: dbId, kind: z.enum(ORG_KINDS), name });
const renameBody = z.object({ name, version: versionField });
const moveBody = z.object({ parentId: dbId });

export const orgRoutes = new Hono<AppEnv>()
  .get('/', allow(...ALL_ROLES), v('query', z.object({ includeInactive: z.enum(['true', 'false']).optional() })), async (c) => {
    const user = currentUser(c);
    const includeInactive = c.req.valid('query').includeInactive === 'true';
    const rows = await q.listOrgsInScope(c.get('db'), user.orgPath, { includeInactive });
    return c.json({
      items: rows.map((r) => ({ ...r, depth: depthOf(r.path) - depthOf(user.orgPath), kindLabel: ORG_KIND_LABELS[r.kind] })),
    });
  })
  .get('/:id', allow(...ALL_ROLES), v('param', idParam), async (c) => {
    const org = await q.findOrgInScope(c.get('db'), currentUser(c).orgPath, c.req.valid('param').id);
    if (!org) throw notFound('组织不存在');
    return c.json({ org: { ...org, kindLabel: ORG_KIND_LABELS[org.kind] } });
  })
  .post('/', allow('admin'), v('json', createBody), async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const org = await inTransaction(c, async (trx, audit) => {
      const parent = await q.findOrgInScope(trx, user.orgPath, body.parentId);
      if (!parent) throw notFound('上级组织不存在');
      if (!parent.active) throw badRequest('parent_inactive', '上级组织已停用，不能在其下新建');
      if (!canContain(parent.kind, body.kind))
        throw badRequest('bad_kind', `${ORG_KIND_LABELS[parent.kind]}下不能建立${ORG_KIND_LABELS[body.kind]}`);
      const created = await q.insertOrg(trx, { parentId: parent.id, parentPath: parent.path, kind: body.kind, name: body.name });
      await audit({ kind: 'org.created', objectType: 'org_unit', objectId: created.id, orgUnitId: created.id, details: { name: created.name, kind: created.kind, parentId: parent.id } });
      return created;
    });
    return c.json({ org }, 201);
  })
  .patch('/:id', allow('admin'), v('param', idParam), v('json', renameBody), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const { name: newName, version } = c.req.valid('json');
    await inTransaction(c, async (trx, audit) => {
      const org = await q.findOrgInScope(trx, user.orgPath, id);
      if (!org) throw notFound('组织不存在');
      if (org.name === newName) {
        if (org.version !== version) throw staleWrite(org.version, org, { name: newName });
        return;
      }
      await claimOrConflict(trx, 'org_unit', id, version, org, { name: newName }, () => q.findOrgInScope(trx, user.orgPath, id));
      await q.renameOrg(trx, id, newName);
      await audit({ kind: 'org.renamed', objectType: 'org_unit', objectId: id, orgUnitId: id, details: { from: org.name, to: newName } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/move', allow('admin'), v('param', idParam), v('json', moveBody), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const { parentId } = c.req.valid('json');
    await inTransaction(c, async (trx, audit) => {
      const org = await q.findOrgInScope(trx, user.orgPath, id);
      const parent = await q.findOrgInScope(trx, user.orgPath, parentId);
      if (!org || !parent) throw notFound('组织不存在');
      if (org.path === user.orgPath) throw badRequest('move_own_root', '不能移动本人所属的组织');
      if (inScope(org.path, parent.path)) throw badRequest('move_into_self', '不能移动到自身或其下级组织之下');
      if (!parent.active) throw badRequest('parent_inactive', '目标上级组织已停用，不能移入');
      if (!canContain(parent.kind, org.kind))
        throw badRequest('bad_kind', `${ORG_KIND_LABELS[parent.kind]}下不能放置${ORG_KIND_LABELS[org.kind]}`);
      if (org.parent_id === parent.id) return;
      await q.moveOrg(trx, id, org.path, parent.id, parent.path);
      await audit({ kind: 'org.moved', objectType: 'org_unit', objectId: id, orgUnitId: id, details: { fromParentId: org.parent_id, toParentId: parent.id } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/deactivate', allow('admin'), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const org = await q.findOrgInScope(trx, user.orgPath, id);
      if (!org) throw notFound('组织不存在');
      if (org.path === user.orgPath) throw badRequest('deactivate_own_root', '不能停用本人所属的组织');
      if (!org.active) return;
      if ((await q.countActiveChildren(trx, id)) > 0) throw conflict('has_children', '该组织下还有启用的下级组织，请先停用下级');
      await q.setOrgActive(trx, id, false);
      await audit({ kind: 'org.deactivated', objectType: 'org_unit', objectId: id, orgUnitId: id, details: { name: org.name } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/activate', allow('admin'), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const org = await q.findOrgInScope(trx, user.orgPath, id);
      if (!org) throw notFound('组织不存在');
      if (org.active) return;
      if (org.parent_id !== null && !(await q.isOrgActive(trx, org.parent_id)))
        throw badRequest('parent_inactive', '上级组织已停用，请先启用上级组织');
      await q.setOrgActive(trx, id, true);
      await audit({ kind: 'org.activated', objectType: 'org_unit', objectId: id, orgUnitId: id, details: { name: org.name } });
    });
    return c.json({ ok: true as const });
  });
