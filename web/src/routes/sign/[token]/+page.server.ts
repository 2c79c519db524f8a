import type { PageServerLoad } from './$types';
import { serverApi } from '$lib/server/api';
import { toApiError } from '$lib/api';

// Before the ID-suffix gate the page learns only whether the link can be used.
export const load: PageServerLoad = async (event) => {
  const token = event.params.token;
  const res = await serverApi(event).api.pledges.public.links[':token'].$get({ param: { token } });
  if (!res.ok) return { token, link: null, problem: (await toApiError(res)).message };
  return { token, link: await res.json(), problem: null };
};
