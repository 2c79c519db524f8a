// Shared bits of the discipline pages (browser-safe): labels come from the API's pure rules.
export {
  FORM_LABELS,
  PERSON_CATEGORY_LABELS,
  SANCTION_STATUS_LABELS,
  SANCTION_SYSTEM_LABELS,
  SANCTION_TYPE_LABELS,
  TALK_KIND_LABELS,
  VIOLATION_LABELS,
  FIGURE_LABELS,
  addDays,
  sanctionLabel,
} from '@qingfeng/api/rules/discipline';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A period from the URL: `from` and `until` are the first and last day shown to the user (inclusive);
 * `to` is the API's first day out (half-open). Default: the current calendar year (Beijing).
 */
export function periodFrom(url: URL, today: string): { from: string; until: string; to: string } {
  const from = url.searchParams.get('from') ?? '';
  const until = url.searchParams.get('until') ?? '';
  const y = today.slice(0, 4);
  const f = DATE.test(from) ? from : `${y}-01-01`;
  const u = DATE.test(until) ? until : `${y}-12-31`;
  return { from: f, until: u, to: nextDay(u) };
}

export const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export const positive = (s: string | null) => (s && /^\d{1,9}$/.test(s) && Number(s) > 0 ? s : '');
