import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '@qingfeng/db';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { dbId, idParam, pagination, v } from '../../http/validate.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { claimOrConflict, versionField } from '../../http/versioned.ts';
import { checkPasswordPolicy } from '../../auth/rules.ts';
import { generatePasswordFor, hashPassword } from '../../auth/tokens.ts';
import { deleteUserSessions, setPassword } from '../../auth/queries.ts';
import { unlockAccount } from '../../auth/throttle.ts';
import { loadSettings } from '../settings/queries.ts';
import { findOrgInScope } from '../orgs/queries.ts';
import { roleOrgProblem, USERNAME_PATTERN } from './rules.ts';
import * as q from './queries.ts';

const username = z.string().trim().regex(USERNAME_PATTERN, '用户名为 3–32 位字母、数字、下划线、点或短横线');
const displayName = z.string().trim().min(1, '姓名不能为空').max(40);
const createBody = z.object({
  username,
  displayName,
  role: z.enum(ROLES),
  orgUnitId: dbId,
  password: z.string().min(1).max(256).optional(),
});
const updateBody = z
  .object({
    displayName: displayName.optional(),
    role: z.enum(ROLES).optional(),
    orgUnitId: dbId.optional(),
    version: versionField,
  })
  .refine((b) => Object.entries(b).some(([k, x]) => k !== 'version' && x !== undefined), '没有要修改的内容');

