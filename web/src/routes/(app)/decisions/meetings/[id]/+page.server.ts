import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { positiveInt, text } from '$lib/forms';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';
import { apiFormFail, idParam } from '$lib/server/roster';
import { ISO_DATE } from '$lib/roster';
import { DECISION_WRITERS } from '@qingfeng/api/rules/decisions';
import { CATEGORY_LABELS, parseYuan } from '$lib/decisions';
import type { DecisionCategory } from '@qingfeng/db/schema';

export const load: PageServerLoad = async (event) => {
  const id = idParam(event.params.id, '会议');
  const res = await serverApi(event).api.decisions.meetings[':id'].$get({ param: { id } });
  if (res.status === 404) error(404, { message: '会议不存在' });
  return { ...(await ok(res)), confirm: event.url.searchParams.get('confirm') };
};

export const actions: Actions = {
  members: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '会议');
    const data = await event.request.formData();
    const rows = Number(text(data, 'rows')) || 0;
    const principal = text(data, 'principal');
    const members = [];
    for (let i = 0; i < Math.min(rows, 400); i++) {
      const name = text(data, `name_${i}`);
      if (!name || text(data, `remove_${i}`) === '1') continue;
      const existing = positiveInt(data, `id_${i}`);
      const personId = positiveInt(data, `personId_${i}`);
      const attendance = text(data, `attendance_${i}`);
      members.push({
        ...(existing && { id: existing }),
        personId,
        name,
        title: text(data, `title_${i}`),
        role: text(data, `role_${i}`) === 'observer' ? ('observer' as const) : ('member' as const),
        isPrincipal: principal === String(i),
        attendance: attendance === 'present' || attendance === 'absent' ? (attendance as 'present' | 'absent') : null,
        absenceReason: text(data, `reason_${i}`),
      });
    }
    const res = await serverApi(event).api.decisions.meetings[':id'].members.$put({ param: { id }, json: { members } });
    if (!res.ok) {
      const e = await toApiError(res);
      return formFail(e.status, 'members', { message: e.message });
    }
    setFlash(event, '已保存应到人员和出席情况');
    redirect(303, `/decisions/meetings/${id}`);
  },
  prefill: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '会议');
    const api = serverApi(event).api;
    const { meeting, members } = await ok(api.decisions.meetings[':id'].$get({ param: { id } }));
    const fresh = await ok(api.decisions.meetings.prefill.$get({ query: { org: String(meeting.org_unit_id), kind: meeting.kind, date: meeting.held_on } }));
    // Keep the observers (列席) and everyone's attendance where the same person comes back.
    const byPerson = new Map(members.filter((m) => m.person_id !== null).map((m) => [m.person_id, m]));
    const list = [
      ...fresh.members.map((p) => {
        const old = byPerson.get(p.personId);
        return { ...(old && { id: old.id }), personId: p.personId, name: p.name, title: p.title, role: 'member' as const, isPrincipal: p.isPrincipal, attendance: old?.attendance ?? null, absenceReason: old?.absence_reason ?? '' };
      }),
      ...members.filter((m) => m.role === 'observer').map((m) => ({ id: m.id, personId: m.person_id, name: m.name, title: m.title, role: 'observer' as const, attendance: m.attendance, absenceReason: m.absence_reason })),
    ];
    const res = await api.decisions.meetings[':id'].members.$put({ param: { id }, json: { members: list } });
    if (!res.ok) return formFail(res.status, 'members', { message: (await toApiError(res)).message });
    setFlash(event, `已按会议日期从花名册带出应到人员${fresh.members.length}人`);
    redirect(303, `/decisions/meetings/${id}`);
  },
  item: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '会议');
    const data = await event.request.formData();
    const values = { category: text(data, 'category'), title: text(data, 'title'), amount: text(data, 'amount'), proposer: text(data, 'proposer') };
    const errors: Record<string, string> = {};
    if (!Object.hasOwn(CATEGORY_LABELS, values.category)) errors.category = '请选择议题类别';
    if (!values.title) errors.title = '请填写议题名称';
    const amountFen = parseYuan(values.amount);
    if (amountFen === undefined) errors.amount = '金额应为数字（元），最多两位小数';
    if (Object.keys(errors).length) return formFail(400, 'item', { errors, values });
    const res = await serverApi(event).api.decisions.items.$post({
      json: { meetingId: Number(id), category: values.category as DecisionCategory, title: values.title, amountFen: amountFen ?? null, proposer: values.proposer },
    });
    if (!res.ok) return apiFormFail('item', await toApiError(res), values);
    const { item } = await res.json();
    setFlash(event, '已新增议题，请登记表态和表决结果');
    redirect(303, `/decisions/items/${item.id}`);
  },
  edit: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '会议');
    const data = await event.request.formData();
    const values = Object.fromEntries(['heldOn', 'heldTime', 'place', 'chair', 'recorder', 'notes'].map((k) => [k, text(data, k)]));
    if (!ISO_DATE.test(values.heldOn!)) return formFail(400, 'edit', { errors: { heldOn: '请选择会议日期' }, values });
    const version = positiveInt(data, 'version');
    if (!version) return formFail(400, 'edit', { values, message: '缺少记录版本，请刷新页面后再保存' });
    const res = await serverApi(event).api.decisions.meetings[':id'].$patch({
      param: { id },
      json: { heldOn: values.heldOn!, heldTime: values.heldTime || null, place: values.place!, chair: values.chair!, recorder: values.recorder!, notes: values.notes!, version },
    });
    if (!res.ok) return apiFormFail('edit', await toApiError(res), values);
    setFlash(event, '已保存会议信息');
    redirect(303, `/decisions/meetings/${id}`);
  },
  delete: async (event) => {
    requireRole(event.locals, ...DECISION_WRITERS);
    const id = idParam(event.params.id, '会议');
    const res = await serverApi(event).api.decisions.meetings[':id'].$delete({ param: { id } });
    if (!res.ok) {
      setFlash(event, (await toApiError(res)).message, 'error');
      redirect(303, `/decisions/meetings/${id}`);
    }
    setFlash(event, '已删除会议及其议题');
    redirect(303, '/decisions');
  },
};
