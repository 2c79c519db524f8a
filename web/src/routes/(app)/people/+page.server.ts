import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder } from '$lib/roster';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const search = sp.get('q')?.trim().slice(0, 40) ?? '';
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const orgId = /^\d+$/.test(sp.get('org') ?? '') ? sp.get('org')! : '';
  const api = serverApi(event).api;
  const [result, orgs] = await Promise.all([
    ok(api.people.$get({ query: { ...(search ? { search } : {}), ...(orgId ? { orgId } : {}), page: String(page), pageSize: String(PAGE_SIZE) } })),
    ok(api.orgs.$get({ query: {} })),
  ]);
  return { ...result, search, orgId, orgs: inTreeOrder(orgs.items.filter((o) => o.kind !== 'grid')) };
};
