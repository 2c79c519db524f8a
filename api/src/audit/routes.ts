import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { allow, currentUser } from '../http/guard.ts';
import { MAX_DB_ID, pagination, v } from '../http/validate.ts';
import { depthOf } from '../modules/orgs/rules.ts';
import { auditTimeRange } from './rules.ts';
import { AUDIT_EVENT_KINDS, AUDIT_KIND_LIST } from './events.ts';
import { listAuditEvents, verifyAuditChain } from './queries.ts';

const listQuery = z.object({
  actor: z.coerce.number().int().positive().max(MAX_DB_ID).optional(),
  kind: z.enum(AUDIT_KIND_LIST as [string, ...string[]]).optional(),
  objectType: z.string().max(40).optional(),
  objectId: z.string().max(40).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  ...pagination,
});

export const auditRoutes = new Hono<AppEnv>()
  .get('/', allow('admin', 'auditor'), v('query', listQuery), async (c) => {
    const f = c.req.valid('query');
    const user = currentUser(c);
    const result = await listAuditEvents(c.get('db'), {
      scopePath: user.orgPath,
      // Events tied to no org and no user (e.g. a failed login with an unknown name) belong to the top.
      includeUnattributed: depthOf(user.orgPath) === 0,
      actorUserId: f.actor,
      kind: f.kind,
      objectType: f.objectType,
      objectId: f.objectId,
      ...auditTimeRange(f.from, f.to),
      page: f.page,
      pageSize: f.pageSize,
    });
    return c.json({
      ...result,
      items: result.items.map((e) => ({
        ...e,
        occurred_at: e.occurred_at.toISOString(),
        kindLabel: AUDIT_EVENT_KINDS[e.kind as keyof typeof AUDIT_EVENT_KINDS] ?? e.kind,
      })),
    });
  })
  .get('/kinds', allow('admin', 'auditor'), (c) => c.json({ items: AUDIT_KIND_LIST.map((kind) => ({ kind, label: AUDIT_EVENT_KINDS[kind] })) }))
  .get('/verify', allow('admin', 'auditor'), async (c) => {
    // Verification covers the whole chain, not just the caller's scope: a chain is only whole or broken.
    return c.json(await verifyAuditChain(c.get('db')));
  });
