import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder, todayInChina } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  // A secretary's scope is the own village: go straight to its roster.
  if (user.role === 'secretary') redirect(303, `/roster/${user.orgUnitId}`);
  const api = serverApi(event).api;
  const today = todayInChina();
  const [{ items: orgs }, report, expiry] = await Promise.all([
    ok(api.orgs.$get({ query: {} })),
    // One query gives every village's term in force and its members today.
    ok(api.reports['committee-structure'].$get({ query: { asOf: today } })),
    ok(api.roster['term-expiry'].$get()),
  ]);
  const summary = report.byVillage.map((v) => ({
    orgId: v.orgId,
    // A term in force without posts yet (未录入) still names its 届次.
    ordinal: v.currentTerm?.ordinal ?? v.pendingTerm?.ordinal ?? null,
    members: v.current?.members ?? 0,
    dualRole: (v.current?.dualRoleVillages ?? 0) > 0,
  }));
  const totals = { withTerm: report.villages.current, members: report.current.members, dualRole: report.current.dualRoleVillages };
  return { orgs: inTreeOrder(orgs), summary, totals, today, expiry };
};
