// Helpers for roster tests: valid fictional ID numbers and request bodies.
import type { Gender } from '@qingfeng/db';
import { idChecksumChar } from './identity.ts';

/** A valid 18-digit ID number for this birth date and gender; `n` (0–499) makes it unique. */
export function testIdNumber(birthDate: string, gender: Gender, n = 0): string {
  const seq = String(n % 100).padStart(2, '0');
  const g = Math.floor(n / 100) % 5;
  const genderDigit = gender === 'male' ? 1 + 2 * g : 2 * g;
  const first17 = `370302${birthDate.replaceAll('-', '')}${seq}${genderDigit}`;
  return first17 + idChecksumChar(first17);
}

let counter = 0;

/** A POST /api/people body with consistent facts. */
export function personBody(orgUnitId: number, o: { name?: string; gender?: Gender; birthDate?: string; n?: number } = {}) {
  const gender = o.gender ?? 'male';
  const birthDate = o.birthDate ?? '1980-06-15';
  return {
    orgUnitId,
    name: o.name ?? `测试人员${++counter}`,
    gender,
    idNumber: testIdNumber(birthDate, gender, o.n ?? counter),
    birthDate,
    ethnicity: '01',
    politicalStatus: 'cpc_member' as const,
    partyJoinDate: '2005-07-01',
    educationFullTime: 'high_school' as const,
    educationHighest: 'associate' as const,
    phone: '13800000000',
    isVeteran: false,
  };
}
