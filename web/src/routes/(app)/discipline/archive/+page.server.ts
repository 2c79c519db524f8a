import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor');
  const search = event.url.searchParams.get('q')?.trim().slice(0, 40) ?? '';
  const items = search ? (await ok(serverApi(event).api.discipline.people.$get({ query: { search } }))).items : [];
  return { search, items };
};
