import { describe, expect, it } from 'vitest';
import {
  addMonths,
  addWorkingDays,
  covers,
  displayStatus,
  fourFormsFigures,
  influenceEnd,
  integritySentence,
  lookup,
  sanctionForm,
  sanctionProblems,
  sentenceText,
  shanghaiDate,
  talkForm,
  workingDaysBetween,
  type IntegrityFigures,
  type PeriodSettings,
} from './rules.ts';

const settings: PeriodSettings = { organizationalMonths: { suspension: 6, position_adjustment: 12, ordered_resignation: 24, removal: 24, demotion: 24 } };

describe('month arithmetic', () => {
  it('clamps the 31st to the month end', () => {
    expect(addMonths('2021-08-31', 6)).toBe('2022-02-28');
    expect(addMonths('2021-01-31', 1)).toBe('2021-02-28');
    expect(addMonths('2021-03-31', 1)).toBe('2021-04-30');
    expect(addMonths('2021-05-31', 12)).toBe('2022-05-31');
  });
  it('handles 29 February', () => {
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2020-02-29', 60)).toBe('2025-02-28');
  });
  it('crosses years both ways and keeps ordinary days', () => {
    expect(addMonths('2021-11-15', 3)).toBe('2022-02-15');
    expect(addMonths('2021-12-01', 18)).toBe('2023-06-01');
    expect(addMonths('2022-01-15', -1)).toBe('2021-12-15');
  });
});

describe('influence periods', () => {
  it('use the domain table', () => {
    const end = (system: 'party' | 'government' | 'organizational', type: string, probationMonths?: number) =>
      influenceEnd({ system, type, effectiveDate: '2021-08-31', probationMonths: probationMonths ?? null }, settings);
    expect(end('party', 'warning')).toBe('2022-08-31');
    expect(end('party', 'serious_warning')).toBe('2023-02-28');
    expect(end('party', 'removal_from_post')).toBe('2023-08-31');
    expect(end('party', 'probation', 12)).toBe('2024-08-31');
    expect(end('party', 'probation', 24)).toBe('2025-08-31');
    expect(end('party', 'expulsion')).toBe('2026-08-31');
    expect(end('government', 'warning')).toBe('2022-02-28');
    expect(end('government', 'demerit')).toBe('2022-08-31');
    expect(end('government', 'major_demerit')).toBe('2023-02-28');
    expect(end('government', 'demotion')).toBe('2023-08-31');
    expect(end('government', 'dismissal')).toBe('2023-08-31');
    expect(end('government', 'expulsion')).toBeNull();
    expect(end('organizational', 'position_adjustment')).toBe('2022-08-31');
    expect(() => end('party', 'toString')).toThrow();
  });
  it('are half-open: the last day is in, the end day is out', () => {
    const end = influenceEnd({ system: 'government', type: 'warning', effectiveDate: '2021-08-31' }, settings)!;
    expect(covers('2021-08-31', end, '2021-08-30')).toBe(false);
    expect(covers('2021-08-31', end, '2021-08-31')).toBe(true);
    expect(covers('2021-08-31', end, '2022-02-27')).toBe(true);
    expect(covers('2021-08-31', end, '2022-02-28')).toBe(false);
    expect(covers('2021-08-31', null, '2099-01-01')).toBe(true);
  });
  it('derive 影响期已满 from the date; revoked stays revoked', () => {
    expect(displayStatus({ status: 'in_force', influenceEnd: '2022-02-28' }, '2022-02-27')).toBe('in_force');
    expect(displayStatus({ status: 'in_force', influenceEnd: '2022-02-28' }, '2022-02-28')).toBe('influence_ended');
    expect(displayStatus({ status: 'in_force', influenceEnd: null }, '2099-02-28')).toBe('in_force');
    expect(displayStatus({ status: 'revoked', influenceEnd: '2022-02-28' }, '2021-10-01')).toBe('revoked');
  });
});

describe('working days', () => {
  const cal = { holidays: ['2021-10-01', '2021-10-04', '2021-10-05', '2021-10-06', '2021-10-07'], workdays: ['2021-10-09'] };
  it('skip Saturdays and Sundays', () => {
    // Friday 2021-09-10: the 1st working day after is Monday 13th; the 15th is Thursday 30th.
    expect(addWorkingDays('2021-09-10', 1, { holidays: [] })).toBe('2021-09-13');
    expect(addWorkingDays('2021-09-10', 15, { holidays: [] })).toBe('2021-10-01');
    expect(addWorkingDays('2021-09-11', 1, { holidays: [] })).toBe('2021-09-13');
  });
  it('skip holidays and count make-up working days', () => {
    // From Thursday 30 September: 1–7 October are off except what the calendar says; the 9th (Saturday) works.
    expect(addWorkingDays('2021-09-30', 1, cal)).toBe('2021-10-08');
    expect(addWorkingDays('2021-09-30', 2, cal)).toBe('2021-10-09');
    expect(addWorkingDays('2021-09-30', 3, cal)).toBe('2021-10-11');
    expect(addWorkingDays('2021-09-24', 15, cal)).toBe('2021-10-21');
  });
  it('counts working days between dates', () => {
    expect(workingDaysBetween('2021-09-30', '2021-10-11', cal)).toBe(3);
    expect(workingDaysBetween('2021-10-11', '2021-10-11', cal)).toBe(0);
    expect(workingDaysBetween('2021-10-12', '2021-10-11', cal)).toBe(0);
  });
});

