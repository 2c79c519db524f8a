import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { apiFail, formFail } from '$lib/server/forms';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { PERSON_CATEGORY_LABELS } from '@qingfeng/api/rules/pledges';

const STATUSES = ['signed', 'pending', 'overdue'] as const;
const CATEGORIES = Object.keys(PERSON_CATEGORY_LABELS) as (keyof typeof PERSON_CATEGORY_LABELS)[];

const idOf = (raw: string) => {
  if (!/^\d{1,9}$/.test(raw)) error(404, { message: '签署活动不存在' });
  return raw;
};

export const load: PageServerLoad = async (event) => {
  const id = idOf(event.params.id);
  const sp = event.url.searchParams;
  const api = serverApi(event);
  const status = sp.get('status') ?? '';
  const org = sp.get('org') ?? '';
  const q = sp.get('q')?.trim() ?? '';
  const page = sp.get('page') ?? '1';
  const query: { status?: (typeof STATUSES)[number]; org?: string; q?: string; page: string; pageSize: string } = { page: /^\d{1,6}$/.test(page) ? page : '1', pageSize: '50' };
  if ((STATUSES as readonly string[]).includes(status)) query.status = status as (typeof STATUSES)[number];
  if (/^\d{1,9}$/.test(org)) query.org = org;
  if (q) query.q = q.slice(0, 50);
  const [detail, signers] = await Promise.all([
    ok(api.api.pledges.campaigns[':id'].$get({ param: { id } })),
    ok(api.api.pledges.campaigns[':id'].signers.$get({ param: { id }, query })),
  ]);
  const add = sp.get('add')?.trim() ?? '';
  const candidates = detail.canManage && add ? (await ok(api.api.pledges.campaigns[':id'].candidates.$get({ param: { id }, query: { q: add.slice(0, 50) } }))).items : [];
  // Newer published versions the campaign can move to.
  let newerVersions: { id: number; versionNo: number }[] = [];
  if (detail.canManage) {
    const t = await api.api.pledges.templates[':id'].$get({ param: { id: String(detail.campaign.templateId) } });
    if (t.ok) newerVersions = (await t.json()).versions.filter((v) => v.publishedAt && v.versionNo > detail.campaign.versionNo).map((v) => ({ id: v.id, versionNo: v.versionNo }));
  }
  return { ...detail, signers, filters: { status, org, q }, add, candidates, newerVersions, confirm: sp.get('confirm'), categories: CATEGORIES, role: event.locals.user!.role };
};

export const actions: Actions = {
  addFilter: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const data = await event.request.formData();
    const committee = text(data, 'committeeMembers');
    const categories = data.getAll('categories').map(String).filter((c): c is (typeof CATEGORIES)[number] => (CATEGORIES as string[]).includes(c));
    const committeeMembers = (['all', 'party', 'residents', 'principals'] as const).find((x) => x === committee);
    if (!committeeMembers && !categories.length) return formFail(400, 'add', { message: '请至少选择一个条件' });
    const res = await serverApi(event).api.pledges.campaigns[':id'].signers.$post({ param: { id }, json: { filter: { ...(committeeMembers && { committeeMembers }), ...(categories.length && { categories }) } } });
    if (!res.ok) return apiFail('add', await toApiError(res), {});
    const r = await res.json();
    setFlash(event, `按条件匹配 ${r.requested} 人，新增签署人 ${r.added} 名（已在名单中的不重复添加）`);
    redirect(303, `/pledges/${id}`);
  },
  addPerson: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const personId = positiveInt(await event.request.formData(), 'personId');
    if (!personId) error(400, { message: '缺少人员' });
    const res = await serverApi(event).api.pledges.campaigns[':id'].signers.$post({ param: { id }, json: { personIds: [personId] } });
    if (!res.ok) return apiFail('add', await toApiError(res), {});
    setFlash(event, '已添加签署人');
    redirect(303, `/pledges/${id}`);
  },
  remove: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const personId = positiveInt(await event.request.formData(), 'personId');
    if (!personId) error(400, { message: '缺少人员' });
    const res = await serverApi(event).api.pledges.campaigns[':id'].signers[':personId'].$delete({ param: { id, personId: String(personId) } });
    if (!res.ok) return apiFail('row', await toApiError(res), {});
    setFlash(event, '已移出签署名单');
    redirect(303, `/pledges/${id}`);
  },
  link: async (event) => {
    const id = idOf(event.params.id);
    const data = await event.request.formData();
    const personId = positiveInt(data, 'personId');
    if (!personId) error(400, { message: '缺少人员' });
    const res = await serverApi(event).api.pledges.campaigns[':id'].signers[':personId'].link.$post({ param: { id, personId: String(personId) } });
    if (!res.ok) return apiFail('row', await toApiError(res), {});
    // The link is shown this once (only its hash is stored).
    return { issued: { ...(await res.json()), name: text(data, 'name') } };
  },
  revoke: async (event) => {
    const id = idOf(event.params.id);
    const personId = positiveInt(await event.request.formData(), 'personId');
    if (!personId) error(400, { message: '缺少人员' });
    const res = await serverApi(event).api.pledges.campaigns[':id'].signers[':personId'].link.revoke.$post({ param: { id, personId: String(personId) } });
    if (!res.ok) return apiFail('row', await toApiError(res), {});
    setFlash(event, (await res.json()).revoked ? '签署链接已撤销' : '没有可撤销的有效链接');
    redirect(303, `/pledges/${id}`);
  },
  update: async (event) => {
    requireRole(event.locals, 'org_office', 'inspector');
    const id = idOf(event.params.id);
    const data = await event.request.formData();
    const what = text(data, 'what');
    const body =
      what === 'close' ? { closed: true } : what === 'reopen' ? { closed: false } : what === 'due' ? { dueDate: text(data, 'dueDate') } : { templateVersionId: positiveInt(data, 'templateVersionId') ?? 0 };
    // The campaign's version as the page showed it: a change made meanwhile answers 409 (finding 6).
    const version = positiveInt(data, 'version') ?? 0;
    const res = await serverApi(event).api.pledges.campaigns[':id'].$patch({ param: { id }, json: { ...body, version } });
    if (!res.ok) return apiFail('update', await toApiError(res), {});
    setFlash(event, what === 'close' ? '签署活动已结束' : what === 'reopen' ? '签署活动已重新开放' : what === 'due' ? '截止日期已修改' : '已改用新版本，此前签署的人员需重新签署');
    redirect(303, `/pledges/${id}`);
  },
};
