import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { formFail } from '$lib/server/forms';
import { apiLinks } from '$lib/roster';

const PAGE_SIZE = 30;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day in Beijing time as an instant: filters are by local days, `to` inclusive. */
function dayStart(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00:00+08:00`);
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString();
}

export const load: PageServerLoad = async (event) => {
  const sp = event.url.searchParams;
  const filters = {
    actor: /^\d+$/.test(sp.get('actor') ?? '') ? sp.get('actor')! : '',
    kind: sp.get('kind') ?? '',
    objectType: sp.get('objectType')?.trim().slice(0, 40) ?? '',
    objectId: sp.get('objectId')?.trim().slice(0, 40) ?? '',
    from: DATE.test(sp.get('from') ?? '') ? sp.get('from')! : '',
    to: DATE.test(sp.get('to') ?? '') ? sp.get('to')! : '',
  };
  const page = Math.max(1, Number(sp.get('page')) || 1);
  const api = serverApi(event).api;
  const errors: Record<string, string> = {};
  if (filters.from && filters.to && filters.from > filters.to) errors.to = '结束日期不能早于开始日期';

  // Everyone who acted in the scope (auditors cannot list users): the operator filter.
  const [kinds, actors] = await Promise.all([ok(api['audit-events'].kinds.$get()), ok(api['audit-events'].actors.$get())]);
  const kindKnown = kinds.items.some((k) => k.kind === filters.kind);
  if (filters.kind && !kindKnown) errors.kind = '未知的操作类型';

  const query = {
    page: String(page),
    pageSize: String(PAGE_SIZE),
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.kind && kindKnown ? { kind: filters.kind } : {}),
    ...(filters.objectType ? { objectType: filters.objectType } : {}),
    ...(filters.objectId ? { objectId: filters.objectId } : {}),
    ...(filters.from ? { from: dayStart(filters.from) } : {}),
    ...(filters.to && !errors.to ? { to: dayStart(filters.to, 1) } : {}),
  };
  const result = await ok(api['audit-events'].$get({ query }));
  const { page: _p, pageSize: _s, ...exportQuery } = query;
  return {
    ...result,
    filters,
    errors,
    kinds: kinds.items,
    users: actors.items.map((u) => ({ id: u.id!, label: u.username && u.username !== u.name ? `${u.name}（${u.username}）` : u.name })),
    exportHref: apiLinks.api['audit-events']['export.xlsx'].$path({ query: exportQuery }),
  };
};

export const actions: Actions = {
  verify: async (event) => {
    const res = await serverApi(event).api['audit-events'].verify.$get();
    if (!res.ok) return formFail(res.status, 'verify', { message: (await toApiError(res)).message });
    return { verified: await res.json() };
  },
};
