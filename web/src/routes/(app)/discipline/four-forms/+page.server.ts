import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { todayInChina } from '$lib/roster';
import { periodFrom, positive } from '$lib/discipline';

const FORMS = ['first', 'second', 'third', 'fourth'] as const;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor');
  const sp = event.url.searchParams;
  const { from, until, to } = periodFrom(event.url, todayInChina());
  const org = positive(sp.get('org'));
  const form = FORMS.find((f) => f === sp.get('form'));
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const api = serverApi(event).api;
  const [report, records] = await Promise.all([
    ok(api.reports['four-forms'].$get({ query: { from, to, ...(org && { org }) } })),
    form ? ok(api.reports['four-forms'].records.$get({ query: { from, to, form, page: String(page), pageSize: '50', ...(org && { org }) } })) : null,
  ]);
  return { report, records, from, until, org, form: form ?? '' };
};
