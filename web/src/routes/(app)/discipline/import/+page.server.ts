import type { Actions, PageServerLoad } from './$types';
import { toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { requireRole } from '$lib/server/guard';
import { formFail } from '$lib/server/forms';

// Ledger import without client JavaScript: the file goes through a form action to the API's preview,
// then (after the user has seen the preview) again to commit, whose NDJSON lines are read to the end here.
type Problem = { row: number; column: string; message: string };
type Summary = { rows: number; create: number; unchanged: number };
const LEDGERS = { talks: '谈话函询台账', sanctions: '处分台账' } as const;
type Ledger = keyof typeof LEDGERS;

export const load: PageServerLoad = async (event) => {
  requireRole(event.locals, 'inspector');
  return { ledgers: LEDGERS };
};

async function send(event: Parameters<Actions['preview']>[0], step: 'preview' | 'commit') {
  requireRole(event.locals, 'inspector');
  const data = await event.request.formData();
  const ledger = (data.get('ledger') === 'sanctions' ? 'sanctions' : 'talks') as Ledger;
  const file = data.get('file');
  if (!(file instanceof File) || file.size === 0) return { ledger, failure: formFail(400, 'upload', { errors: { file: '请选择要导入的 Excel 文件（.xlsx）' }, values: { ledger } }) };
  const api = serverApi(event).api;
  const target = ledger === 'talks' ? api.talks.import : api.sanctions.import;
  const res = await (step === 'preview' ? target.preview.$post({ form: { file } }) : target.commit.$post({ form: { file } }));
  if (!res.ok) return { ledger, failure: formFail(res.status, 'upload', { message: (await toApiError(res)).message, values: { ledger } }) };
  return { ledger, res };
}

export const actions: Actions = {
  preview: async (event) => {
    const r = await send(event, 'preview');
    if ('failure' in r) return r.failure;
    const body = (await r.res.json()) as { ok: boolean; summary: Summary; problems: Problem[] };
    return { step: 'preview' as const, ledger: r.ledger, ...body };
  },
  commit: async (event) => {
    const r = await send(event, 'commit');
    if ('failure' in r) return r.failure;
    const lines = (await r.res.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result?: { summary: Summary }; error?: { message: string; problems?: Problem[] } });
    const last = lines.at(-1);
    if (last?.result) return { step: 'done' as const, ledger: r.ledger, ok: true, summary: last.result.summary, problems: [] as Problem[] };
    return { step: 'failed' as const, ledger: r.ledger, ok: false, message: last?.error?.message ?? '连接中断，数据未导入，请重试', problems: last?.error?.problems ?? [] };
  },
};
