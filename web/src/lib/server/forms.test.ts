import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api';
import { apiFail, conflictMessage } from './forms';

// Issue 11 finding 6: a stale save tells the user what someone else saved, and keeps their input.
describe('conflictMessage', () => {
  const stale = new ApiError(409, 'conflict', '保存失败：该记录已被他人修改', { version: 3, changed: { phone: '13700000001', partyJoinDate: null, isVeteran: true, toString: 'x' } });

  it('names each changed field in Chinese with its saved value', () => {
    const m = conflictMessage(stale)!;
    expect(m).toContain('已被他人修改');
    expect(m).toContain('电话：现为「13700000001」');
    expect(m).toContain('入党时间：现为「（空）」');
    expect(m).toContain('退役军人：现为「是」');
    // Unknown names are shown as sent, never looked up on the prototype.
    expect(m).toContain('toString：现为「x」');
    expect(m).toContain('您填写的内容仍在表单中');
  });

  it('is null for any other error', () => {
    expect(conflictMessage(new ApiError(409, 'duplicate_id_number', '已登记'))).toBeNull();
  });

  it('keeps the typed values in the failed form', () => {
    const r = apiFail('person', stale, { phone: '13999999999' });
    expect(r.status).toBe(409);
    // With the version now saved: the form's hidden field takes it, so saving again overwrites knowingly.
    expect(r.data.person.values).toEqual({ phone: '13999999999', version: '3' });
    expect(r.data.person.message).toContain('电话：现为「13700000001」');
  });
});
