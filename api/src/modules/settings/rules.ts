import { z } from 'zod';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Every setting with its default and its validation. Locality-dependent rules live here. */
export const SETTING_DEFINITIONS = {
  'session.inactivityMinutes': { label: '会话闲置超时（分钟）', schema: z.number().int().min(5).max(24 * 60), default: 120 },
  'session.absoluteHours': { label: '会话最长有效期（小时）', schema: z.number().int().min(1).max(24 * 30), default: 12 },
  'password.minLength': { label: '密码最短长度', schema: z.number().int().min(8).max(64), default: 10 },
  'password.minClasses': { label: '密码至少包含的字符类别数（大写、小写、数字、符号）', schema: z.number().int().min(1).max(4), default: 3 },
  'login.maxFailures': { label: '同一地址登录失败锁定次数（任意地址合计为其 4 倍，同一地址所有账号合计为其 10 倍）', schema: z.number().int().min(1).max(100), default: 5 },
  'login.lockMinutes': { label: '锁定时长（分钟）', schema: z.number().int().min(1).max(24 * 60), default: 15 },
  // ---- discipline inspection (domain.md §4–§5): locality-dependent periods ----
  'discipline.inquiryReplyWorkingDays': { label: '函询回复期限（工作日）', schema: z.number().int().min(1).max(60), default: 15 },
  'discipline.holidays': { label: '法定节假日（每行一个日期，YYYY-MM-DD；计算工作日时不计入）', schema: z.array(isoDay).max(1000), default: [] as string[] },
  'discipline.makeUpWorkdays': { label: '调休上班日（每行一个日期；周六日也计为工作日）', schema: z.array(isoDay).max(1000), default: [] as string[] },
  'discipline.admonishmentMonths': { label: '诫勉影响期（月）', schema: z.number().int().min(1).max(60), default: 6 },
  'discipline.org.suspensionMonths': { label: '组织处理影响期：停职检查（月）', schema: z.number().int().min(0).max(120), default: 6 },
  'discipline.org.positionAdjustmentMonths': { label: '组织处理影响期：调整职务（月）', schema: z.number().int().min(0).max(120), default: 12 },
  'discipline.org.orderedResignationMonths': { label: '组织处理影响期：责令辞职（月）', schema: z.number().int().min(0).max(120), default: 24 },
  'discipline.org.removalMonths': { label: '组织处理影响期：免职（月）', schema: z.number().int().min(0).max(120), default: 24 },
  'discipline.org.demotionMonths': { label: '组织处理影响期：降职（月）', schema: z.number().int().min(0).max(120), default: 24 },
} as const;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTING_DEFINITIONS)[K]['schema']> };

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

export function defaultSettings(): Settings {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTING_DEFINITIONS[k].default])) as Settings;
}

/** Merges stored values over the defaults, ignoring stored values that no longer validate. */
export function resolveSettings(stored: { key: string; value: unknown }[]): Settings {
  const settings = defaultSettings() as Record<string, unknown>;
  for (const { key, value } of stored) {
    const def = SETTING_DEFINITIONS[key as SettingKey];
    if (def && def.schema.safeParse(value).success) settings[key] = value;
  }
  return settings as Settings;
}
