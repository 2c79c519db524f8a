import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { CATEGORY_LABELS } from '$lib/decisions';
import type { DecisionCategory } from '@qingfeng/db/schema';

const PAGE_SIZE = 50;

/** The items behind a figure of the statistics page: the same filter the figure counts with. */
export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const num = (k: string, re = /^\d{1,9}$/) => (re.test(sp.get(k) ?? '') ? sp.get(k)! : undefined);
  const category = sp.get('category');
  const query = {
    ...(num('org') && { org: num('org') }),
    ...(num('year', /^\d{4}$/) && { year: num('year', /^\d{4}$/) }),
    ...(sp.get('counted') === 'yes' && { counted: 'yes' as const }),
    ...(category && Object.hasOwn(CATEGORY_LABELS, category) && { category: category as DecisionCategory }),
    ...(num('orgId') && { orgId: num('orgId') }),
    ...(num('month', /^(1[0-2]|[1-9])$/) && { month: num('month', /^(1[0-2]|[1-9])$/) }),
    ...(/^[a-z_]{1,40}$/.test(sp.get('rule') ?? '') && { rule: sp.get('rule')! }),
    ...((sp.get('flagged') === 'yes' || sp.get('flagged') === 'no') && { flagged: sp.get('flagged') as 'yes' | 'no' }),
    page: String(Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1))),
    pageSize: String(PAGE_SIZE),
  };
  const res = await serverApi(event).api.reports.decisions.items.$get({ query });
  if (res.status === 404) error(404, { message: '组织不存在或不在您的范围内' });
  return { result: await ok(res), query };
};
