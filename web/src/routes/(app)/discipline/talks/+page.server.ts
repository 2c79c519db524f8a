import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { todayInChina } from '$lib/roster';
import { periodFrom, positive } from '$lib/discipline';

const PAGE_SIZE = 30;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor');
  const sp = event.url.searchParams;
  const { from, until, to } = periodFrom(event.url, todayInChina());
  const kind = sp.get('kind') ?? '';
  const search = sp.get('q')?.trim().slice(0, 40) ?? '';
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const org = positive(sp.get('org'));
  const api = serverApi(event).api;
  const [list, options] = await Promise.all([
    ok(
      api.talks.$get({
        query: { from, to, page: String(page), pageSize: String(PAGE_SIZE), ...(org && { org }), ...(search && { search }), ...(kind && { kind: kind as 'reminder' }) },
      }),
    ),
    ok(api.discipline.options.$get()),
  ]);
  const exportQuery = new URLSearchParams({ from, to, ...(org && { org }) }).toString();
  return { ...list, from, until, kind, search, options, exportQuery, canWrite: event.locals.user!.role === 'inspector' };
};
