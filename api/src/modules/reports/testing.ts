// Small helpers for report tests: write roster rows directly (the roster module's routes are tested there).
import type { Kysely } from 'kysely';
import type { Committee, Database, EducationLevel, Gender, PoliticalStatus, PostHow, Position } from '@qingfeng/db';
import { sealIdNumber } from '@qingfeng/db';
import { idChecksumChar } from '../roster/identity.ts';

let seq = 0;

/** A valid 18-digit ID number (fictional region 990101) encoding the birth date and gender. */
export function fakeIdNumber(birthDate: string, gender: Gender, n = ++seq): string {
  const order = (n % 500) * 2 + (gender === 'male' ? 1 : 0);
  const first17 = `990101${birthDate.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  return first17 + idChecksumChar(first17);
}

export async function addPerson(
  db: Kysely<Database>,
  p: { orgUnitId: number; name: string; gender: Gender; birthDate: string; political: PoliticalStatus; education: EducationLevel },
) {
  const row = await db
    .insertInto('person')
    .values({
      org_unit_id: p.orgUnitId,
      name: p.name,
      gender: p.gender,
      ...sealIdNumber(db, fakeIdNumber(p.birthDate, p.gender)),
      birth_date: p.birthDate,
      ethnicity: '01',
      political_status: p.political,
      education_highest: p.education,
      education_full_time: p.education,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addTerm(db: Kysely<Database>, t: { orgUnitId: number; ordinal: number; electionDate: string; startDate?: string; endDate?: string | null }) {
  const row = await db
    .insertInto('term')
    .values({ org_unit_id: t.orgUnitId, ordinal: t.ordinal, election_date: t.electionDate, start_date: t.startDate ?? t.electionDate, end_date: t.endDate ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addPost(
  db: Kysely<Database>,
  p: { personId: number; orgUnitId: number; termId: number; committee: Committee; position: Position; start: string; end?: string | null; how?: PostHow },
) {
  await db
    .insertInto('post')
    .values({
      person_id: p.personId,
      org_unit_id: p.orgUnitId,
      term_id: p.termId,
      committee: p.committee,
      position: p.position,
      start_date: p.start,
      end_date: p.end ?? null,
      end_reason: p.end ? '辞职' : null,
      how: p.how ?? 'elected',
    })
    .execute();
}
