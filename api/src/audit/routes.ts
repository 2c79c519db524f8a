import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { allow, currentUser } from '../http/guard.ts';
import { MAX_DB_ID, pagination, v } from '../http/validate.ts';
import { depthOf } from '../modules/orgs/rules.ts';
import { auditTimeRange } from './rules.ts';
import { AUDIT_EVENT_KINDS, AUDIT_KIND_LIST } from './events.ts';
import { auditActors, exportAuditEvents, listAuditEvents, verifyAuditChain } from './queries.ts';
import { describeAuditEvent } from './describe.ts';
import { addTableSheet, newWorkbook, workbookBytes, xlsxResponse, type SheetColumn } from '../excel/export.ts';
import { inTransaction } from '../http/action.ts';
import { beijingDocumentTime, beijingTime } from '../time.ts';
import { codeLabel } from '../modules/roster/labels.ts';
import { ROLE_LABELS } from '../modules/users/rules.ts';

const listQuery = z.object({
  actor: z.coerce.number().int().positive().max(MAX_DB_ID).optional(),
  kind: z.enum(AUDIT_KIND_LIST as [string, ...string[]]).optional(),
  objectType: z.string().max(40).optional(),
  objectId: z.string().max(40).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  ...pagination,
});

const scopeFilter = (c: Context<AppEnv>) => {
  const user = currentUser(c);
  // Events tied to no org and no user (e.g. a failed login with an unknown name) belong to the top.
  return { scopePath: user.orgPath, includeUnattributed: depthOf(user.orgPath) === 0 };
};
const filterOf = (f: z.infer<typeof listQuery>) => ({
  actorUserId: f.actor,
  kind: f.kind,
  objectType: f.objectType,
  objectId: f.objectId,
  ...auditTimeRange(f.from, f.to),
});

/** Rows an export holds at most (the sheet says when more matched). */
export const AUDIT_EXPORT_LIMIT = 20_000;

const EXPORT_COLUMNS: SheetColumn<AuditRow>[] = [
  { header: '编号', width: 8, value: (e) => e.id },
  { header: '时间', width: 18, value: (e) => beijingTime(e.occurred_at) },
  { header: '操作人', width: 14, value: (e) => e.actor_display_name ?? e.actor_username ?? '系统' },
  { header: '角色', width: 12, value: (e) => (e.actor_role ? (codeLabel(ROLE_LABELS, e.actor_role) ?? e.actor_role) : '') },
  { header: '操作', width: 12, value: (e) => codeLabel(AUDIT_EVENT_KINDS, e.kind) ?? e.kind },
  { header: '说明', width: 60, wrap: true, value: (e) => describeAuditEvent(e) },
  { header: '组织', width: 16, value: (e) => e.org_name },
  { header: 'IP', width: 16, value: (e) => e.ip },
];
type AuditRow = Awaited<ReturnType<typeof exportAuditEvents>>['items'][number];

export const auditRoutes = new Hono<AppEnv>()
  .get('/', allow('admin', 'auditor'), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const result = await listAuditEvents(c.get('db'), { ...scopeFilter(c), ...filterOf(f), page: f.page, pageSize: f.pageSize });
    return c.json({
      ...result,
      items: result.items.map((e) => ({
        ...e,
        occurred_at: e.occurred_at.toISOString(),
        kindLabel: AUDIT_EVENT_KINDS[e.kind as keyof typeof AUDIT_EVENT_KINDS] ?? e.kind,
        description: describeAuditEvent(e),
      })),
    });
  })
  .get('/actors', allow('admin', 'auditor'), async (c) => c.json({ items: await auditActors(c.get('db'), scopeFilter(c)) }))
  .get('/export.xlsx', allow('admin', 'auditor'), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const user = currentUser(c);
    const now = c.get('clock').now();
    const { items, total } = await exportAuditEvents(c.get('db'), { ...scopeFilter(c), ...filterOf(f) }, AUDIT_EXPORT_LIMIT);
    const wb = newWorkbook(now);
    const range = [f.from && `自 ${beijingTime(f.from).slice(0, 10)}`, f.to && `至 ${beijingTime(new Date(Date.parse(f.to) - 1)).slice(0, 10)}`].filter(Boolean).join(' ');
    addTableSheet(wb, '审计日志', EXPORT_COLUMNS, items, {
      title: '审计日志',
      subtitles: [
        `${user.orgName ?? ''}　${range || '全部时间'}${f.kind ? `　操作：${codeLabel(AUDIT_EVENT_KINDS, f.kind) ?? f.kind}` : ''}　共 ${total} 条${total > items.length ? `，本表为最近 ${items.length} 条` : ''}`,
        `导出人：${user.displayName}　导出时间：${beijingDocumentTime(now)}`,
      ],
    });
    // The export is itself an audited event (after the rows were read: it is not in its own file).
    await inTransaction(c, async (_trx, audit) => {
      await audit({ kind: 'export.downloaded', objectType: 'org_unit', objectId: user.orgUnitId, orgUnitId: user.orgUnitId, details: { document: 'audit.xlsx', rows: items.length } });
    });
    return xlsxResponse(c, await workbookBytes(wb), `审计日志-${beijingTime(now).slice(0, 10)}.xlsx`, 'audit.xlsx');
  })
  .get('/kinds', allow('admin', 'auditor'), (c) => c.json({ items: AUDIT_KIND_LIST.map((kind) => ({ kind, label: AUDIT_EVENT_KINDS[kind] })) }))
  .get('/verify', allow('admin', 'auditor'), async (c) => {
    // Verification covers the whole chain, not just the caller's scope: a chain is only whole or broken.
    return c.json(await verifyAuditChain(c.get('db')));
  });
