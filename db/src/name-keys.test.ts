import { describe, expect, it } from 'vitest';
import { nameInitials, nameStrokeKey } from './name-keys.ts';

describe('name keys', () => {
  it('pinyin initials, surnames read as surnames', () => {
    expect(nameInitials('唐浩瀚')).toBe('thh');
    expect(nameInitials('单雄信')).toBe('sxx');
    expect(nameInitials('曾乐')).toBe('zl');
    expect(nameInitials(' 欧阳 修 ')).toBe('oyx');
  });

  it('stroke key: count first, then the strokes in 横竖撇点折 order', () => {
    // 丁 2 strokes, 王 4, 刘 6, 唐 10.
    const sorted = ['唐一', '王五', '刘三', '丁二'].sort((a, b) => (nameStrokeKey(a) < nameStrokeKey(b) ? -1 : 1));
    expect(sorted).toEqual(['丁二', '王五', '刘三', '唐一']);
    expect(nameStrokeKey('王')).toBe('041121');
    // Same count (4): 王 starts with 横, 毛 with 撇, 方 with 点 → 王 < 毛 < 方.
    const four = ['方', '毛', '王'].sort((a, b) => (nameStrokeKey(a) < nameStrokeKey(b) ? -1 : 1));
    expect(four).toEqual(['王', '毛', '方']);
    // Unknown characters sort after every known one.
    expect(nameStrokeKey('Tom') > nameStrokeKey('龙')).toBe(true);
  });
});
