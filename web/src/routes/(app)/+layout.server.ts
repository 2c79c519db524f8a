import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { rolesForPath } from '$lib/nav';

export const load: LayoutServerLoad = ({ locals, url }) => {
  const user = locals.user;
  if (!user) error(401, { message: '请先登录' });
  // The navigation config is the single list of who may open which page (the API checks again).
  const roles = rolesForPath(url.pathname);
  if (roles && !roles.includes(user.role)) error(403, { message: '您的角色无权使用此页面' });
  return { user };
};
