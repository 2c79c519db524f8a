import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { inTreeOrder } from '$lib/roster';
import { CATEGORY_LABELS, MEETING_KIND_LABELS } from '$lib/decisions';

const PAGE_SIZE = 20;
const pick = <T extends string>(table: Record<T, string>, v: string | null): T | undefined => (v !== null && Object.hasOwn(table, v) ? (v as T) : undefined);

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const page = Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1));
  const org = /^\d{1,9}$/.test(sp.get('org') ?? '') ? sp.get('org')! : '';
  const year = /^(19[5-9]\d|20\d\d)$/.test(sp.get('year') ?? '') ? sp.get('year')! : '';
  const kind = pick(MEETING_KIND_LABELS, sp.get('kind'));
  const category = pick(CATEGORY_LABELS, sp.get('category'));
  const flagged = sp.get('flagged') === 'yes' || sp.get('flagged') === 'no' ? (sp.get('flagged') as 'yes' | 'no') : undefined;
  const api = serverApi(event).api;
  const [result, orgs] = await Promise.all([
    ok(
      api.decisions.meetings.$get({
        query: { ...(org && { org }), ...(year && { year }), ...(kind && { kind }), ...(category && { category }), ...(flagged && { flagged }), page: String(page), pageSize: String(PAGE_SIZE) },
      }),
    ),
    ok(api.orgs.$get({ query: {} })),
  ]);
  return { ...result, filters: { org, year, kind: kind ?? '', category: category ?? '', flagged: flagged ?? '' }, orgs: inTreeOrder(orgs.items.filter((o) => o.kind !== 'grid')) };
};
