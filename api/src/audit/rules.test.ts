import { describe, expect, it } from 'vitest';
import { auditTimeRange } from './rules.ts';
import { canonicalJson, chainHash, GENESIS_HASH } from './chain.ts';

describe('audit filters', () => {
  it('reads dates as Asia/Shanghai days, `to` inclusive; date-times as given', () => {
    expect(auditTimeRange('2026-03-01', '2026-03-01')).toEqual({
      from: new Date('2026-02-28T16:00:00Z'),
      to: new Date('2026-03-01T16:00:00Z'),
    });
    expect(auditTimeRange('2026-03-01T08:00:00Z', '2026-03-02T00:00:00+08:00')).toEqual({
      from: new Date('2026-03-01T08:00:00Z'),
      to: new Date('2026-03-01T16:00:00Z'),
    });
    expect(auditTimeRange()).toEqual({});
  });
});

describe('audit chain hashing', () => {
  const row = {
    occurred_at: new Date('2026-03-02T02:00:00Z'),
    kind: 'org.created',
    actor_user_id: 1,
    actor_username: 'admin',
    actor_display_name: '管理员',
    actor_role: 'admin',
    ip: null,
    user_agent: null,
    object_type: 'org_unit',
    object_id: '5',
    org_unit_id: 5,
    details: { name: '东村', kind: 'village' },
  };
  it('is canonical: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    const h = chainHash(GENESIS_HASH, row);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...row, details: { kind: 'village', name: '东村' } })).toBe(h);
    expect(chainHash(GENESIS_HASH, { ...row, details: { name: '西村', kind: 'village' } })).not.toBe(h);
    expect(chainHash('1'.repeat(64), row)).not.toBe(h);
    expect(chainHash(GENESIS_HASH, { ...row, occurred_at: new Date(row.occurred_at.getTime() + 1) })).not.toBe(h);
  });
});
