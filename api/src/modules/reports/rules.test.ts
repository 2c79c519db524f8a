import { describe, expect, it } from 'vitest';
import {
  ageChangePhrase,
  composeSentence,
  countChangePhrase,
  emptyFigures,
  figureChange,
  formatPercent,
  wholeYears,
  type StructureFigures,
} from './rules.ts';

// The reference report's paragraph (七), character for character (ASCII , ( ) ; and curly quotes).
const REFERENCE =
  '圆满完成20个村(社区)\u201c两委\u201d换届选举,共产生104名村(社区)\u201c两委\u201d成员,其中35岁以下年轻干部23名,女性成员47名,' +
  '其中女性主职干部5名;\u201c两委\u201d成员平均年龄43岁,较上届平均年龄下降5岁;\u201c两委\u201d成员中大专及以上学历61名,较上届新增13名;' +
  '\u201c一肩挑\u201d比例达100%';

const figures = (patch: Partial<StructureFigures>): StructureFigures => ({ ...emptyFigures(), ...patch });
const current = figures({ members: 104, age35OrUnder: 23, female: 47, femalePrincipals: 5, averageAge: 43.1, collegeOrAbove: 61, dualRoleVillages: 20, dualRoleRatio: 1 });
const previous = figures({ members: 100, averageAge: 48, collegeOrAbove: 48, dualRoleVillages: 12, dualRoleRatio: 0.6 });

describe('structure sentence', () => {
  it('reproduces the reference paragraph from its figures', () => {
    expect(composeSentence({ villages: 20, current, previous })).toBe(REFERENCE);
  });

  it('words an increase, no change and a decrease', () => {
    expect(ageChangePhrase(43.1, 48)).toBe('较上届平均年龄下降5岁');
    expect(ageChangePhrase(45.6, 43.2)).toBe('较上届平均年龄上升3岁');
    expect(ageChangePhrase(43.4, 42.6)).toBe('与上届持平'); // 43 vs 43 as printed
    expect(countChangePhrase(61, 48)).toBe('较上届新增13名');
    expect(countChangePhrase(40, 48)).toBe('较上届减少8名');
    expect(countChangePhrase(48, 48)).toBe('与上届持平');
    const s = composeSentence({ villages: 20, current: { ...current, averageAge: 48.2, collegeOrAbove: 48 }, previous });
    expect(s).toContain(';“两委”成员平均年龄48岁,与上届持平;“两委”成员中大专及以上学历48名,与上届持平;');
  });

  it('compares the averages as printed (each rounded to whole years first)', () => {
    // 42.5 → 43 (half up) and 47.4 → 47: the sentence says 43岁 and 下降4岁, never 4.9 → 5.
    expect(wholeYears(42.5)).toBe(43);
    expect(wholeYears(42.4)).toBe(42);
    expect(ageChangePhrase(42.5, 47.4)).toBe('较上届平均年龄下降4岁');
  });

  it('leaves the comparisons out without a previous term', () => {
    expect(composeSentence({ villages: 3, current: { ...current, dualRoleRatio: 2 / 3 }, previous: null })).toBe(
      '圆满完成3个村(社区)“两委”换届选举,共产生104名村(社区)“两委”成员,其中35岁以下年轻干部23名,女性成员47名,其中女性主职干部5名;' +
        '“两委”成员平均年龄43岁;“两委”成员中大专及以上学历61名;“一肩挑”比例达66.7%',
    );
    // A previous term with nobody in office at its election date: no age comparison, but education still compares.
    const s = composeSentence({ villages: 2, current, previous: figures({ averageAge: null }) });
    expect(s).toContain('平均年龄43岁;“两委”成员中大专及以上学历61名,较上届新增61名;');
  });

  it('says so when there is nobody to count', () => {
    expect(composeSentence({ villages: 0, current: emptyFigures(), previous: null })).toBe('范围内暂无在届的村(社区)“两委”成员');
    expect(composeSentence({ villages: 2, current: emptyFigures(), previous: null })).toBe('范围内暂无在届的村(社区)“两委”成员');
  });

  it('formats ratios as percentages with at most one decimal', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.85)).toBe('85%');
    expect(formatPercent(0.855)).toBe('85.5%');
    expect(formatPercent(0.6667)).toBe('66.7%');
    expect(formatPercent(0)).toBe('0%');
    expect(composeSentence({ villages: 20, current: { ...current, dualRoleRatio: 0 }, previous })).toMatch(/“一肩挑”比例为0%$/);
  });
});

describe('± column', () => {
  it('subtracts every figure, averages to one decimal', () => {
    expect(figureChange(current, previous)).toEqual({
      members: 4,
      age35OrUnder: 23,
      female: 47,
      femalePrincipals: 5,
      averageAge: -4.9,
      collegeOrAbove: 13,
      dualRoleVillages: 8,
      dualRoleRatio: 0.4,
      crossServing: 0,
      partyMembers: 0,
    });
    expect(figureChange(current, emptyFigures()).averageAge).toBeNull();
  });
});
