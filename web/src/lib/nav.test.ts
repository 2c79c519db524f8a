import { describe, expect, it } from 'vitest';
import { NAV, navFor, rolesForPath, isActive } from './nav';

describe('navigation by role', () => {
  it('shows user management to admins only and the audit log to admins and auditors', () => {
    const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).flatMap((s) => s.items.map((i) => i.label));
    expect(labels('admin')).toEqual(expect.arrayContaining(['用户管理', '审计日志', '组织架构']));
    expect(labels('auditor')).toContain('审计日志');
    expect(labels('auditor')).not.toContain('用户管理');
    expect(labels('secretary')).not.toContain('审计日志');
    expect(labels('secretary')).not.toContain('用户管理');
    expect(labels('secretary')).toContain('我的账号');
  });

  it('leaves out empty sections', () => {
    for (const section of navFor('secretary')) expect(section.items.length).toBeGreaterThan(0);
  });

  it('finds the roles of a page from the longest matching entry', () => {
    expect(rolesForPath('/users/12')).toEqual(['admin']);
    expect(rolesForPath('/users')).toEqual(['admin']);
    expect(rolesForPath('/usersettings')).toBeNull();
    expect(rolesForPath('/')).toHaveLength(5);
    expect(rolesForPath('/unknown')).toBeNull();
  });

  it('marks the active entry without matching prefixes of other words', () => {
    expect(isActive('/', '/orgs')).toBe(false);
    expect(isActive('/orgs', '/orgs')).toBe(true);
    expect(isActive('/users', '/users/3')).toBe(true);
    expect(isActive('/audit', '/auditor')).toBe(false);
    // Only the most specific entry is highlighted.
    expect(isActive('/pledges/templates', '/pledges/templates/3')).toBe(true);
    expect(isActive('/pledges', '/pledges/templates/3')).toBe(false);
    expect(isActive('/pledges', '/pledges/campaigns/1')).toBe(true);
  });

  it('gives every entry at least one role and a unique path', () => {
    const items = NAV.flatMap((s) => s.items);
    expect(new Set(items.map((i) => i.href)).size).toBe(items.length);
    for (const i of items) expect(i.roles.length).toBeGreaterThan(0);
  });
});
