import { describe, expect, it } from 'vitest';
import {
  addYears,
  clipToTerm,
  personProblems,
  postConflicts,
  postProblems,
  postShapeProblems,
  rangesOverlap,
  seesFullIdNumbers,
  suggestTermEnd,
  termAdjustments,
  termProblems,
  todayInShanghai,
  type PostSpan,
} from './rules.ts';
import { testIdNumber } from './test-helpers.ts';

const term = { ordinal: 11, startDate: '2021-05-10', endDate: null as string | null };

function post(p: Partial<PostSpan> & { personKey: string }): PostSpan {
  return {
    personName: `人员${p.personKey}`,
    termId: 1,
    committee: 'party',
    position: 'member',
    startDate: '2021-05-10',
    endDate: null,
    termEndDate: null,
    ...p,
  };
}

describe('dates', () => {
  it('ranges are half-open: a post ending on D and one starting on D do not overlap', () => {
    expect(rangesOverlap('2021-01-01', '2022-01-01', '2022-01-01', null)).toBe(false);
    expect(rangesOverlap('2021-01-01', '2022-01-02', '2022-01-01', null)).toBe(true);
    expect(rangesOverlap('2021-01-01', null, '2030-01-01', null)).toBe(true);
    expect(rangesOverlap('2023-01-01', null, '2021-01-01', '2022-12-31')).toBe(false);
  });
  it('suggests a five-year term and handles 29 February', () => {
    expect(suggestTermEnd('2021-05-10')).toBe('2026-05-10');
    expect(addYears('2024-02-29', 5)).toBe('2029-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });
  it('clips a roster date into the term (its last day is the day before its end)', () => {
    const t = { startDate: '2021-05-10', endDate: '2026-05-10' };
    expect(clipToTerm('2020-01-01', t)).toBe('2021-05-10');
    expect(clipToTerm('2023-03-03', t)).toBe('2023-03-03');
    expect(clipToTerm('2026-05-10', t)).toBe('2026-05-09');
    expect(clipToTerm('2030-01-01', { startDate: '2021-05-10', endDate: null })).toBe('2030-01-01');
  });
  it('takes today in Asia/Shanghai, not UTC', () => {
    expect(todayInShanghai(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(todayInShanghai(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
  });
  it('only roster maintainers see ID numbers in full', () => {
    expect(seesFullIdNumbers('org_office')).toBe(true);
    expect(seesFullIdNumbers('admin')).toBe(true);
    expect(seesFullIdNumbers('auditor')).toBe(false);
    expect(seesFullIdNumbers('inspector')).toBe(false);
    expect(seesFullIdNumbers('secretary')).toBe(false);
  });
});

describe('people', () => {
  const id = testIdNumber('1980-06-15', 'male', 1);
  const ok = { name: '张三', gender: 'male' as const, idNumber: id, birthDate: '1980-06-15', partyJoinDate: null };
  it('accepts consistent facts and normalises a lower-case x', () => {
    expect(personProblems(ok, '2026-01-01')).toEqual({ idNumber: id, problems: [] });
  });
  it('refuses a bad checksum, and a birth date or gender the number contradicts', () => {
    const badSum = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(personProblems({ ...ok, idNumber: badSum }, '2026-01-01').problems.map((p) => p.code)).toEqual(['bad_id_number']);
    expect(personProblems({ ...ok, birthDate: '1980-06-16' }, '2026-01-01').problems[0]).toMatchObject({ code: 'id_number_mismatch', field: 'birthDate' });
    expect(personProblems({ ...ok, gender: 'female' }, '2026-01-01').problems[0]).toMatchObject({ code: 'id_number_mismatch', field: 'gender' });
  });
  it('checks the party join date and the education order', () => {
    expect(personProblems({ ...ok, partyJoinDate: '1979-01-01' }, '2026-01-01').problems[0]!.code).toBe('party_join_before_birth');
    expect(personProblems({ ...ok, partyJoinDate: '2027-01-01' }, '2026-01-01').problems[0]!.code).toBe('party_join_in_future');
    expect(personProblems({ ...ok, educationFullTime: 'bachelor', educationHighest: 'associate' }, '2026-01-01').problems[0]!.code).toBe('education_order');
    expect(personProblems({ ...ok, educationFullTime: 'associate', educationHighest: 'bachelor' }, '2026-01-01').problems).toEqual([]);
  });
});

describe('terms', () => {
  const t10 = { id: 1, ordinal: 10, electionDate: '2016-05-01', startDate: '2016-05-01', endDate: null };
  it('refuses a duplicate ordinal, an election after the start, and an end before the start', () => {
    const codes = (t: Parameters<typeof termProblems>[0]) => termProblems(t, [t10]).map((p) => p.code);
    expect(codes({ ordinal: 10, electionDate: '2021-05-10', startDate: '2021-05-10', endDate: null })).toContain('duplicate_ordinal');
    expect(codes({ ordinal: 11, electionDate: '2021-05-11', startDate: '2021-05-10', endDate: null })).toEqual(['election_after_start']);
    expect(codes({ ordinal: 11, electionDate: '2019-05-01', startDate: '2021-05-10', endDate: null })).toEqual(['election_too_early']);
    expect(codes({ ordinal: 11, electionDate: '2021-05-10', startDate: '2021-05-10', endDate: '2021-05-10' })).toEqual(['end_before_start']);
  });
  it('keeps ordinals and dates in the same order, without overlaps', () => {
    expect(termProblems({ ordinal: 11, electionDate: '2015-05-01', startDate: '2015-05-01', endDate: null }, [t10]).map((p) => p.code)).toEqual(['term_order']);
    const closed = { ...t10, endDate: '2021-06-01' };
    expect(termProblems({ ordinal: 11, electionDate: '2021-05-10', startDate: '2021-05-10', endDate: null }, [closed]).map((p) => p.code)).toEqual(['term_overlap']);
    expect(termProblems({ ordinal: 11, electionDate: '2021-06-01', startDate: '2021-06-01', endDate: null }, [closed])).toEqual([]);
    // Inserting an older term before an existing one: it must end by the time the next starts.
    expect(termProblems({ ordinal: 9, electionDate: '2011-05-01', startDate: '2011-05-01', endDate: '2016-06-01' }, [t10]).map((p) => p.code)).toEqual(['term_overlap']);
    expect(termProblems({ ordinal: 9, electionDate: '2011-05-01', startDate: '2011-05-01', endDate: null }, [t10]).map((p) => p.code)).toEqual(['term_open_before_next']);
  });
  it('a new term closes an open previous term; an inserted older term ends when the next starts', () => {
    const adj = termAdjustments({ ordinal: 11, electionDate: '2021-05-10', startDate: '2021-05-10', endDate: null }, [t10]);
    expect(adj).toEqual({ endDate: null, closePrevious: t10 });
    const older = termAdjustments({ ordinal: 9, electionDate: '2011-05-01', startDate: '2011-05-01', endDate: null }, [t10]);
    expect(older).toEqual({ endDate: '2016-05-01', closePrevious: null });
    expect(termAdjustments({ ordinal: 11, electionDate: '2021-05-10', startDate: '2021-05-10', endDate: null }, [{ ...t10, endDate: '2021-05-10' }]).closePrevious).toBeNull();
  });
});

describe('posts', () => {
  it('end after start, inside the term, a position of the committee', () => {
    const codes = (p: Parameters<typeof postShapeProblems>[0], t = term) => postShapeProblems(p, t).map((x) => x.code);
    // Ending on the start day means the post was entered by mistake: said so, with the offer to delete it.
    expect(codes({ committee: 'party', position: 'secretary', startDate: '2021-05-10', endDate: '2021-05-10' })).toEqual(['end_on_start_day']);
    expect(codes({ committee: 'party', position: 'secretary', startDate: '2021-05-10', endDate: '2021-05-09' })).toEqual(['end_before_start']);
    expect(codes({ committee: 'party', position: 'secretary', startDate: '2021-05-09', endDate: null })).toEqual(['outside_term']);
    expect(codes({ committee: 'party', position: 'secretary', startDate: '2021-05-10', endDate: '2026-06-01' }, { ...term, endDate: '2026-05-10' })).toEqual(['outside_term']);
    expect(codes({ committee: 'party', position: 'secretary', startDate: '2026-05-10', endDate: null }, { ...term, endDate: '2026-05-10' })).toEqual(['outside_term']);
    expect(codes({ committee: 'party', position: 'director', startDate: '2021-05-10', endDate: null })).toEqual(['bad_position']);
    expect(codes({ committee: 'residents', position: 'director', startDate: '2021-05-10', endDate: '2026-05-10' }, { ...term, endDate: '2026-05-10' })).toEqual([]);
  });
  it('one party secretary and one director at a time; a same-day handover is fine', () => {
    const sec = post({ id: 1, personKey: 'a', position: 'secretary' });
    expect(postConflicts(post({ personKey: 'b', position: 'secretary', startDate: '2023-01-01' }), [sec]).map((p) => p.code)).toEqual(['second_secretary']);
    const ended = post({ id: 1, personKey: 'a', position: 'secretary', endDate: '2023-01-01' });
    expect(postConflicts(post({ personKey: 'b', position: 'secretary', startDate: '2023-01-01' }), [ended])).toEqual([]);
    // A director is not a second secretary; two members are fine.
    expect(postConflicts(post({ personKey: 'b', committee: 'residents', position: 'director' }), [sec])).toEqual([]);
    expect(postConflicts(post({ personKey: 'b' }), [post({ id: 2, personKey: 'c' })])).toEqual([]);
    const dir = post({ id: 3, personKey: 'c', committee: 'residents', position: 'director' });
    expect(postConflicts(post({ personKey: 'd', committee: 'residents', position: 'director' }), [dir])[0]!.code).toBe('second_director');
  });
  it('a person holds one post per committee at a time, but may sit on both committees', () => {
    const member = post({ id: 1, personKey: 'a' });
    expect(postConflicts(post({ personKey: 'a', position: 'deputy_secretary', startDate: '2022-01-01' }), [member]).map((p) => p.code)).toEqual(['overlapping_post']);
    expect(postConflicts(post({ personKey: 'a', committee: 'residents', position: 'director' }), [member])).toEqual([]);
    // The post itself (same id) is not a conflict with itself.
    expect(postConflicts({ ...member, position: 'secretary' }, [member])).toEqual([]);
  });
  it('an open post ends with its term', () => {
    const old = post({ id: 1, personKey: 'a', position: 'secretary', termId: 1, termEndDate: '2021-05-10' });
    const next = post({ personKey: 'b', position: 'secretary', termId: 2, startDate: '2021-05-10' });
    expect(postConflicts(next, [old])).toEqual([]);
  });
  it('reports shape problems before conflicts', () => {
    const sec = post({ id: 1, personKey: 'a', position: 'secretary' });
    expect(postProblems(post({ personKey: 'b', position: 'secretary', startDate: '2020-01-01' }), term, [sec]).map((p) => p.code)).toEqual(['outside_term']);
    expect(postProblems(post({ personKey: 'b', position: 'secretary', startDate: '2022-01-01' }), term, [sec])[0]!.message).toMatch(/同一时间只能有一名党组织书记：与人员a/);
  });
});
