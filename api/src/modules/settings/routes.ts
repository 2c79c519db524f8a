import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow } from '../../http/guard.ts';
import { v } from '../../http/validate.ts';
import { badRequest } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { SETTING_DEFINITIONS, SETTING_KEYS, type SettingKey } from './rules.ts';
import { loadSettings, saveSetting } from './queries.ts';

export const settingRoutes = new Hono<AppEnv>()
  .get('/', allow('admin'), async (c) => {
    const values = await loadSettings(c.get('db'));
    return c.json({
      items: SETTING_KEYS.map((key) => ({ key, label: SETTING_DEFINITIONS[key].label, value: values[key], default: SETTING_DEFINITIONS[key].default })),
    });
  })
  .put('/:key', allow('admin'), v('param', z.object({ key: z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]) })), v('json', z.object({ value: z.unknown() })), async (c) => {
    const { key } = c.req.valid('param');
    const parsed = SETTING_DEFINITIONS[key].schema.safeParse(c.req.valid('json').value);
    if (!parsed.success) throw badRequest('validation', `设置“${SETTING_DEFINITIONS[key].label}”的取值无效`);
    await inTransaction(c, async (trx, audit, now) => {
      await saveSetting(trx, key, parsed.data, now);
      await audit({ kind: 'setting.updated', objectType: 'setting', objectId: key, details: { key, value: parsed.data } });
    });
    return c.json({ ok: true as const });
  });
