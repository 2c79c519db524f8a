import { describe, expect, it } from 'vitest';
import { beijingDate, beijingDocumentTime, beijingTime, chineseDate } from './time.ts';

describe('Beijing time (issue 10 item 3)', () => {
  // 21:28 UTC on 1 December is 05:28 on 2 December in Beijing.
  const at = new Date('2026-12-01T21:28:35.165Z');
  it('writes tables as 2026-12-02 05:28 and documents as 2026年12月2日 05:28', () => {
    expect(beijingTime(at)).toBe('2026-12-02 05:28');
    expect(beijingTime(at.toISOString())).toBe('2026-12-02 05:28');
    expect(beijingDocumentTime(at)).toBe('2026年12月2日 05:28');
    expect(beijingDate(at)).toBe('2026-12-02');
    expect(chineseDate('2021-01-15')).toBe('2021年1月15日');
  });
  it('puts 23:30 on 31 December in Beijing in that year', () => {
    expect(beijingDate(new Date('2021-12-31T15:30:00Z'))).toBe('2021-12-31');
    expect(beijingDate(new Date('2021-12-31T16:00:00Z'))).toBe('2022-01-01');
  });
});