export const userRoutes = new Hono<AppEnv>()
  .get('/', allow('admin'), v('query', z.object({ search: z.string().trim().max(40).optional(), ...pagination })), async (c) => {
    const f = c.req.valid('query');
    return c.json(await q.listUsersInScope(c.get('db'), currentUser(c).orgPath, f));
  })
  .get('/:id', allow('admin'), v('param', idParam), async (c) => {
    const u = await q.findUserInScope(c.get('db'), currentUser(c).orgPath, c.req.valid('param').id);
    if (!u) throw notFound('用户不存在');
    return c.json({ user: u });
  })
  .post('/', allow('admin'), v('json', createBody), async (c) => {
    const admin = currentUser(c);
    const body = c.req.valid('json');
    const db = c.get('db');
    const settings = await loadSettings(db);
    const policy = { minLength: settings['password.minLength'], minClasses: settings['password.minClasses'] };
    const password = body.password ?? generatePasswordFor(policy, body.username);
    const problem = checkPasswordPolicy(password, policy, body.username);
    if (problem) throw badRequest('weak_password', problem);
    const passwordHash = await hashPassword(password);
    const created = await inTransaction(c, async (trx, audit, now) => {
      const org = await findOrgInScope(trx, admin.orgPath, body.orgUnitId);
      if (!org) throw notFound('所属组织不存在');
      if (!org.active) throw badRequest('org_inactive', '所属组织已停用，不能在其下建立账号');
      const roleProblem = roleOrgProblem(body.role, org.kind);
      if (roleProblem) throw badRequest('role_org_mismatch', roleProblem);
      if (await q.usernameTaken(trx, body.username)) throw conflict('username_taken', `用户名“${body.username}”已被使用`);
      const u = await q.insertUser(trx, { ...body, personId: null, passwordHash, mustChangePassword: true, now });
      await audit({ kind: 'user.created', objectType: 'user', objectId: u.id, orgUnitId: org.id, details: { username: u.username, role: body.role } });
      return u;
    });
    // The initial password is shown once, to the admin who set it; it must be changed at first login.
    return c.json({ user: created, initialPassword: password }, 201);
  })
  .patch('/:id', allow('admin'), v('param', idParam), v('json', updateBody), async (c) => {
    const admin = currentUser(c);
    const { id } = c.req.valid('param');
    const { version, ...body } = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const u = await q.findUserInScope(trx, admin.orgPath, id);
      if (!u) throw notFound('用户不存在');
      const seen = (r: typeof u) => ({ displayName: r.display_name, role: r.role, orgUnitId: r.org_unit_id, version: r.version });
      await claimOrConflict(trx, 'app_user', id, version, seen(u), body, async () => {
        const after = await q.findUserInScope(trx, admin.orgPath, id);
        return after && seen(after);
      });
      const orgId = body.orgUnitId ?? u.org_unit_id;
      const org = await findOrgInScope(trx, admin.orgPath, orgId);
      if (!org) throw notFound('所属组织不存在');
      if (!org.active && org.id !== u.org_unit_id) throw badRequest('org_inactive', '所属组织已停用，不能将账号调入');
      const role = body.role ?? u.role;
      const roleProblem = roleOrgProblem(role, org.kind);
      if (roleProblem) throw badRequest('role_org_mismatch', roleProblem);
      if (id === admin.id && role !== 'admin') throw badRequest('self_demote', '不能修改自己的管理员角色');
      await q.updateUser(trx, id, body, now);
      // A change of role or scope takes effect at once: old sessions carry the old powers.
      if (body.role !== undefined || body.orgUnitId !== undefined) await deleteUserSessions(trx, id, id === admin.id ? (c.get('sessionId') ?? undefined) : undefined);
      await audit({ kind: 'user.updated', objectType: 'user', objectId: id, orgUnitId: org.id, details: { ...body } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/disable', allow('admin'), v('param', idParam), async (c) => {
    const admin = currentUser(c);
    const { id } = c.req.valid('param');
    if (id === admin.id) throw badRequest('self_disable', '不能停用自己的账号');
    await inTransaction(c, async (trx, audit, now) => {
      const u = await q.findUserInScope(trx, admin.orgPath, id);
      if (!u) throw notFound('用户不存在');
      await q.setUserDisabled(trx, id, true, now);
      await deleteUserSessions(trx, id);
      await audit({ kind: 'user.disabled', objectType: 'user', objectId: id, orgUnitId: u.org_unit_id, details: { username: u.username } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/enable', allow('admin'), v('param', idParam), async (c) => {
    const admin = currentUser(c);
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit, now) => {
      const u = await q.findUserInScope(trx, admin.orgPath, id);
      if (!u) throw notFound('用户不存在');
      await q.setUserDisabled(trx, id, false, now);
      await audit({ kind: 'user.enabled', objectType: 'user', objectId: id, orgUnitId: u.org_unit_id, details: { username: u.username } });
    });
    return c.json({ ok: true as const });
  })
  .post('/:id/unlock', allow('admin'), v('param', idParam), async (c) => {
    const admin = currentUser(c);
    const { id } = c.req.valid('param');
    const cleared = await inTransaction(c, async (trx, audit) => {
      const u = await q.findUserInScope(trx, admin.orgPath, id);
      if (!u) throw notFound('用户不存在');
      const n = await unlockAccount(trx, u.username);
      await audit({ kind: 'user.unlocked', objectType: 'user', objectId: id, orgUnitId: u.org_unit_id, details: { username: u.username, counters: n } });
      return n;
    });
    return c.json({ ok: true as const, cleared });
  })
  .post('/:id/reset-password', allow('admin'), v('param', idParam), async (c) => {
    const admin = currentUser(c);
    const { id } = c.req.valid('param');
    const settings = await loadSettings(c.get('db'));
    const policy = { minLength: settings['password.minLength'], minClasses: settings['password.minClasses'] };
    const target = await q.findUserInScope(c.get('db'), admin.orgPath, id);
    if (!target) throw notFound('用户不存在');
    const password = generatePasswordFor(policy, target.username);
    const passwordHash = await hashPassword(password);
    await inTransaction(c, async (trx, audit, now) => {
      const u = await q.findUserInScope(trx, admin.orgPath, id);
      if (!u) throw notFound('用户不存在');
      await setPassword(trx, id, passwordHash, true, now);
      await deleteUserSessions(trx, id);
      await audit({ kind: 'user.password_reset', objectType: 'user', objectId: id, orgUnitId: u.org_unit_id, details: { username: u.username } });
    });
    return c.json({ initialPassword: password });
  });
