import { describe, expect, it } from 'vitest';
import { decisionsParagraph, drillDown, linkNumbers, partsText, pledgesParagraph, checkRecordHref } from './rules.ts';

describe('linkNumbers', () => {
  it('links whole numbers in order and never a digit inside a longer number', () => {
    const parts = linkNumbers('2021年共5项,其中15项通过,5项缓议', [
      { figure: 'decisions', text: '5' },
      { figure: 'reminderTalks', text: '5' },
    ]);
    expect(parts).toEqual(['2021年共', { figure: 'decisions', text: '5' }, '项,其中15项通过,', { figure: 'reminderTalks', text: '5' }, '项缓议']);
    expect(partsText(parts)).toBe('2021年共5项,其中15项通过,5项缓议');
  });
  it('leaves a number the sentence does not state unlinked and keeps the text whole', () => {
    const parts = linkNumbers('平均年龄43岁,与上届持平', [
      { figure: 'committee.averageAge', text: '43' },
      { figure: 'committee.averageAgeChange', text: '0' },
    ]);
    expect(parts).toEqual(['平均年龄', { figure: 'committee.averageAge', text: '43' }, '岁,与上届持平']);
  });
});

describe('paragraphs', () => {
  it('phrase pledges as the reference does and link the printed number', () => {
    expect(pledgesParagraph(213)).toEqual(['与机关干部、村居“两委”成员签订廉洁自律承诺书', { figure: 'pledgesSigned', text: '200' }, '余份。']);
    expect(partsText(pledgesParagraph(87))).toBe('与机关干部、村居“两委”成员签订廉洁自律承诺书87份。');
    expect(partsText(pledgesParagraph(200))).toBe('与机关干部、村居“两委”成员签订廉洁自律承诺书200份。');
  });
  it('links the decisions figure and not the year', () => {
    expect(decisionsParagraph(2021, 2021)).toEqual(['2021年,', '集体研究“三重一大”事项', { figure: 'decisions', text: '2021' }, '项。']);
  });
});

describe('drill-downs', () => {
  it('point at the modules’ list endpoints with the figure’s filter', () => {
    expect(drillDown('decisions', 3, 2021)).toEqual({ api: '/api/reports/decisions/items', query: { org: '3', year: '2021', counted: 'yes' }, page: '/reports/decisions/items?org=3&year=2021&counted=yes' });
    expect(drillDown('partySanctions.warning', 3, 2021).page).toBe('/discipline/integrity/records?org=3&year=2021&figure=partySanctions.warning');
    expect(drillDown('pledgesSigned', 3, 2021).api).toBe('/api/reports/pledges/records');
    expect(drillDown('committee.members', 3, 2021).page).toBe('/reports/committee-structure?org=3');
    expect(checkRecordHref('itemNotClosed', 9)).toBe('/decisions/items/9');
  });
});
