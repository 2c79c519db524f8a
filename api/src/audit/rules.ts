// Pure helpers for the audit log's filters.

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instants a `from`/`to` filter stands for. A date alone means a calendar day in Asia/Shanghai
 * (the users' day), and `to` then includes that whole day; a date-time is taken as given, `to`
 * exclusive.
 */
export function auditTimeRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const range: { from?: Date; to?: Date } = {};
  if (from) range.from = DATE_ONLY.test(from) ? new Date(`${from}T00:00:00+08:00`) : new Date(from);
  if (to) {
    if (DATE_ONLY.test(to)) {
      const start = new Date(`${to}T00:00:00+08:00`);
      range.to = new Date(start.getTime() + 24 * 3_600_000);
    } else {
      range.to = new Date(to);
    }
  }
  return range;
}
