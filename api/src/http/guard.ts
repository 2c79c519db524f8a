import { createMiddleware } from 'hono/factory';
import type { Role } from '@qingfeng/db';
import type { AppEnv, SessionUser } from '../context.ts';
import { forbidden, unauthorized, AppError } from './errors.ts';

/**
 * Who may call, by guard middleware. Every route states it with allow(...), signedIn() or
 * publicRoute(); createApp refuses to build an app with a route that has none (deny by default),
 * and the OpenAPI document reads the roles from here.
 */
export const routeGuards = new WeakMap<Function, string[]>();

export interface RouteEntry {
  method: string;
  path: string;
  handler: Function;
}

/**
 * The `METHOD path` of every route whose first handler is not a guard. Hono lists a route once per
 * handler, in order (guard, validators, handler), and `use()` middleware with method ALL, which is
 * skipped. The guard must come first: a validator or handler before it would run for anyone.
 */
export function unguardedRoutes(routes: readonly RouteEntry[]): string[] {
  const first = new Map<string, Function>();
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    if (!first.has(key)) first.set(key, r.handler);
  }
  return [...first].filter(([, handler]) => !guardOf(handler)).map(([key]) => key);
}

/** The roles a handler admits when it is a guard. A sub-app with its own onError wraps handlers. */
export function guardOf(handler: Function): string[] | undefined {
  return routeGuards.get(handler) ?? routeGuards.get((handler as { __COMPOSED_HANDLER?: Function }).__COMPOSED_HANDLER ?? handler);
}

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
