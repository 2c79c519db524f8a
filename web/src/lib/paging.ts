/** The URL of page `p` of a list: the same URL with `page` set (page 1 = no parameter). */
export function pageHref(url: URL, p: number): string {
  const u = new URL(url);
  if (p <= 1) u.searchParams.delete('page');
  else u.searchParams.set('page', String(p));
  return `${u.pathname}${u.search}`;
}

/** How many pages a list of `total` rows has (at least one). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));
