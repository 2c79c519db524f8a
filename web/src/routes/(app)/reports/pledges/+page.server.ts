import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

const num = (v: string | null) => (v && /^\d{1,9}$/.test(v) ? v : undefined);

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const api = serverApi(event);
  const year = sp.get('year') && /^\d{4}$/.test(sp.get('year')!) ? sp.get('year')! : String(new Date(Date.now() + 8 * 3600_000).getUTCFullYear());
  const village = num(sp.get('village'));
  const campaign = num(sp.get('campaign'));
  const page = num(sp.get('page')) ?? '1';
  // The summary's drill-down links name the org: the page shows that subtree (the API checks scope).
  const org = num(sp.get('org'));
  const report = await ok(api.api.reports.pledges.$get({ query: { year, ...(org && { org }) } }));
  // The drill-down: exactly the signatures behind the figure (or behind one village's / campaign's).
  const records = await ok(
    api.api.reports.pledges.records.$get({ query: { year, page, pageSize: '50', ...(org && { org }), ...(village && { village }), ...(campaign && { campaign }) } }),
  );
  return { report, records, year, org, village, campaign };
};
