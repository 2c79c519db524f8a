import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { setFlash } from '$lib/server/flash';
import { formFail } from '$lib/server/forms';
import { apiFormFail } from '$lib/server/roster';
import { personPick } from '$lib/server/discipline';
import { positiveInt, text } from '$lib/forms';
import { todayInChina } from '$lib/roster';

const FIELDS = ['kind', 'date', 'time', 'subjectPersonId', 'participantCount', 'leaderName', 'leaderTitle', 'topic', 'outcome', 'followUp'] as const;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector');
  const [options, pick] = await Promise.all([ok(serverApi(event).api.discipline.options.$get()), personPick(event)]);
  return { options, ...pick, today: todayInChina(), kind: event.url.searchParams.get('kind') ?? '' };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event.locals, 'inspector');
    const data = await event.request.formData();
    const values = Object.fromEntries(FIELDS.map((f) => [f, text(data, f)]));
    const kind = values.kind as 'collective';
    const errors: Record<string, string> = {};
    if (!values.kind) errors.kind = '请选择谈话类别';
    if (!values.date) errors.date = '请填写日期';
    const collective = kind === 'collective';
    const count = positiveInt(data, 'participantCount');
    const subject = positiveInt(data, 'subjectPersonId');
    if (collective && !count) errors.participantCount = '请填写参加人数';
    if (!collective && values.kind && !subject) errors.subjectPersonId = '请先在上方查找并选择谈话对象';
    if (Object.keys(errors).length) return formFail(400, 'talk', { errors, values });
    const res = await serverApi(event).api.talks.$post({
      json: {
        kind,
        date: values.date!,
        time: values.time || null,
        ...(collective ? { participantCount: count! } : { subjectPersonId: subject! }),
        leaderName: values.leaderName!,
        leaderTitle: values.leaderTitle!,
        topic: values.topic!,
        outcome: values.outcome!,
        followUp: values.followUp!,
      },
    });
    if (!res.ok) return apiFormFail('talk', await toApiError(res), values);
    const { id } = await res.json();
    setFlash(event, '已登记谈话');
    redirect(303, `/discipline/talks/${id}`);
  },
};