describe('Asia/Shanghai days', () => {
  it('puts 23:30 on 31 December Beijing time (15:30 UTC) in that year', () => {
    expect(shanghaiDate(new Date('2021-12-31T15:30:00Z'))).toBe('2021-12-31');
    expect(shanghaiDate(new Date('2021-12-31T16:00:00Z'))).toBe('2022-01-01');
  });
});

describe('who may receive what', () => {
  const base = { decisionDate: '2021-05-01', effectiveDate: '2021-05-01' };
  it('gives village cadres only 警告, 记过, 记大过 of 政务处分', () => {
    const cadre = { category: 'village_cadre' as const, politicalStatus: 'cpc_member' as const };
    expect(sanctionProblems(cadre, { ...base, system: 'government', type: 'major_demerit' })).toEqual([]);
    const p = sanctionProblems(cadre, { ...base, system: 'government', type: 'dismissal' });
    expect(p[0]?.code).toBe('category_not_allowed');
    expect(p[0]?.message).toContain('村(社区)干部');
    expect(sanctionProblems({ category: 'civil_servant', politicalStatus: 'masses' }, { ...base, system: 'government', type: 'dismissal' })).toEqual([]);
    expect(sanctionProblems({ category: 'party_member', politicalStatus: 'cpc_member' }, { ...base, system: 'government', type: 'warning' })[0]?.code).toBe('category_not_allowed');
  });
  it('gives party sanctions to party members only and needs the 察看 period', () => {
    expect(sanctionProblems({ category: 'village_cadre', politicalStatus: 'masses' }, { ...base, system: 'party', type: 'warning' })[0]?.code).toBe('not_party_member');
    const m = { category: 'party_member' as const, politicalStatus: 'cpc_member' as const };
    expect(sanctionProblems(m, { ...base, system: 'party', type: 'probation' })[0]?.code).toBe('probation_months');
    expect(sanctionProblems(m, { ...base, system: 'party', type: 'probation', probationMonths: 24 })).toEqual([]);
    expect(sanctionProblems(m, { ...base, system: 'party', type: 'warning', probationMonths: 12 })[0]?.code).toBe('probation_months');
    expect(sanctionProblems(m, { ...base, system: 'party', type: '__proto__' })[0]?.code).toBe('bad_type');
    expect(sanctionProblems(m, { system: 'party', type: 'warning', decisionDate: '2021-05-02', effectiveDate: '2021-05-01' })[0]?.code).toBe('effective_before_decision');
  });
});

describe('four forms', () => {
  it('puts talks and sanctions in their forms with the rule', () => {
    expect(talkForm('reminder').form).toBe('first');
    expect(talkForm('inquiry_letter').form).toBe('first');
    expect(talkForm('admonishment').form).toBe('first');
    expect(talkForm('collective').form).toBeNull();
    expect(talkForm('integrity').form).toBeNull();
    expect(sanctionForm({ system: 'party', type: 'serious_warning', criminalReferral: false })).toEqual({ form: 'second', rule: '党纪严重警告属党纪轻处分，计入第二种形态' });
    expect(sanctionForm({ system: 'party', type: 'expulsion', criminalReferral: false }).form).toBe('third');
    expect(sanctionForm({ system: 'government', type: 'demotion', criminalReferral: false }).form).toBe('second');
    expect(sanctionForm({ system: 'government', type: 'dismissal', criminalReferral: false }).form).toBe('third');
    expect(sanctionForm({ system: 'organizational', type: 'removal', criminalReferral: false }).form).toBe('second');
    expect(sanctionForm({ system: 'party', type: 'warning', criminalReferral: true }).form).toBe('fourth');
  });
  it('computes percentages of the total', () => {
    const f = fourFormsFigures({ first: 1, second: 1, third: 1, fourth: 0 });
    expect(f.total).toBe(3);
    expect(f.first.percent).toBe(33.3);
    expect(fourFormsFigures({ first: 0, second: 0, third: 0, fourth: 0 }).first.percent).toBe(0);
  });
});

describe('the sentence', () => {
  const f: IntegrityFigures = {
    collectiveTalks: 29,
    collectiveTalkParticipants: 1774,
    individualTalks: 64,
    reminderTalks: 58,
    admonishments: 2,
    warningTalks: 4,
    inquiryLetters: 3,
    integrityTalks: 5,
    preAppointmentTalks: 0,
    partySanctionedPersons: 31,
    partySanctions: { warning: 20, serious_warning: 7, removal_from_post: 0, probation: 0, expulsion: 4 },
    governmentSanctions: 1,
    organizationalActions: 0,
    fourForms: fourFormsFigures({ first: 67, second: 28, third: 4, fourth: 0 }),
  };
  it('reads as the reference', () => {
    expect(sentenceText(integritySentence(f))).toBe(
      '街道领导班子成员开展集体谈话29次、1774人次,个别谈话64人次(提醒谈话58次、诫勉谈话2人次、警示谈话4人次);给予辖区31名党员党纪处分(警告20人、严重警告7人、开除党籍4人)',
    );
    expect(integritySentence(f).filter((p) => typeof p !== 'string')).toHaveLength(10);
  });
  it('leaves out the bracket when nobody was sanctioned', () => {
    const none = { ...f, partySanctionedPersons: 0, partySanctions: { warning: 0, serious_warning: 0, removal_from_post: 0, probation: 0, expulsion: 0 } };
    expect(sentenceText(integritySentence(none)).endsWith('给予辖区0名党员党纪处分')).toBe(true);
  });
  it('looks codes up by own key only', () => {
    expect(lookup({ a: 1 }, 'toString')).toBeUndefined();
    expect(lookup({ a: 1 }, 'a')).toBe(1);
  });
});
