import { createMiddleware } from 'hono/factory';
import type { Role } from '@qingfeng/db';
import type { AppEnv, SessionUser } from '../context.ts';
import { forbidden, unauthorized, AppError } from './errors.ts';

/** Middlewares that state who may call a route. A test checks every route carries one. */
/** Who may call, by guard middleware: read by the route-coverage test and the OpenAPI document. */
export const routeGuards = new WeakMap<Function, string[]>();


/**
 * Only these roles may call the route. Users who must change their password may call nothing
 * but the password change, me and logout (which use `signedIn({ allowPasswordChange: true })`).
 */
export function allow(...roles: Role[]) {
  const mw = createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized();
    if (user.mustChangePassword) throw new AppError(403, 'password_change_required', '请先修改初始密码');
    if (!roles.includes(user.role)) throw forbidden();
    await next();
  });
  routeGuards.set(mw, roles);
  return mw;
}

export const ALL_ROLES: Role[] = ['admin', 'org_office', 'inspector', 'secretary', 'auditor'];

/** Any signed-in user. */
export function signedIn(options: { allowPasswordChange?: boolean } = {}) {
  const mw = createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized();
    if (user.mustChangePassword && !options.allowPasswordChange)
      throw new AppError(403, 'password_change_required', '请先修改初始密码');
    await next();
  });
  routeGuards.set(mw, ['signed-in']);
  return mw;
}

/** Explicitly public (login, health). */
export function publicRoute() {
  const mw = createMiddleware<AppEnv>(async (_c, next) => {
    await next();
  });
  routeGuards.set(mw, ['public']);
  return mw;
}

/** The user a guarded route runs for. */
export function currentUser(c: { get(key: 'user'): SessionUser | null }): SessionUser {
  const user = c.get('user');
  if (!user) throw unauthorized();
  return user;
}
