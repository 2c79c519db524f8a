import { error, redirect } from '@sveltejs/kit';
import { COMMITTEES, POST_HOW, type Committee, type PostHow } from '@qingfeng/db/schema';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { apiFieldErrors, idParam, PERSON_FIELD_CODES, readPersonForm } from '$lib/server/roster';
import { committeeName, inTreeOrder, ISO_DATE, ROSTER_EDITORS, positionLabel, termName } from '$lib/roster';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...ROSTER_EDITORS);
  const id = idParam(event.params.orgId, '村（社区）');
  const sp = event.url.searchParams;
  const api = serverApi(event).api;
  const termsRes = await api.orgs[':id'].terms.$get({ param: { id } });
  if (termsRes.status === 404 || termsRes.status === 400) error(404, { message: '村（社区）不存在' });
  const { org, terms } = await ok(termsRes);

  const search = sp.get('q')?.trim().slice(0, 40) ?? '';
  const mode = sp.get('mode') === 'new' ? 'new' : 'existing';
  // Without a search: the people of this village; with one: anyone in scope.
  const [people, orgs, preselected] = await Promise.all([
    ok(api.people.$get({ query: search ? { search, pageSize: String(PAGE_SIZE) } : { orgId: id, pageSize: String(PAGE_SIZE) } })),
    ok(api.orgs.$get({ query: {} })).then((r) => inTreeOrder(r.items.filter((o) => o.kind !== 'grid'))),
    /^\d+$/.test(sp.get('person') ?? '') ? api.people[':id'].$get({ param: { id: sp.get('person')! }, query: {} }).then((r) => (r.ok ? r.json() : null)) : null,
  ]);
  const chosenTerm = terms.find((t) => String(t.id) === sp.get('term')) ?? terms.find((t) => t.end_date === null) ?? terms[0] ?? null;
  return { org, terms, chosenTermId: chosenTerm?.id ?? null, people, search, mode, orgs, preselected: preselected?.person ?? null };
};

const isCommittee = (c: string): c is Committee => (COMMITTEES as readonly string[]).includes(c);
const isHow = (h: string): h is PostHow => (POST_HOW as readonly string[]).includes(h);

export const actions: Actions = {
  create: async (event) => {
    requireRole(event.locals, ...ROSTER_EDITORS);
    const orgId = idParam(event.params.orgId, '村（社区）');
    const data = await event.request.formData();
    const api = serverApi(event).api;
    const mode = text(data, 'mode') === 'new' ? 'new' : 'existing';
    const postValues = { termId: text(data, 'termId'), post: text(data, 'post'), startDate: text(data, 'startDate'), how: text(data, 'how'), personId: text(data, 'personId'), mode, eligibilityOverride: text(data, 'eligibilityOverride') };
    const errors: Record<string, string> = {};
    const termId = positiveInt(data, 'termId');
    const [committee, position] = postValues.post.split('.') as [string, string | undefined];
    if (!termId) errors.termId = '请选择届次';
    if (!isCommittee(committee) || !position) errors.post = '请选择班子和职务';
    if (!ISO_DATE.test(postValues.startDate)) errors.startDate = '请选择任职开始日期';
    if (!isHow(postValues.how)) errors.how = '请选择产生方式';

    let personId = mode === 'existing' ? positiveInt(data, 'personId') : null;
    let personValues: Record<string, string> = {};
    if (mode === 'existing' && !personId) errors.personId = '请选择任职人员（可先搜索）';
    if (mode === 'new') {
      const person = readPersonForm(data);
      personValues = person.values;
      Object.assign(errors, person.errors);
      if (Object.keys(errors).length || !person.body) return formFail(400, 'create', { errors, values: { ...personValues, ...postValues } });
      const res = await api.people.$post({ json: person.body });
      if (!res.ok) {
        const e = await toApiError(res);
        const fieldErrors = apiFieldErrors(e);
        const field = PERSON_FIELD_CODES[e.code];
        if (field && !fieldErrors[field]) fieldErrors[field] = e.message;
        return formFail(e.status, 'create', { errors: fieldErrors, values: { ...personValues, ...postValues }, message: Object.keys(fieldErrors).length ? '人员信息有误，请按提示修改' : e.message });
      }
      personId = (await res.json()).person.id;
    }
    if (Object.keys(errors).length || !termId || !personId || !isCommittee(committee) || !isHow(postValues.how))
      return formFail(400, 'create', { errors, values: { ...personValues, ...postValues } });

    const res = await api.posts.$post({
      json: { personId, termId, committee, position: position as 'member', startDate: postValues.startDate, how: postValues.how, ...(postValues.eligibilityOverride && { eligibilityOverride: postValues.eligibilityOverride }) },
    });
    if (!res.ok) {
      const e = await toApiError(res);
      const fieldErrors = apiFieldErrors(e, { position: 'post', committee: 'post', personId: 'personId' });
      // The person now exists: keep them chosen so that only the post needs correcting.
      const values = { ...postValues, personId: String(personId), mode: 'existing', personName: personValues.name ?? '', ...(e.code === 'ineligible' && { ineligible: '1' }) };
      // Not eligible (domain.md §3): the office may add the post only with a written reason.
      if (e.code === 'ineligible') fieldErrors.eligibilityOverride = postValues.eligibilityOverride ? fieldErrors.eligibilityOverride ?? '' : '如确需任职，请填写特批理由后再保存';
      const created = mode === 'new' ? `已新建人员“${personValues.name}”，但任职未保存：` : '';
      return formFail(e.status, 'create', { errors: fieldErrors, values, message: `${created}${e.message}` });
    }
    const { post } = await res.json();
    const saved = await ok(api.posts[':id'].$get({ param: { id: String(post.id) } }));
    setFlash(
      event,
      `已新增任职：${saved.person.name} ${termName(saved.term.ordinal)} ${committeeName(post.committee, saved.org.kind)}${positionLabel(post.committee, post.position)}（${post.start_date} 起）`,
    );
    redirect(303, `/roster/${orgId}?term=${post.term_id}`);
  },
};
