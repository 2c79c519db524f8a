import { error } from '@sveltejs/kit';
import type { Role } from '@qingfeng/db/schema';
import type { SessionUser } from '@qingfeng/api';

/** The signed-in user, who must hold one of `roles` (the API checks again on every call). */
export function requireRole(locals: App.Locals, ...roles: Role[]): SessionUser {
  const user = locals.user;
  if (!user) error(401, { message: '请先登录' });
  if (roles.length && !roles.includes(user.role)) error(403, { message: '您的角色无权使用此页面' });
  return user;
}
