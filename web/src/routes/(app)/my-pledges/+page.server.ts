import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

export const load: PageServerLoad = async (event) => {
  return { mine: await ok(serverApi(event).api.pledges.mine.$get()) };
};
