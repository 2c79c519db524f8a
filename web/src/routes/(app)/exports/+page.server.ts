import type { Actions, PageServerLoad } from './$types';
import { error, fail } from '@sveltejs/kit';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const READERS = ['auditor', 'admin', 'org_office', 'inspector'] as const;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...READERS);
  const sp = event.url.searchParams;
  const get = (k: string, re: RegExp) => (re.test(sp.get(k) ?? '') ? sp.get(k)! : undefined);
  const filters = {
    kind: get('kind', /^[a-z_]{1,40}$/),
    org: get('org', /^\d{1,9}$/),
    who: (sp.get('who') ?? '').trim().slice(0, 40) || undefined,
    from: get('from', DAY),
    to: get('to', DAY),
  };
  const page = String(Math.max(1, Math.min(1_000_000, Number(sp.get('page')) || 1)));
  const api = serverApi(event).api;
  const query = Object.fromEntries(Object.entries({ ...filters, page, pageSize: '50' }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const res = await api.exports.documents.$get({ query });
  if (res.status === 404) error(404, { message: '组织不存在或不在您的范围内' });
  const [list, orgs] = await Promise.all([ok(res), ok(api.orgs.$get({ query: {} }))]);
  return { list, filters, orgs: orgs.items.map((o) => ({ id: o.id, name: o.name, depth: o.depth })) };
};

type VerifyResult = { match: boolean; fileSha256: string; document: { number: string; title: string } | null };

export const actions: Actions = {
  // Checking a copy without JavaScript: the file goes through this action to POST /api/documents/verify
  // (the typed client), and the registry's answer comes back to the page, as with the browser's fetch.
  verify: async (event) => {
    requireRole(event.locals, ...READERS);
    const file = (await event.request.formData()).get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { verify: { error: { message: '请选择要核验的文件' } } });
    const res = await serverApi(event).api.documents.verify.$post({ form: { file } });
    if (!res.ok) return fail(res.status, { verify: { error: { message: (await toApiError(res)).message } } });
    return { verify: (await res.json()) as VerifyResult };
  },
};
