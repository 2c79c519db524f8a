import { describe, expect, it } from 'vitest';
import { canContain, childPath, depthOf, inScope } from './rules.ts';
import { roleOrgProblem } from '../users/rules.ts';

describe('org tree rules', () => {
  it('nests county → subdistrict → village/community → grid, nothing else', () => {
    expect(canContain(null, 'province')).toBe(true);
    expect(canContain('province', 'county')).toBe(true);
    expect(canContain('province', 'subdistrict')).toBe(false);
    expect(canContain('county', 'province')).toBe(false);
    expect(canContain(null, 'county')).toBe(true);
    expect(canContain(null, 'subdistrict')).toBe(true);
    expect(canContain(null, 'village')).toBe(false);
    expect(canContain('county', 'subdistrict')).toBe(true);
    expect(canContain('subdistrict', 'village')).toBe(true);
    expect(canContain('subdistrict', 'community')).toBe(true);
    expect(canContain('subdistrict', 'grid')).toBe(false);
    expect(canContain('village', 'grid')).toBe(true);
    expect(canContain('community', 'grid')).toBe(true);
    expect(canContain('grid', 'grid')).toBe(false);
  });

  it('builds paths from ids and tells subtrees apart by whole segments', () => {
    expect(childPath(null, 1)).toBe('/1/');
    expect(childPath('/1/5/', 12)).toBe('/1/5/12/');
    expect(inScope('/1/5/', '/1/5/12/')).toBe(true);
    expect(inScope('/1/5/', '/1/5/')).toBe(true);
    // '/1/5/' must not contain '/1/55/': the trailing slash separates them.
    expect(inScope('/1/5/', '/1/55/')).toBe(false);
    expect(depthOf('/1/')).toBe(0);
    expect(depthOf('/1/5/12/')).toBe(2);
  });

  it('puts secretaries in villages and everyone else above them', () => {
    expect(roleOrgProblem('secretary', 'village')).toBeNull();
    expect(roleOrgProblem('secretary', 'community')).toBeNull();
    expect(roleOrgProblem('secretary', 'subdistrict')).toBe('村（社区）书记账号必须属于一个村或社区');
    expect(roleOrgProblem('admin', 'subdistrict')).toBeNull();
    expect(roleOrgProblem('auditor', 'county')).toBeNull();
    expect(roleOrgProblem('inspector', 'village')).toMatch(/应属于街道/);
    expect(roleOrgProblem('org_office', 'grid')).toMatch(/应属于街道/);
  });
});
