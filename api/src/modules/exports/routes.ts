// GET /api/exports/documents: every document the system has issued (the `document` registry) in the
// caller's scope — auditors see their whole scope. Checking an uploaded copy is POST /api/documents/verify.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { isoDate, pagination, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';

import { listDocuments } from './queries.ts';

const READERS = ['auditor', 'admin', 'org_office', 'inspector'] as const;
const query = z.object({
  kind: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  org: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  who: z.string().trim().min(1).max(40).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  ...pagination,
});

export const exportRoutes = new Hono<AppEnv>().get('/documents', allow(...READERS), v('query', query), async (c) => {
  const f = c.req.valid('query');
  const user = currentUser(c);
  const db = c.get('db');
  let orgPath: string | undefined;
  if (f.org !== undefined) {
    const org = await db.selectFrom('org_unit').select('path').where('id', '=', f.org).where('path', 'like', `${user.orgPath}%`).executeTakeFirst();
    if (!org) throw notFound('组织不存在');
    orgPath = org.path;
  }
  return c.json(await listDocuments(db, { scopePath: user.orgPath, kind: f.kind, orgPath, who: f.who, from: f.from, to: f.to, page: f.page, pageSize: f.pageSize }));
});
