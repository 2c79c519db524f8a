// The 三重一大 amount threshold per org (domain.md §6: a per-org setting, default 50,000 元). An org
// without its own inherits the nearest ancestor's.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { DECISION_READERS, DEFAULT_THRESHOLD_FEN } from './rules.ts';
import * as q from './queries.ts';

export const thresholdRoutes = new Hono<AppEnv>()
  .get('/:id', allow(...DECISION_READERS), v('param', idParam), async (c) => {
    const org = await q.findOrg(c.get('db'), currentUser(c).orgPath, c.req.valid('param').id);
    if (!org) throw notFound('组织不存在');
    return c.json({ orgId: org.id, amountFen: await q.thresholdFor(c.get('db'), org.path), defaultFen: DEFAULT_THRESHOLD_FEN });
  })
  .put('/:id', allow('org_office'), v('param', idParam), v('json', z.object({ amountFen: z.number().int().min(100).max(10_000_000_000_000).nullable() }).strict()), async (c) => {
    const { id } = c.req.valid('param');
    const { amountFen } = c.req.valid('json');
    const amount = await inTransaction(c, async (trx, audit, now) => {
      const org = await q.findOrg(trx, currentUser(c).orgPath, id);
      if (!org) throw notFound('组织不存在');
      await q.setThreshold(trx, id, amountFen, now);
      await audit({ kind: 'decision.threshold_updated', objectType: 'org_unit', objectId: id, orgUnitId: id, details: { amountFen } });
      return q.thresholdFor(trx, org.path);
    });
    return c.json({ orgId: id, amountFen: amount, defaultFen: DEFAULT_THRESHOLD_FEN });
  });
