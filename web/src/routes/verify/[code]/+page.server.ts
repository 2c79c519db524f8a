import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { serverApi, forwardToApi } from '$lib/server/api';
import { toApiError } from '$lib/api';

export const load: PageServerLoad = async (event) => {
  const code = event.params.code;
  const res = await serverApi(event).api.pledges.public.verify[':code'].$get({ param: { code } });
  if (!res.ok) return { code, result: null, problem: (await toApiError(res)).message };
  return { code, result: await res.json(), problem: null };
};

export const actions: Actions = {
  // The uploaded PDF goes to the API's public registry check as it came (multipart).
  check: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { check: { error: '请选择要核验的 PDF 文件', result: null } });
    const body = new FormData();
    body.append('file', file);
    body.append('code', event.params.code);
    const url = new URL('/api/pledges/public/verify-document', event.url);
    const res = await forwardToApi(event, new Request(url, { method: 'POST', body, headers: { origin: event.url.origin } }));
    if (!res.ok) return fail(res.status, { check: { error: (await toApiError(res)).message, result: null } });
    const result = (await res.json()) as { match: boolean; matchesCode: boolean | null; fileSha256: string; document: { number: string; kind: string; createdAt: string } | null };
    return { check: { error: null, result, fileName: file.name } };
  },
};
