import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';

export const load: PageServerLoad = async (event) => {
  const campaignId = event.params.campaignId;
  if (!/^\d{1,9}$/.test(campaignId)) error(404, { message: '签署活动不存在' });
  return { pledge: await ok(serverApi(event).api.pledges.mine[':campaignId'].$get({ param: { campaignId } })) };
};
