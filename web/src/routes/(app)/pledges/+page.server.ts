import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

export const load: PageServerLoad = async (event) => {
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const year = event.url.searchParams.get('year') ?? '';
  const query: { q?: string; year?: string } = {};
  if (q) query.q = q;
  if (/^\d{4}$/.test(year)) query.year = year;
  const list = await ok(serverApi(event).api.pledges.campaigns.$get({ query }));
  return { ...list, q, year, canRun: ['org_office', 'inspector'].includes(event.locals.user!.role) };
};
