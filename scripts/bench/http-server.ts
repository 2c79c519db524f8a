// The server side of `pnpm bench --only http` (issue 12, must-have 2), run in its own process so that the
// load generator never competes with it inside one event loop. It builds the data set, signs a user
// in, and serves three apps on loopback ports:
//   app  — the real API (createApp), every route with its guard, session check, validation, audit;
//   bare — Hono with one route answering {ok:true}: the floor of any request;
//   raw  — bare Hono routes that run each measured route's own queries directly (same query functions,
//          no session, no validation, no shaping): the "its raw queries" baseline.
// It tells the parent the ports and paths over IPC and stops when the parent sends 'stop'.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/src/app.ts';
import { recordAuditEvent } from '../../api/src/audit/queries.ts';
import { compileCommitteeStructureQuery } from '../../api/src/modules/reports/queries.ts';
import * as rq from '../../api/src/modules/roster/queries.ts';
import { buildDataset } from './dataset.ts';
import { openPglite, openPostgres } from './engines.ts';
import { loggedInClient } from './http.ts';

export interface HttpTargets {
  ports: { app: number; bare: number; raw: number };
  cookie: string;
  /** For the single-process comparison (PostgreSQL only): the scratch database's URL. */
  databaseUrl: string | null;
  paths: { list: string; roster: string; report: string; pdf: string; write: string };
  /** People the write round-robins over (each PATCH names the version it expects: finding 6). */
  writePeople: number[];
  rawPaths: { cheap: string; list: string; roster: string; report: string; pdf: string; write: string };
  data: { villages: number; posts: number };
}

const engine = process.argv[2] as 'pglite' | 'postgresql';
const villages = Number(process.argv[3]);
const pgServer = process.argv[4] ?? '';
const log = (s: string) => console.log(`[bench http ${engine}] ${s}`);

const bench = engine === 'pglite' ? await openPglite() : await openPostgres(pgServer);
const db = bench.handle.db;
const data = await buildDataset(db, villages, log);
const client = await loggedInClient(bench, db, { username: 'bench_http', role: 'org_office', orgUnitId: data.rootId });
const scope: rq.RosterScope = { path: data.rootPath, fullIdNumbers: true };

// The measured objects: the first subdistrict (list of its people, its report), its first village
// (roster, PDF), and one person of that village (the write).
const sd = (await sql<{ id: number; path: string }>`SELECT id, path FROM org_unit WHERE kind = 'subdistrict' ORDER BY id LIMIT 1`.execute(db)).rows[0]!;
const village = (await sql<{ id: number; path: string }>`SELECT id, path FROM org_unit WHERE parent_id = ${sd.id} ORDER BY id LIMIT 1`.execute(db)).rows[0]!;
const person = (await sql<{ id: number }>`SELECT id FROM person WHERE org_unit_id = ${village.id} ORDER BY id LIMIT 1`.execute(db)).rows[0]!;
const asOf = data.asOf;
const writePeople = (await sql<{ id: number }>`SELECT pe.id FROM person pe JOIN org_unit o ON o.id = pe.org_unit_id WHERE o.path LIKE ${`${sd.path}%`} ORDER BY pe.id LIMIT 2000`.execute(db)).rows.map((r) => r.id);

const bare = new Hono().get('/hello', (c) => c.json({ ok: true }));

const actor = { userId: null, username: 'bench_raw', displayName: '基准', role: 'org_office', ip: '127.0.0.1', userAgent: 'bench' };
const raw = new Hono()
  .get('/cheap', async (c) => {
    await sql`SELECT 1`.execute(db);
    return c.json({ ok: true });
  })
  .get('/list', async (c) => {
    const org = await rq.findOrgInScope(db, scope, sd.id);
    return c.json(await rq.listPeople(db, scope, { search: undefined, orgPath: org!.path, asOf, page: 1, pageSize: 50 }));
  })
  .get('/roster', async (c) => {
    await rq.findOrgInScope(db, scope, village.id);
    const term = await rq.findTermInForce(db, village.id, asOf);
    return c.json(await rq.getTermRoster(db, scope, term!.id, asOf));
  })
  .get('/report', async (c) => c.json((await db.executeQuery(compileCommitteeStructureQuery(db, { orgPath: sd.path, asOf }))).rows))
  .get('/pdf', async (c) => {
    const rows = await rq.getVillageRosterRows(db, scope, village.id, asOf);
    const villagesList = await rq.villagesUnder(db, scope, village.path);
    return c.json({ rows, villagesList });
  })
  .patch('/write', async (c) => {
    const { phone } = (await c.req.json()) as { phone: string };
    await db.transaction().execute(async (trx) => {
      await rq.findPersonForWrite(trx, scope, person.id);
      await rq.updatePerson(trx, person.id, { phone }, new Date());
      await recordAuditEvent(trx, actor, new Date(), { kind: 'person.updated', objectType: 'person', objectId: person.id, orgUnitId: village.id, details: { fields: ['phone'] } });
    });
    return c.json({ ok: true });
  });

// Requests still being answered (the load generator may hang up while a handler runs).
let inFlight = 0;
const listen = (fetch: (req: Request) => Response | Promise<Response>) =>
  new Promise<ServerType>((resolve) => {
    const counted = async (req: Request) => {
      inFlight++;
      try {
        return await fetch(req);
      } finally {
        inFlight--;
      }
    };
    const s = serve({ fetch: counted, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
const app = createApp({ db, engine: bench.engine });
const servers = [await listen(app.fetch), await listen(bare.fetch), await listen(raw.fetch)];
const port = (s: ServerType) => (s.address() as AddressInfo).port;

const targets: HttpTargets = {
  ports: { app: port(servers[0]!), bare: port(servers[1]!), raw: port(servers[2]!) },
  cookie: client.cookie,
  databaseUrl: bench.url ?? null,
  paths: {
    list: `/api/people?orgId=${sd.id}&asOf=${asOf}&page=1&pageSize=50`,
    roster: `/api/orgs/${village.id}/roster?asOf=${asOf}`,
    report: `/api/reports/committee-structure?org=${sd.id}&asOf=${asOf}`,
    pdf: `/api/orgs/${village.id}/roster.pdf?asOf=${asOf}`,
    write: `/api/people/${person.id}`,
  },
  writePeople,
  rawPaths: { cheap: '/cheap', list: '/list', roster: '/roster', report: '/report', pdf: '/pdf', write: '/write' },
  data: { villages: data.villages, posts: data.posts },
};
process.send!({ targets });

process.on('message', async (m) => {
  if (m !== 'stop') return;
  // Let requests still in flight finish before the database goes away.
  for (const s of servers) s.close();
  for (let waited = 0; inFlight > 0 && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  await bench.dispose();
  process.exit(0);
});
process.on('disconnect', () => {
  void bench.dispose().finally(() => process.exit(0));
});
