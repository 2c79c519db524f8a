// 公民身份号码 (GB 11643-1999) and ages in full years (周岁). Pure functions.
import type { Gender } from '@qingfeng/db';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export function idChecksumChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export interface IdNumberFacts {
  birthDate: string;
  gender: Gender;
}

export type IdNumberResult = { ok: true; value: string; facts: IdNumberFacts } | { ok: false; message: string };

/** Validates format, birth date and checksum; normalises a lower-case x. */
export function parseIdNumber(input: string): IdNumberResult {
  const value = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, message: '公民身份号码应为 18 位（最后一位可为 X）' };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isValidDate(birthDate) || birthDate < '1900-01-01') return { ok: false, message: '公民身份号码中的出生日期无效' };
  if (idChecksumChar(value.slice(0, 17)) !== value[17]) return { ok: false, message: '公民身份号码校验位不正确' };
  const gender: Gender = Number(value[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value, facts: { birthDate, gender } };
}

/** Problems when the record's birth date or gender disagree with what the ID number encodes. */
export function idNumberMismatch(facts: IdNumberFacts, record: { birthDate: string; gender: Gender }): string | null {
  if (facts.birthDate !== record.birthDate) return `出生日期与公民身份号码不一致（号码中为 ${facts.birthDate}）`;
  if (facts.gender !== record.gender) return `性别与公民身份号码不一致（号码中为${facts.gender === 'male' ? '男' : '女'}）`;
  return null;
}

/**
 * Shown to roles that do not maintain rosters: **************123X. The region digits are hidden too:
 * with them and the birth date the rest could be rebuilt from the checksum (security review #11,
 * finding 4); those roles see 出生年月 only (maskBirthDate).
 */
export function maskIdNumber(id: string): string {
  if (id.length !== 18) return '*'.repeat(id.length);
  return `${'*'.repeat(14)}${id.slice(14)}`;
}

/** 出生年月 ('YYYY-MM') for roles that see masked ID numbers; the day would narrow the number down. */
export const maskBirthDate = (birthDate: string): string => birthDate.slice(0, 7);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date written YYYY-MM-DD. Arithmetic, not Date: imports call it for every cell. */
export function isValidDate(s: string): boolean {
  if (s.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/**
 * Age in full years (周岁) on a date. Someone born on 29 February turns a year older on
 * 1 March in common years (the day after 28 February), as in PostgreSQL's age().
 */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

/** Age bands of the structure tables: ≤35, 36–45, 46–55, ≥56. */
export const AGE_BANDS = [
  { key: 'upTo35', label: '35岁及以下', min: 0, max: 35 },
  { key: 'from36To45', label: '36—45岁', min: 36, max: 45 },
  { key: 'from46To55', label: '46—55岁', min: 46, max: 55 },
  { key: 'from56', label: '56岁及以上', min: 56, max: 200 },
] as const;
export type AgeBandKey = (typeof AGE_BANDS)[number]['key'];

export function ageBand(age: number): AgeBandKey {
  return AGE_BANDS.find((b) => age >= b.min && age <= b.max)!.key;
}
