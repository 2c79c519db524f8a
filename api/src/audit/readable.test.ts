// The audit log as people read it (issue 10 item 12): every event in a Chinese sentence naming what it
// touched, no raw keys or session ids; the operators to filter by; an Excel export that is itself audited.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createOrg, createTestContext, createUserAndLogin, engineLabel, type TestContext } from '../testing/harness.ts';
import { describeAuditEvent } from './describe.ts';
import { AUDIT_KIND_LIST } from './events.ts';
import { personBody } from '../modules/roster/test-helpers.ts';

describe('audit events in words', () => {
  it('names the person and the post, never ids or session ids', () => {
    expect(describeAuditEvent({ kind: 'post.created', details: { personId: 7, name: '王建国', termId: 3, committee: 'party', position: 'secretary', startDate: '2021-05-10' } })).toBe(
      '为“王建国”新增任职：党组织委员会书记（2021-05-10起）',
    );
    expect(describeAuditEvent({ kind: 'person.updated', details: { name: '李秀英', fields: ['phone', 'education_highest'] } })).toBe('修改人员“李秀英”的联系电话、最高学历');
    expect(describeAuditEvent({ kind: 'auth.login', details: { sessionId: 'abc123secret' } })).toBe('登录系统');
    expect(describeAuditEvent({ kind: 'post.deleted', details: { name: '赵丽', committee: 'residents', position: 'member', startDate: '2026-12-02', reason: '误录' } })).toBe(
      '删除“赵丽”误录的村（居）民委员会委员任职记录（2026-12-02起）。原因：误录',
    );
    // Every kind reads as Chinese, with no English key or id in it.
    for (const kind of AUDIT_KIND_LIST) {
      const text = describeAuditEvent({ kind, details: { sessionId: 'zzsecretzz', personId: 99, name: '某人' } });
      expect(text, kind).toMatch(/[\u4e00-\u9fff]/);
      expect(text, kind).not.toMatch(/zzsecretzz|sessionId|personId|undefined|null/);
    }
  });
});

let t: TestContext;
let office = '';
let auditor = '';

beforeAll(async () => {
  t = await createTestContext();
  const village = (await createOrg(t, t.rootOrgId, 'village', '东村')).id;
  office = (await createUserAndLogin(t, { username: 'office', role: 'org_office' })).cookie;
  auditor = (await createUserAndLogin(t, { username: 'shenji', role: 'auditor' })).cookie;
  expect((await call(t.app, 'POST', '/api/people', { cookie: office, json: personBody(village, { name: '王建国', n: 5 }) })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
});

describe(`the readable audit log (${engineLabel()})`, () => {
  it('lists events with descriptions and the operators to filter by', async () => {
    const res = await call(t.app, 'GET', '/api/audit-events?kind=person.created', { cookie: auditor });
    const body = (await res.json()) as { items: { description: string }[] };
    expect(body.items.map((e) => e.description)).toEqual(['新增人员“王建国”']);
    const actors = (await (await call(t.app, 'GET', '/api/audit-events/actors', { cookie: auditor })).json()) as { items: { name: string; username: string }[] };
    expect(actors.items.map((a) => a.username)).toEqual(expect.arrayContaining(['office', 'shenji']));
    expect((await call(t.app, 'GET', '/api/audit-events/actors', { cookie: office })).status).toBe(403);
  });

  it('exports the filtered log to Excel, and audits the export', async () => {
    const res = await call(t.app, 'GET', '/api/audit-events/export.xlsx?kind=person.created', { cookie: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('审计日志-'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('审计日志')!;
    expect(String(ws.getCell('A1').value)).toBe('审计日志');
    expect(String(ws.getCell('A2').value)).toContain('操作：新增人员　共 1 条');
    const header = (ws.getRow(4).values as unknown[]).slice(1);
    expect(header).toEqual(['编号', '时间', '操作人', '角色', '操作', '说明', '组织', 'IP']);
    const row = (ws.getRow(5).values as unknown[]).slice(1);
    expect(row[1]).toMatch(/^2026-03-02 \d\d:\d\d$/);
    expect(row.slice(2, 6)).toEqual(['office', '党建办（组织）', '新增人员', '新增人员“王建国”']);
    const last = await t.handle.db.selectFrom('audit_event').select(['kind', 'actor_username', 'details']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last).toMatchObject({ kind: 'export.downloaded', actor_username: 'shenji', details: { document: 'audit.xlsx', rows: 1 } });
    expect(describeAuditEvent({ kind: last.kind, details: last.details as Record<string, unknown> })).toBe('导出审计日志 Excel（1行）');
  });
});
