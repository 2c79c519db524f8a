import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { publicRoute, signedIn, currentUser } from '../http/guard.ts';
import { v } from '../http/validate.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { actorOf, inTransaction } from '../http/action.ts';
import { recordAuditEvent } from '../audit/queries.ts';
import { loadSettings } from '../modules/settings/queries.ts';
import { checkPasswordPolicy, minutesLeft } from './rules.ts';
import { clearLoginGuesses, reserveLoginGuess } from './throttle.ts';
import { hashPassword, verifyPassword } from './tokens.ts';
import { clearSessionCookie, createSession, setSessionCookie } from './session.ts';
import * as q from './queries.ts';

// Verifying against a fixed hash when the user does not exist keeps response times alike.
let dummyHash: Promise<string> | null = null;

const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) });
const changePasswordBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) });

export const authRoutes = new Hono<AppEnv>()
  .post('/login', publicRoute(), v('json', loginBody), async (c) => {
    const { username, password } = c.req.valid('json');
    const db = c.get('db');
    const now = c.get('clock').now();
    const settings = await loadSettings(db);
    const base = actorOf(c);
    const policy = { maxFailures: settings['login.maxFailures'], lockMinutes: settings['login.lockMinutes'] };
    const key = { username, address: base.ip };
    // Unknown and known names go through the same steps (counters keyed by name, one argon2
    // verification each), so that neither the answers nor their timing tell which names exist.
    const reservation = await reserveLoginGuess(db, key, now, policy);
    const user = await q.findUserForLogin(db, username);
    const actor = user ? { ...base, userId: user.id, username: user.username, displayName: user.display_name, role: user.role } : { ...base, username };
    const audit = user ? { objectType: 'user', objectId: user.id, orgUnitId: user.org_unit_id } : {};
    const failed = (reason: string, trxExtra?: (trx: Kysely<Database>) => Promise<void>) =>
      db.transaction().execute(async (trx) => {
        await recordAuditEvent(trx, actor, now, { kind: 'auth.login_failed', ...audit, details: user ? { reason } : { username, reason: reason === 'bad_password' ? 'unknown_user' : reason } });
        await trxExtra?.(trx);
      });
    const lockedAnswer = (minutes: number) => c.json({ error: { code: 'locked', message: `登录失败次数过多，已暂停登录，请 ${minutes} 分钟后再试` } }, 423);

    if (reservation.refused) {
      await failed('locked');
      return lockedAnswer(minutesLeft(reservation.until, now));
    }

    dummyHash ??= hashPassword('qingfeng-dummy-password');
    const passwordOk = user ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash, password)) && false;
    if (!user || !passwordOk) {
      await failed('bad_password', async (trx) => {
        if (reservation.lockedNow.length)
          await recordAuditEvent(trx, actor, now, {
            kind: 'auth.lockout',
            ...audit,
            details: { ...(user ? {} : { username }), scopes: reservation.lockedNow.join(','), minutes: policy.lockMinutes },
          });
      });
      if (reservation.lockedNow.length) return lockedAnswer(policy.lockMinutes);
      return c.json({ error: { code: 'invalid_credentials', message: '用户名或密码错误' } }, 401);
    }
    await clearLoginGuesses(db, key);
    if (user.disabled || !user.org_active) {
      await failed(user.disabled ? 'disabled' : 'org_inactive');
      return c.json({ error: { code: 'disabled', message: user.disabled ? '账号已停用，请联系系统管理员' : '所属组织已停用，账号不能登录，请联系系统管理员' } }, 403);
    }

    const session = await db.transaction().execute(async (trx) => {
      await q.recordLoginSuccess(trx, user.id, now);
      const s = await createSession(trx, user.id, now, base.ip, base.userAgent);
      await recordAuditEvent(trx, actor, now, { kind: 'auth.login', ...audit, details: { sessionId: s.id } });
      return s;
    });
    setSessionCookie(c, session.token, settings['session.absoluteHours'] * 3600);
    return c.json({ token: session.token, mustChangePassword: user.must_change_password });
  })
  .post('/logout', signedIn({ allowPasswordChange: true }), async (c) => {
    const user = currentUser(c);
    const sessionId = c.get('sessionId')!;
    await inTransaction(c, async (trx, audit) => {
      await q.deleteSession(trx, sessionId);
      await audit({ kind: 'auth.logout', objectType: 'user', objectId: user.id, orgUnitId: user.orgUnitId, details: { sessionId } });
    });
    clearSessionCookie(c);
    return c.json({ ok: true as const });
  })
  .get('/me', signedIn({ allowPasswordChange: true }), (c) => {
    return c.json({ user: currentUser(c) });
  })
  .post('/password', signedIn({ allowPasswordChange: true }), v('json', changePasswordBody), async (c) => {
    const user = currentUser(c);
    const { currentPassword, newPassword } = c.req.valid('json');
    const db = c.get('db');
    const settings = await loadSettings(db);
    const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    if (!(await verifyPassword(row.password_hash, currentPassword))) throw badRequest('wrong_password', '当前密码不正确');
    if (currentPassword === newPassword) throw badRequest('same_password', '新密码不能与当前密码相同');
    const problem = checkPasswordPolicy(newPassword, { minLength: settings['password.minLength'], minClasses: settings['password.minClasses'] }, user.username);
    if (problem) throw badRequest('weak_password', problem);
    const passwordHash = await hashPassword(newPassword);
    await inTransaction(c, async (trx, audit, now) => {
      await q.setPassword(trx, user.id, passwordHash, false, now);
      // Other sessions may belong to whoever knew the old password.
      await q.deleteUserSessions(trx, user.id, c.get('sessionId') ?? undefined);
      await audit({ kind: 'auth.password_changed', objectType: 'user', objectId: user.id, orgUnitId: user.orgUnitId });
    });
    return c.json({ ok: true as const });
  })
  .get('/sessions', signedIn(), async (c) => {
    const user = currentUser(c);
    const current = c.get('sessionId');
    const rows = await q.listUserSessions(c.get('db'), user.id);
    return c.json({
      items: rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at.toISOString(),
        lastActiveAt: r.last_verified_at.toISOString(),
        ip: r.ip,
        userAgent: r.user_agent,
        current: r.id === current,
      })),
    });
  })
  .delete('/sessions/:id', signedIn(), v('param', z.object({ id: z.string().min(1).max(64) })), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    const own = (await q.listUserSessions(c.get('db'), user.id)).some((s) => s.id === id);
    if (!own) throw notFound('会话不存在');
    await inTransaction(c, async (trx, audit) => {
      await q.deleteSession(trx, id);
      await audit({ kind: 'auth.session_revoked', objectType: 'user', objectId: user.id, orgUnitId: user.orgUnitId, details: { sessionId: id } });
    });
    if (id === c.get('sessionId')) clearSessionCookie(c);
    return c.json({ ok: true as const });
  });

