import type { PageServerLoad } from './$types';
import { ok } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { todayInChina } from '$lib/roster';
import { positive } from '$lib/discipline';

/**
 * 换届联审: choose a village and an election date, tick the candidates, see each one's eligibility on
 * that date (the party work office sees only 符合 / 不符合), and download the 联审表 PDF.
 */
export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector', 'auditor', 'org_office');
  const sp = event.url.searchParams;
  const api = serverApi(event).api;
  const org = positive(sp.get('org'));
  const onRaw = sp.get('on') ?? '';
  const on = /^\d{4}-\d{2}-\d{2}$/.test(onRaw) ? onRaw : todayInChina();
  const people = sp.getAll('p').filter((x) => /^\d{1,9}$/.test(x)).slice(0, 10_000);
  const page = positive(sp.get('page')) || '1';
  const orgs = (await ok(api.orgs.$get({ query: {} }))).items.filter((o) => o.kind === 'village' || o.kind === 'community');
  const candidates = org ? (await ok(api.discipline.candidates.$get({ query: { org, on } }))).items : [];
  const query = { org, on, people: people.join(',') };
  // One page of rows on screen; the PDF holds the whole list.
  const review = org && people.length ? await ok(api.discipline['candidate-review'].$get({ query: { ...query, page, pageSize: '100' } })) : null;
  return { orgs, org, on, candidates, chosen: people, review, pdfHref: review ? `/api/discipline/candidate-review.pdf?${new URLSearchParams(query)}` : null };
};
