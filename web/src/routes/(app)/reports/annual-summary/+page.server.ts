import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { todayInChina } from '$lib/roster';
import { positive } from '$lib/discipline';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor');
  const thisYear = Number(todayInChina().slice(0, 4));
  const y = Number(event.url.searchParams.get('year'));
  const year = Number.isInteger(y) && y >= 2000 && y <= thisYear ? y : thisYear;
  const org = positive(event.url.searchParams.get('org'));
  const api = serverApi(event).api;
  const res = await api.reports['annual-summary'].$get({ query: { year: String(year), ...(org && { org }) } });
  if (res.status === 404) error(404, { message: '组织不存在或不在您的范围内' });
  const [summary, orgs] = await Promise.all([ok(res), ok(api.orgs.$get({ query: {} }))]);
  return {
    summary,
    year,
    org,
    years: Array.from({ length: thisYear - 2015 }, (_, i) => thisYear - i),
    // Reports are written for the subdistrict or a village/community, not for a grid.
    orgs: orgs.items.filter((o) => o.kind !== 'grid').map((o) => ({ id: o.id, name: o.name, depth: o.depth })),
  };
};
