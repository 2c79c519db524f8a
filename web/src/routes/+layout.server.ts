import type { LayoutServerLoad } from './$types';
import { takeFlash } from '$lib/server/flash';

export const load: LayoutServerLoad = (event) => {
  const { locals, url } = event;
  // Reading url makes this load run on every navigation, so a flash message shows exactly once.
  const flash = takeFlash(event);
  return { user: locals.user, flash, path: url.pathname };
};
