import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { apiFormFail } from '$lib/server/roster';
import { inTreeOrder, ISO_DATE } from '$lib/roster';
import { DECISION_WRITERS } from '@qingfeng/api/rules/decisions';
import { MEETING_KIND_LABELS } from '$lib/decisions';
import type { MeetingKind } from '@qingfeng/db/schema';

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, ...DECISION_WRITERS);
  const { items } = await ok(serverApi(event).api.orgs.$get({ query: {} }));
  const orgs = inTreeOrder(items.filter((o) => o.kind === 'subdistrict' || o.kind === 'village' || o.kind === 'community'));
  const org = event.url.searchParams.get('org') ?? '';
  return { orgs, orgUnitId: orgs.some((o) => String(o.id) === org) ? org : orgs.length === 1 ? String(orgs[0]!.id) : '' };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const data = await event.request.formData();
    const values = Object.fromEntries(['orgUnitId', 'kind', 'heldOn', 'heldTime', 'place', 'chair', 'recorder'].map((k) => [k, text(data, k)]));
    const errors: Record<string, string> = {};
    const orgUnitId = positiveInt(data, 'orgUnitId');
    if (!orgUnitId) errors.orgUnitId = '请选择组织';
    if (!Object.hasOwn(MEETING_KIND_LABELS, values.kind!)) errors.kind = '请选择会议类型';
    if (!ISO_DATE.test(values.heldOn!)) errors.heldOn = '请选择会议日期';
    if (values.heldTime && !/^\d{2}:\d{2}$/.test(values.heldTime)) errors.heldTime = '时间格式应为 HH:MM';
    if (Object.keys(errors).length) return formFail(400, 'meeting', { errors, values });
    const res = await serverApi(event).api.decisions.meetings.$post({
      json: {
        orgUnitId: orgUnitId!,
        kind: values.kind as MeetingKind,
        heldOn: values.heldOn!,
        heldTime: values.heldTime || null,
        place: values.place!,
        chair: values.chair!,
        recorder: values.recorder!,
      },
    });
    if (!res.ok) return apiFormFail('meeting', await toApiError(res), values, { kind_not_allowed: 'kind', not_found: 'orgUnitId' });
    const { meeting, members } = await res.json();
    setFlash(event, members.length ? `已新建会议，并从花名册带出应到人员${members.length}人，请登记出席情况` : '已新建会议，请登记应到人员和出席情况');
    redirect(303, `/decisions/meetings/${meeting.id}`);
  },
};
