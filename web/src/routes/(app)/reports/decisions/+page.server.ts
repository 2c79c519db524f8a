import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const user = event.locals.user!;
  const org = /^\d{1,9}$/.test(sp.get('org') ?? '') ? sp.get('org')! : String(user.orgUnitId);
  const year = /^(19[5-9]\d|20\d\d)$/.test(sp.get('year') ?? '') ? sp.get('year')! : String(new Date(Date.now() + 8 * 3_600_000).getUTCFullYear());
  const api = serverApi(event).api;
  const [res, orgs] = await Promise.all([api.reports.decisions.$get({ query: { org, year } }), ok(api.orgs.$get({ query: {} }))]);
  if (res.status === 404) error(404, { message: '组织不存在或不在您的范围内' });
  return { stats: await ok(res), org, year, orgs: inTreeOrder(orgs.items.filter((o) => o.kind !== 'grid')) };
};
