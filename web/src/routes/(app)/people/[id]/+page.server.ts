import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { idParam } from '$lib/server/roster';
import { ISO_DATE } from '$lib/roster';

export const load: PageServerLoad = async (event) => {
  const id = idParam(event.params.id, '人员');
  const asOf = event.url.searchParams.get('asOf') ?? '';
  const api = serverApi(event).api;
  const res = await api.people[':id'].$get({ param: { id }, query: ISO_DATE.test(asOf) ? { asOf } : {} });
  if (res.status === 404) error(404, { message: '人员不存在' });
  const [detail, history] = await Promise.all([ok(res), ok(api.people[':id']['post-history'].$get({ param: { id } }))]);
  return { ...detail, history: history.items };
};
