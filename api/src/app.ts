import { Hono } from 'hono';
import { sql, type Kysely } from 'kysely';
import type { Database, Engine } from '@qingfeng/db';
import { systemClock, type AppEnv, type Clock } from './context.ts';
import { errorBody, handleError } from './http/errors.ts';
import { publicRoute, unguardedRoutes } from './http/guard.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { requestSizeLimit } from './http/body-limit.ts';
import { securityHeaders } from './http/security-headers.ts';
import { csrfMiddleware, sessionMiddleware, trustProxy } from './auth/session.ts';
import { authRoutes } from './auth/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { orgRoutes } from './modules/orgs/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { settingRoutes } from './modules/settings/routes.ts';
import { orgRosterRoutes, peopleRoutes, postRoutes, rosterRoutes, termRoutes } from './modules/roster/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { documentRoutes, pdfRoutes } from './pdf/routes.ts';
import { pledgeReportRoutes, pledgeRoutes } from './modules/pledges/routes.ts';
import { deskRoutes, disciplineReportRoutes, personDisciplineRoutes, sanctionRoutes, talkRoutes } from './modules/discipline/routes/index.ts';
import { decisionReportRoutes, decisionRoutes } from './modules/decisions/routes.ts';
import { attachmentRoutes } from './modules/attachments/routes.ts';
import { summaryRoutes } from './modules/summary/routes.ts';
import { exportRoutes } from './modules/exports/routes.ts';

export interface AppDeps {
  db: Kysely<Database>;
  /** Reports' and exports' reads (DbHandle.read: a replica, or `db` itself). Default: `db`. */
  read?: Kysely<Database>;
  clock?: Clock;
  engine: Engine;
}

function clientIp(env: AppEnv['Bindings'] | undefined, header: (name: string) => string | undefined): string | null {
  if (env?.clientIp) return env.clientIp;
  // Behind a reverse proxy of our own the operator sets QINGFENG_TRUST_PROXY=1. Take the address that
  // proxy appended (the rightmost), as adapter-node does with XFF_DEPTH=1: entries to its left were sent
  // by the client and would let it choose the address the login throttle counts.
  if (trustProxy()) {
    const forwarded = header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return env?.incoming?.socket?.remoteAddress ?? null;
}

export function createApp({ db, read = db, clock = systemClock, engine }: AppDeps) {
  const app = new Hono<AppEnv>()
    .basePath('/api')
    .use('*', async (c, next) => {
      c.set('db', db);
      c.set('reportDb', read);
      c.set('clock', clock);
      c.set('engine', engine);
      c.set('ip', clientIp(c.env, (n) => c.req.header(n)));
      c.set('userAgent', c.env?.userAgent ?? c.req.header('user-agent') ?? null);
      await next();
    })
    .use('*', securityHeaders)
    // Request bodies over the limit answer 413 before anything reads them.
    .use('*', requestSizeLimit)
    .use('*', csrfMiddleware)
    .use('*', sessionMiddleware)
    .get('/health', publicRoute(), async (c) => {
      await sql`SELECT 1`.execute(db);
      return c.json({ ok: true as const, database: engine });
    })
    .route('/auth', authRoutes)
    .route('/orgs', orgRoutes)
    .route('/users', userRoutes)
    .route('/settings', settingRoutes)
    .route('/audit-events', auditRoutes)
    // Roster: /orgs/:id/terms, /orgs/:id/roster, /orgs/:id/roster.xlsx sit beside orgRoutes' own paths.
    .route('/orgs', orgRosterRoutes)
    .route('/people', peopleRoutes)
    .route('/terms', termRoutes)
    .route('/posts', postRoutes)
    .route('/pledges', pledgeRoutes)
    .route('/reports', pledgeReportRoutes)
    .route('/roster', rosterRoutes)
    // Discipline inspection: /talks, /sanctions, /discipline/*, /people/:id/{eligibility,investigation,archive}, /reports/{integrity,four-forms}.
    .route('/talks', talkRoutes)
    .route('/sanctions', sanctionRoutes)
    .route('/discipline', deskRoutes)
    .route('/people', personDisciplineRoutes)
    .route('/reports', disciplineReportRoutes)
    .route('/reports', reportRoutes)
    .route('/documents', documentRoutes)
    .route('/decisions', decisionRoutes)
    // GET /reports/decisions(/items): beside reportRoutes' own paths.
    .route('/reports', decisionReportRoutes)
    .route('/attachments', attachmentRoutes)
    // GET /reports/annual-summary(.pdf|.docx): the annual summary (domain.md §9).
    .route('/reports', summaryRoutes)
    // GET /exports/documents: the export centre (the document registry).
    .route('/exports', exportRoutes)
    // PDF downloads at /orgs/:id/roster.pdf and /reports/committee-structure.pdf (no other route has these paths).
    .route('/', pdfRoutes);

  let openApi: ReturnType<typeof buildOpenApiDocument> | null = null;
  app.get('/openapi.json', publicRoute(), (c) => c.json((openApi ??= buildOpenApiDocument(app.routes))));
  // Deny by default: an app with a route that states no guard is a programming error.
  const unguarded = unguardedRoutes(app.routes);
  if (unguarded.length) throw new Error(`routes without a guard (allow/signedIn/publicRoute first): ${unguarded.join(', ')}`);
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody('not_found', '接口不存在'), 404));
  return app;
}

export type App = ReturnType<typeof createApp>;
export type AppType = App;
