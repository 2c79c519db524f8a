import { describe, expect, it } from 'vitest';
import { codeLabel, ETHNICITIES, isEthnicityCode, POLITICAL_STATUS_LABELS } from './labels.ts';
import { positionLabel } from './rules.ts';
import type { Committee, Position } from '@qingfeng/db';

describe('code tables are looked up by own keys only', () => {
  it('finds real codes and nothing inherited', () => {
    expect(codeLabel(ETHNICITIES, '01')).toBe('汉族');
    expect(isEthnicityCode('58')).toBe(false);
    for (const key of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
      expect(codeLabel(ETHNICITIES, key), key).toBeUndefined();
      expect(isEthnicityCode(key), key).toBe(false);
      expect(codeLabel(POLITICAL_STATUS_LABELS, key), key).toBeUndefined();
    }
    expect(codeLabel(ETHNICITIES, null)).toBeUndefined();
  });

  it('prints an unknown stored position or committee as the code itself', () => {
    expect(positionLabel('party', 'secretary')).toBe('书记');
    expect(positionLabel('party', 'constructor' as Position)).toBe('constructor');
    expect(positionLabel('__proto__' as Committee, 'member')).toBe('member');
  });
});
