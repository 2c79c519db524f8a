import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  const api = serverApi(event);
  const canAudit = user.role === 'admin' || user.role === 'auditor';
  const [orgs, users, audit] = await Promise.all([
    ok(api.api.orgs.$get({ query: {} })),
    user.role === 'admin' ? ok(api.api.users.$get({ query: { pageSize: '1' } })) : null,
    canAudit ? ok(api.api['audit-events'].$get({ query: { pageSize: '6' } })) : null,
  ]);
  // The inspectors' desk (discipline module): influence periods ending, 函询 replies due, 诫勉 ending.
  const desk = user.role === 'inspector' || user.role === 'auditor' ? await ok(api.api.discipline.desk.$get()) : null;
  // 待签署: pledges the user's own person record still has to sign (reminders as the due date nears).
  const pledges = user.personId !== null ? await ok(api.api.pledges.mine.$get()) : null;
  // 届满提醒 for the party work office, who enters the new terms.
  const expiry = user.role === 'org_office' ? await ok(api.api.roster['term-expiry'].$get()) : null;
  const count = (kinds: string[]) => orgs.items.filter((o) => kinds.includes(o.kind)).length;
  return {
    stats: {
      villages: count(['village']),
      communities: count(['community']),
      grids: count(['grid']),
      users: users?.total ?? null,
      auditEvents: audit?.total ?? null,
    },
    recentEvents: audit?.items ?? [],
    desk,
    pendingPledges: pledges?.pending ?? [],
    expiry,
  };
};
