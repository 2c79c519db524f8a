import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { positive } from '$lib/discipline';
import { INTEGRITY_FIGURES } from '@qingfeng/api/rules/discipline';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor');
  const sp = event.url.searchParams;
  const figure = INTEGRITY_FIGURES.find((f) => f === sp.get('figure'));
  const year = Number(sp.get('year'));
  if (!figure || !Number.isInteger(year) || year < 1990 || year > 2200) error(404, { message: '没有这项数据' });
  const org = positive(sp.get('org'));
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const list = await ok(serverApi(event).api.reports.integrity.records.$get({ query: { year: String(year), figure, page: String(page), pageSize: '50', ...(org && { org }) } }));
  return { list, year, org };
};
