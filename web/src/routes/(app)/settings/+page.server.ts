import { redirect } from '@sveltejs/kit';
import { SETTING_DEFINITIONS, SETTING_KEYS, type SettingKey } from '@qingfeng/api/rules/settings';
import type { Actions, PageServerLoad } from './$types';
import { ok, toApiError } from '$lib/api';
import { serverApi } from '$lib/server/api';
import { setFlash } from '$lib/server/flash';
import { formFail } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
  const { items } = await ok(serverApi(event).api.settings.$get());
  return { settings: items };
};

export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const api = serverApi(event).api;
    const { items } = await ok(api.settings.$get());
    const current = new Map(items.map((i) => [i.key, i.value]));
    const values: Record<string, string> = {};
    const errors: Record<string, string> = {};
    const changes: { key: SettingKey; value: number | string[] }[] = [];
    // Check every field before saving any, so that a bad value changes nothing.
    for (const key of SETTING_KEYS) {
      const raw = String(data.get(key) ?? '').trim();
      values[key] = raw;
      const def = SETTING_DEFINITIONS[key];
      // Date lists (holidays): one YYYY-MM-DD a line, kept sorted and without repeats.
      if (Array.isArray(def.default)) {
        const dates = [...new Set(raw.split(/[\s,，、]+/).filter(Boolean))].sort();
        const bad = dates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
        if (bad) {
          errors[key] = `“${bad.slice(0, 20)}”不是 YYYY-MM-DD 格式的日期`;
          continue;
        }
        const parsed = def.schema.safeParse(dates);
        if (!parsed.success) {
          errors[key] = '日期过多（最多 1000 个）';
          continue;
        }
        if (JSON.stringify(current.get(key)) !== JSON.stringify(dates)) changes.push({ key, value: dates });
        continue;
      }
      if (!/^\d+$/.test(raw)) {
        errors[key] = '请输入整数';
        continue;
      }
      const parsed = def.schema.safeParse(Number(raw));
      if (!parsed.success) {
        const bounds = parsed.error.issues[0];
        errors[key] = bounds?.code === 'too_small' ? `不能小于 ${bounds.minimum}` : bounds?.code === 'too_big' ? `不能大于 ${bounds.maximum}` : '取值无效';
        continue;
      }
      if (current.get(key) !== parsed.data) changes.push({ key, value: parsed.data });
    }
    if (Object.keys(errors).length) return formFail(400, 'settings', { errors, values });
    for (const { key, value } of changes) {
      const res = await api.settings[':key'].$put({ param: { key }, json: { value } });
      if (!res.ok) return formFail(res.status, 'settings', { errors: { [key]: (await toApiError(res)).message }, values });
    }
    setFlash(event, changes.length ? `已保存 ${changes.length} 项设置` : '设置没有变化');
    redirect(303, '/settings');
  },
};
