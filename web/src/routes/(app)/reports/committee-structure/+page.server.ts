import { error } from '@sveltejs/kit';
import { FIGURE_KEYS, FIGURE_LABELS } from '@qingfeng/api/rules/reports';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder, ISO_DATE } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const user = event.locals.user!;
  const org = /^\d+$/.test(sp.get('org') ?? '') ? sp.get('org')! : String(user.orgUnitId);
  // One 换届 round (election year) or a date, never both (the API refuses both): the round wins.
  const round = /^\d{4}$/.test(sp.get('round') ?? '') ? sp.get('round')! : '';
  const asOf = !round && ISO_DATE.test(sp.get('asOf') ?? '') ? sp.get('asOf')! : '';
  const api = serverApi(event).api;
  const [res, orgs] = await Promise.all([
    api.reports['committee-structure'].$get({ query: { org, ...(asOf ? { asOf } : {}), ...(round ? { round } : {}) } }),
    ok(api.orgs.$get({ query: {} })),
  ]);
  if (res.status === 404) error(404, { message: '组织不存在或不在您的范围内' });
  const report = await ok(res);
  return {
    report,
    org,
    asOf,
    round,
    // Units a report can be about: anything but grids.
    orgs: inTreeOrder(orgs.items.filter((o) => o.kind !== 'grid')),
    figures: FIGURE_KEYS.map((key) => ({ key, ...FIGURE_LABELS[key] })),
  };
};
