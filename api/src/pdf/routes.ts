// The document registry over HTTP (look a number up; check whether a file is a registered document)
// and the PDF downloads.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { allow, ALL_ROLES, currentUser, signedIn } from '../http/guard.ts';
import { idParam, isoDate, v } from '../http/validate.ts';
import { AppError, badRequest, notFound } from '../http/errors.ts';
import { findOrgInScope as findRosterOrg, getVillageRosterRows, rosterScopeOf, villagesUnder } from '../modules/roster/queries.ts';
import { todayInShanghai } from '../modules/roster/rules.ts';
import { getCommitteeStructure } from '../modules/reports/queries.ts';
import { structureQuery } from '../modules/reports/routes.ts';
import { deliverPdf } from './deliver.ts';
import { sha256Hex } from './hash.ts';
import { findDocumentInScope, findDocumentsByFileHash } from './registry.ts';
import { buildRosterDocument, rosterRegister } from './roster-pdf.ts';
import { deliverRegister } from './register.ts';
import { drawStructureReport, structureTitle } from './structure-pdf.ts';

const numberParam = z.object({ number: z.string().trim().toUpperCase().regex(/^QF-\d{4}-\d{6,}$/, '文档编号格式应为 QF-年份-序号') });

const verifyForm = z.object({ file: z.instanceof(File, { message: '请选择要核验的文件' }) });

/** Uploaded copies larger than this cannot be one of ours. */
const MAX_VERIFY_BYTES = 64 * 1024 * 1024;

export const documentRoutes = new Hono<AppEnv>()
  .get('/:number', allow(...ALL_ROLES), v('param', numberParam), async (c) => {
    const doc = await findDocumentInScope(c.get('db'), currentUser(c).orgPath, c.req.valid('param').number);
    if (!doc) throw notFound('文档不存在');
    return c.json({
      document: {
        number: doc.number,
        kind: doc.kind,
        title: doc.title,
        org: { id: doc.orgUnitId, name: doc.orgName },
        createdAt: doc.createdAt,
        createdBy: doc.createdById === null ? null : { id: doc.createdById, displayName: doc.createdByName, username: doc.createdByUsername },
        contentSha256: doc.contentSha256,
        fileSha256: doc.fileSha256,
        byteSize: doc.byteSize,
      },
    });
  })
  .post(
    '/verify',
    signedIn(),
    bodyLimit({
      maxSize: MAX_VERIFY_BYTES,
      onError: () => {
        throw new AppError(413, 'too_large', '文件过大，不是本系统生成的文档');
      },
    }),
    // A form validator (not a hand-read body): the typed client can post the file, so the export centre's
    // form action checks an upload without JavaScript in the browser.
    v('form', verifyForm),
    async (c) => {
      const { file } = c.req.valid('form');
      const fileSha256 = sha256Hex(new Uint8Array(await file.arrayBuffer()));
      const matches = await findDocumentsByFileHash(c.get('db'), fileSha256);
      const first = matches[0];
      return c.json({
        match: first !== undefined,
        fileSha256,
        byteSize: file.size,
        // Whoever holds the file has already seen its content; the registry adds only when and what.
        document: first ? { number: first.number, kind: first.kind, title: first.title, orgName: first.orgName, createdAt: first.createdAt } : null,
      });
    },
  );

// ---- the documents themselves ----

const asOfQuery = z.object({ asOf: isoDate.optional() });


/**
 * PDF downloads, mounted at the API root so each lives next to the resource it prints:
 * /orgs/:id/roster.pdf and /reports/committee-structure.pdf. Everyone may download what they may
 * read; scope limits it (a secretary gets only the own village), and roster ID numbers come
 * masked from the roster module for roles that do not maintain rosters.
 */
export const pdfRoutes = new Hono<AppEnv>()
  .get('/orgs/:id/roster.pdf', allow(...ALL_ROLES), v('param', idParam), v('query', asOfQuery), async (c) => {
    const user = currentUser(c);
    const scope = rosterScopeOf(user);
    const db = c.get('reportDb');
    const { id } = c.req.valid('param');
    const asOf = c.req.valid('query').asOf ?? todayInShanghai(c.get('clock').now());
    const org = await findRosterOrg(db, scope, id);
    if (!org) throw notFound('组织不存在');
    const rows = await getVillageRosterRows(db, scope, id, asOf);
    if (!rows) throw notFound('组织不存在');
    const villages = await villagesUnder(db, scope, org.path);
    const data = buildRosterDocument({ id: org.id, name: org.name, kind: org.kind }, asOf, villages, rows);
    return deliverRegister(c, {
      kind: 'roster',
      orgUnitId: org.id,
      orgName: org.name,
      fileName: `花名册-${org.name}-${asOf}`,
      content: { document: 'roster', idNumbers: scope.fullIdNumbers ? 'full' : 'masked', ...data },
      register: rosterRegister(data, todayInShanghai(c.get('clock').now())),
    });
  })
  .get('/reports/committee-structure.pdf', allow(...ALL_ROLES), v('query', structureQuery), async (c) => {
    const user = currentUser(c);
    const { org, asOf, round } = c.req.valid('query');
    const report = await getCommitteeStructure(c.get('reportDb'), { scopePath: user.orgPath, orgId: org ?? user.orgUnitId, asOf: asOf ?? null, round: round ?? null });
    if (!report) throw notFound('组织不存在');
    return deliverPdf(c, {
      kind: 'committee_structure',
      title: structureTitle(report),
      orgUnitId: report.org.id,
      orgName: report.org.name,
      fileName: `两委班子结构分析-${report.org.name}-${report.round ? `${report.round}年换届` : (report.asOf ?? '换届日')}`,
      content: { document: 'committee_structure', ...report },
      draw: (pdf) => drawStructureReport(pdf, report),
    });
  });
