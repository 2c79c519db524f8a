// The office 花名册: one line per person and village, their posts on the date combined
// ("党组织书记、村委会主任"), for the roster PDF and the Excel 花名册 sheet. Pure.
import type { OrgKind } from '@qingfeng/db';
import { codeLabel, committeeShortName, POST_HOW_LABELS } from './labels.ts';
import { positionLabel } from './rules.ts';
import type { RosterRow } from './queries.ts';

export interface BookEntry {
  /** The person's first post in the roster's order (party committee first, by position): their facts. */
  first: RosterRow;
  posts: RosterRow[];
}

/** Groups a roster's rows (one per post) by village and person, keeping the roster's order. */
export function rosterByPerson(rows: readonly RosterRow[]): BookEntry[] {
  const out: BookEntry[] = [];
  const seen = new Map<string, BookEntry>();
  for (const r of rows) {
    const key = `${r.org_unit_id}:${r.person_id}`;
    const entry = seen.get(key);
    if (entry) entry.posts.push(r);
    else {
      const e = { first: r, posts: [r] };
      seen.set(key, e);
      out.push(e);
    }
  }
  return out;
}

/** 党组织书记、村委会主任 */
export const combinedPosts = (posts: readonly RosterRow[], kind: OrgKind): string =>
  posts.map((p) => `${committeeShortName(p.committee, kind)}${positionLabel(p.committee, p.position)}`).join('、');

/** The earliest start of the person's posts (任职时间). */
export const earliestStart = (posts: readonly RosterRow[]): string => posts.reduce((m, p) => (p.start_date < m ? p.start_date : m), posts[0]!.start_date);

/** 换届选举、补选 — each way once, in the posts' order. */
export const combinedHow = (posts: readonly RosterRow[]): string => [...new Set(posts.map((p) => codeLabel(POST_HOW_LABELS, p.how) ?? p.how))].join('、');

/** 离任: the latest set end date of the person's posts and its reason ('' when none ends). */
export function departure(posts: readonly RosterRow[]): { date: string; reason: string } {
  const ended = posts.filter((p) => p.end_date !== null).sort((a, b) => (a.end_date! < b.end_date! ? 1 : -1));
  return ended.length ? { date: ended[0]!.end_date!, reason: ended[0]!.end_reason ?? '' } : { date: '', reason: '' };
}
