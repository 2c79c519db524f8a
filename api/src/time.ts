// Beijing time, the one way every person-facing time is written (China has no daylight saving time:
// UTC+8 all year). Tables and lists: 2026-12-02 05:28. Documents (PDF, Excel title blocks, sentences):
// 2026年12月2日 05:28. Pure: the web imports it too (`@qingfeng/api/time`).

const OFFSET_MS = 8 * 3_600_000;
const shifted = (at: Date | string) => new Date((typeof at === 'string' ? Date.parse(at) : at.getTime()) + OFFSET_MS);

/** 'YYYY-MM-DD HH:mm' in Beijing time, for tables and lists. */
export function beijingTime(at: Date | string): string {
  return shifted(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** 'YYYY-MM-DD', the Beijing day of an instant. */
export function beijingDate(at: Date | string): string {
  return shifted(at).toISOString().slice(0, 10);
}

/** '2021-01-15' → '2021年1月15日'. */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** '2026年12月2日 05:28' in Beijing time, for documents. */
export function beijingDocumentTime(at: Date | string): string {
  const s = beijingTime(at);
  return `${chineseDate(s.slice(0, 10))} ${s.slice(11)}`;
}
