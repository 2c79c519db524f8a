// The integrity archive (廉政档案, domain.md §8): one person's facts, posts across terms, talks,
// sanctions with influence periods, and eligibility today — the page and the PDF show the same data.
// Decisions and pledges join as their modules arrive.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { archiveOf } from './queries.ts';
import { ineligibility } from './eligibility.ts';
import { displayStatus, reasonText, sanctionForm, sanctionLabel, talkForm, TALK_KIND_LABELS } from './rules.ts';

export async function archiveData(db: Kysely<Database>, scopePath: string, id: number, today: string) {
  const a = await archiveOf(db, scopePath, id);
  if (!a) return undefined;
  const reasons = (await ineligibility(db, [{ key: 'p', personId: id, on: today }])).get('p') ?? [];
  return {
    person: a.person,
    posts: a.posts,
    talks: a.talks.map((t) => ({ ...t, kindLabel: TALK_KIND_LABELS[t.kind], form: talkForm(t.kind).form })),
    sanctions: a.sanctions.map((s) => ({
      ...s,
      label: sanctionLabel(s.system, s.type, s.probation_months),
      displayStatus: displayStatus({ status: s.status, influenceEnd: s.influence_end }, today),
      form: s.status === 'in_force' ? sanctionForm({ system: s.system, type: s.type, criminalReferral: s.criminal_referral }).form : null,
    })),
    eligibility: { on: today, eligible: reasons.length === 0, reasons: reasons.map((r) => ({ ...r, text: reasonText(r) })) },
  };
}

export type ArchiveData = NonNullable<Awaited<ReturnType<typeof archiveData>>>;
