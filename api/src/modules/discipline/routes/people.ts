// /api/people/:id/eligibility, /investigation, /archive (mounted beside the roster's /people routes).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../../context.ts';
import { allow, currentUser } from '../../../http/guard.ts';
import { idParam, isoDate, v } from '../../../http/validate.ts';
import { badRequest, forbidden, notFound } from '../../../http/errors.ts';
import { findOrgInScope } from '../../roster/queries.ts';
import { inTransaction } from '../../../http/action.ts';
import * as q from '../queries.ts';
import { ineligibility } from '../eligibility.ts';
import { reasonText } from '../rules.ts';
import { archiveData } from '../archive.ts';
import { READERS, reason, scopeOf, today, WRITERS } from '../shared.ts';
import { deliverPdf } from '../../../pdf/deliver.ts';
import { archiveTitle, drawArchive } from '../archive-pdf.ts';

const investigationBody = z.discriminatedUnion('underInvestigation', [
  z.object({ underInvestigation: z.literal(true), date: isoDate, caseNumber: z.string().trim().min(1, '请填写案号').max(60) }).strict(),
  z.object({ underInvestigation: z.literal(false), reason }).strict(),
]);

export const personDisciplineRoutes = new Hono<AppEnv>()
  // The party work office sees the result only (domain.md §10); inspectors and auditors see every reason.
  .get('/:id/eligibility', allow('inspector', 'auditor', 'org_office'), v('param', idParam), v('query', z.object({ on: isoDate.optional() })), async (c) => {
    const db = c.get('db');
    const person = await q.findPerson(db, scopeOf(c), c.req.valid('param').id);
    if (!person) throw notFound('人员不存在');
    const on = c.req.valid('query').on ?? today(c);
    const reasons = (await ineligibility(db, [{ key: 'p', personId: person.id, on }])).get('p') ?? [];
    const detailed = currentUser(c).role !== 'org_office';
    return c.json({
      person: { id: person.id, name: person.name },
      on,
      eligible: reasons.length === 0,
      reasons: detailed ? reasons.map((r) => ({ ...r, text: reasonText(r) })) : null,
    });
  })
  .put('/:id/investigation', allow(...WRITERS), v('param', idParam), v('json', investigationBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await inTransaction(c, async (trx, audit, now) => {
      const person = await q.findPerson(trx, scopeOf(c), id);
      if (!person) throw notFound('人员不存在');
      // Writes follow the home org, reads the posts too (finding 7).
      if (!(await findOrgInScope(trx, { path: scopeOf(c), fullIdNumbers: false }, person.org_unit_id))) throw forbidden('该人员的所属单位不在您的管辖范围内，只能由其所属单位的纪检人员标记');
      if (body.underInvestigation) {
        if (body.date > today(c)) throw badRequest('future_date', '立案日期不能晚于今天');
        await q.setInvestigation(trx, id, { under: true, date: body.date, caseNumber: body.caseNumber }, now);
        await audit({ kind: 'person.investigation_set', objectType: 'person', objectId: id, orgUnitId: person.org_unit_id, details: { name: person.name, date: body.date, caseNumber: body.caseNumber } });
      } else {
        if (!person.under_investigation) throw badRequest('not_under_investigation', '该人员没有立案审查标记');
        await q.setInvestigation(trx, id, { under: false, date: null, caseNumber: null }, now);
        await audit({
          kind: 'person.investigation_cleared',
          objectType: 'person',
          objectId: id,
          orgUnitId: person.org_unit_id,
          details: { name: person.name, since: person.investigation_date, caseNumber: person.investigation_case_number, reason: body.reason },
        });
      }
    });
    return c.json({ id });
  })
  .get('/:id/archive', allow(...READERS), v('param', idParam), async (c) => {
    const data = await archiveData(c.get('db'), scopeOf(c), c.req.valid('param').id, today(c));
    if (!data) throw notFound('人员不存在');
    return c.json(data);
  })
  .get('/:id/archive.pdf', allow(...READERS), v('param', idParam), async (c) => {
    const data = await archiveData(c.get('db'), scopeOf(c), c.req.valid('param').id, today(c));
    if (!data) throw notFound('人员不存在');
    return deliverPdf(c, {
      kind: 'integrity_archive',
      title: archiveTitle(data),
      orgUnitId: data.person.org_unit_id,
      orgName: data.person.org_name,
      fileName: `廉政档案-${data.person.name}`,
      content: { document: 'integrity_archive', ...data },
      draw: (pdf) => drawArchive(pdf, data),
    });
  });
