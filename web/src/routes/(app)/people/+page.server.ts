import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder } from '$lib/roster';

const PAGE_SIZES = [20, 50, 100];
const SORTS = ['name', 'stroke', 'age', 'org', 'gender', 'political', 'education'] as const;
type Sort = (typeof SORTS)[number];

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const search = sp.get('q')?.trim().slice(0, 40) ?? '';
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const orgId = /^\d+$/.test(sp.get('org') ?? '') ? sp.get('org')! : '';
  const pageSize = PAGE_SIZES.includes(Number(sp.get('size'))) ? Number(sp.get('size')) : PAGE_SIZES[0]!;
  const sort: Sort = (SORTS as readonly string[]).includes(sp.get('sort') ?? '') ? (sp.get('sort') as Sort) : 'name';
  const dir = sp.get('dir') === 'desc' ? 'desc' : 'asc';
  const api = serverApi(event).api;
  const [result, orgs] = await Promise.all([
    ok(
      api.people.$get({
        query: { ...(search ? { search } : {}), ...(orgId ? { orgId } : {}), sort, dir, page: String(page), pageSize: String(pageSize) },
      }),
    ),
    ok(api.orgs.$get({ query: {} })),
  ]);
  return { ...result, search, orgId, sort, dir, pageSizes: PAGE_SIZES, orgs: inTreeOrder(orgs.items.filter((o) => o.kind !== 'grid')) };
};
