import { describe, expect, it } from 'vitest';
import { ageBand, ageOn, idChecksumChar, idNumberMismatch, maskIdNumber, parseIdNumber } from './identity.ts';

describe('公民身份号码', () => {
  it('accepts a valid number and reads birth date and gender from it', () => {
    // GB 11643-1999's own example.
    const r = parseIdNumber('11010519491231002X');
    expect(r).toEqual({ ok: true, value: '11010519491231002X', facts: { birthDate: '1949-12-31', gender: 'female' } });
    expect(parseIdNumber('11010519491231002x').ok).toBe(true);
  });
  it('rejects a wrong checksum, a bad date and a wrong length', () => {
    expect(parseIdNumber('110105194912310021')).toEqual({ ok: false, message: '公民身份号码校验位不正确' });
    const feb30 = '1101051949023000' + '1';
    expect(parseIdNumber(feb30 + idChecksumChar(feb30))).toMatchObject({ ok: false, message: '公民身份号码中的出生日期无效' });
    expect(parseIdNumber('12345').ok).toBe(false);
  });
  it('cross-checks the record’s birth date and gender', () => {
    const facts = { birthDate: '1949-12-31', gender: 'female' as const };
    expect(idNumberMismatch(facts, { birthDate: '1949-12-31', gender: 'female' })).toBeNull();
    expect(idNumberMismatch(facts, { birthDate: '1949-12-30', gender: 'female' })).toMatch(/出生日期/);
    expect(idNumberMismatch(facts, { birthDate: '1949-12-31', gender: 'male' })).toMatch(/性别/);
  });
  it('masks all but the first four and last four characters', () => {
    expect(maskIdNumber('37030319800101123X')).toBe('**************123X');
  });
});

describe('age in full years (周岁)', () => {
  it('turns over on the birthday, not before', () => {
    expect(ageOn('1990-06-15', '2025-06-14')).toBe(34);
    expect(ageOn('1990-06-15', '2025-06-15')).toBe(35);
    expect(ageOn('1990-06-15', '2025-12-31')).toBe(35);
  });
  it('handles 29 February in common and leap years', () => {
    expect(ageOn('2000-02-29', '2021-02-28')).toBe(20);
    expect(ageOn('2000-02-29', '2021-03-01')).toBe(21);
    expect(ageOn('2000-02-29', '2024-02-28')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });
  it('puts 35 in the youngest band (以下 includes the number) and 36 in the next', () => {
    expect(ageBand(35)).toBe('upTo35');
    expect(ageBand(36)).toBe('from36To45');
    expect(ageBand(55)).toBe('from46To55');
    expect(ageBand(56)).toBe('from56');
  });
});
