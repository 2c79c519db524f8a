// Server helpers of the discipline pages: the person picker's data.
import type { RequestEvent } from '@sveltejs/kit';
import { ok } from '$lib/api';
import { serverApi } from './api';
import { positive } from '$lib/discipline';

/** The chosen person (?person=ID) or the matches of a name search (?q=). */
export async function personPick(event: Pick<RequestEvent, 'url' | 'cookies' | 'request' | 'getClientAddress'>) {
  const api = serverApi(event).api;
  const id = positive(event.url.searchParams.get('person'));
  const search = event.url.searchParams.get('q')?.trim().slice(0, 40) ?? '';
  let chosen: { id: number; name: string; orgName: string } | null = null;
  if (id) {
    const res = await api.people[':id'].$get({ param: { id }, query: {} });
    if (res.ok) {
      const d = await res.json();
      chosen = { id: d.person.id, name: d.person.name, orgName: d.person.org_name };
    }
  }
  const matches = !chosen && search ? (await ok(api.discipline.people.$get({ query: { search } }))).items : [];
  return { chosen, matches, search };
}
