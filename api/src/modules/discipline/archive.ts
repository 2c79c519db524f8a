// The integrity archive (廉政档案, domain.md §8): one person's facts, posts across terms, talks,
// sanctions with influence periods, and eligibility today — the page and the PDF show the same data.
// Decisions taken part in (三重一大, with the person's own opinion) and pledges signed come from their modules' tables.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { beijingTime } from '../../time.ts';
import { CATEGORY_LABELS, MEETING_KIND_LABELS, OPINION_LABELS, OUTCOME_LABELS } from '../decisions/rules.ts';
import { archiveOf } from './queries.ts';
import { ineligibility } from './eligibility.ts';
import { displayStatus, reasonText, sanctionForm, sanctionLabel, talkForm, TALK_KIND_LABELS } from './rules.ts';

export async function archiveData(db: Kysely<Database>, scopePath: string, id: number, today: string) {
  // The eligibility statement runs beside the archive's own (its answer is dropped if the person is not visible).
  const [a, ineligible] = await Promise.all([archiveOf(db, scopePath, id), ineligibility(db, [{ key: 'p', personId: id, on: today }])]);
  if (!a) return undefined;
  const reasons = ineligible.get('p') ?? [];
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
    decisions: a.decisions.map((d) => ({
      ...d,
      meetingLabel: MEETING_KIND_LABELS[d.meeting_kind],
      categoryLabel: CATEGORY_LABELS[d.category],
      // What the person said on the item: their recorded opinion, else why there is none.
      opinionLabel: d.recused ? '回避' : d.opinion ? OPINION_LABELS[d.opinion] : d.role === 'observer' ? '列席（不表决）' : '未记录',
      outcomeLabel: d.outcome ? OUTCOME_LABELS[d.outcome] : '未表决',
    })),
    pledges: a.pledges.map((s) => ({ ...s, signed_at: beijingTime(s.signed_at) })),
    eligibility: { on: today, eligible: reasons.length === 0, reasons: reasons.map((r) => ({ ...r, text: reasonText(r) })) },
  };
}

export type ArchiveData = NonNullable<Awaited<ReturnType<typeof archiveData>>>;
