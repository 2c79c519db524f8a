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
  const report = await ok(serverApi(event).api.reports.integrity.$get({ query: { year: String(year), ...(org && { org }) } }));
  return { report, year, org, years: Array.from({ length: thisYear - 2015 }, (_, i) => thisYear - i) };
};
