import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async (event) => {
  const search = event.url.searchParams.get('q')?.trim().slice(0, 40) ?? '';
  const page = Math.max(1, Number(event.url.searchParams.get('page')) || 1);
  const result = await ok(
    serverApi(event).api.users.$get({ query: { ...(search ? { search } : {}), page: String(page), pageSize: String(PAGE_SIZE) } }),
  );
  return { ...result, search };
};
