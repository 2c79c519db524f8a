// Fault tests (issue 11, item 13), against the API running in its own process (api/src/server.ts):
// - kill -9 of the server during a roster import's NDJSON commit, and during a PDF stream; then the data
//   is checked with the server down (counts: all or nothing) and `pnpm audit:verify`, and the server is
//   started again on the same data (PGlite data directory, or a PostgreSQL scratch database when
//   TEST_DATABASE_URL is set) and does the same work completely;
// - on PostgreSQL, a restart of the database server (`pg_ctl restart -m fast`) while requests run: the API
//   recovers without a restart of its own and every acknowledged write is kept. (Before the postgres.js
//   patch in patches/ the API process died here. `-m immediate` still leaves requests hanging: not covered.)
//   This uses a private PostgreSQL 15 cluster in a temporary directory (never the shared server).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createScratchDatabase, migrateToLatest, sql, type DbHandle } from '@qingfeng/db';
import { AUDIT_CHAIN_LOCK } from '../audit/queries.ts';
import { hashPassword } from '../auth/tokens.ts';
import { insertOrg } from '../modules/orgs/queries.ts';
import { insertUser } from '../modules/users/queries.ts';
import { IMPORT_COLUMNS } from '../modules/roster/excel.ts';
import { testIdNumber } from '../modules/roster/test-helpers.ts';
import { engineLabel, migratedPgliteSnapshot, TEST_PASSWORD, usingPostgres } from '../testing/harness.ts';
import { freePort, httpLogin, runScript, startServer, type ServerProcess } from '../testing/processes.ts';
import { makeWorkDir, PG_BIN, pgRunAsync, removeWorkDir, startPrimary, type Cluster } from '../ha/clusters.ts';

const VILLAGES = 30;
const PEOPLE_PER_VILLAGE = 100; // 3,000 rows: three batches of people, so the kill lands inside the transaction

const work = mkdtempSync(join(tmpdir(), 'qf-faults-'));
const cleanups: (() => Promise<void>)[] = [];
let env: Record<string, string>;
let openData: () => Promise<DbHandle>;
let rootId = 0;
let servers: ServerProcess[] = [];

async function seed(handle: DbHandle) {
  const root = await insertOrg(handle.db, { parentId: null, parentPath: null, kind: 'subdistrict', name: '故障街道' });
  rootId = root.id;
  for (let i = 1; i <= VILLAGES; i++) await insertOrg(handle.db, { parentId: root.id, parentPath: root.path, kind: 'village', name: `故障${i}村` });
  const passwordHash = await hashPassword(TEST_PASSWORD);
  for (const [username, role] of [['f_office', 'org_office'], ['f_admin', 'admin']] as const)
    await insertUser(handle.db, { username, displayName: username, role, orgUnitId: root.id, personId: null, passwordHash, mustChangePassword: false, now: new Date() });
}

beforeAll(async () => {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const scratch = await createScratchDatabase(server, 'qf_fault');
    cleanups.push(scratch.drop);
    const h = await createDb({ url: scratch.url, max: 2 });
    await migrateToLatest(h.db);
    await seed(h);
    await h.close();
    env = { DATABASE_URL: scratch.url };
    openData = () => createDb({ url: scratch.url, max: 2 });
  } else {
    const dir = join(work, 'data');
    const h = await createDb({ url: undefined, dataDir: dir, loadDataDir: await migratedPgliteSnapshot() });
    await seed(h);
    await h.close();
    env = { QINGFENG_DATA_DIR: dir };
    openData = () => createDb({ url: undefined, dataDir: dir });
  }
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.kill9();
  for (const c of cleanups) await c();
  rmSync(work, { recursive: true, force: true });
});

async function start() {
  const s = await startServer(env);
  servers.push(s);
  return s;
}

/** Counts with the server down (PGlite: one process per data directory). */
async function counts() {
  const h = await openData();
  try {
    const r = await sql<{ person: number; post: number; term: number; document: number; pdf_audits: number; imports: number }>`SELECT
      (SELECT count(*)::int FROM person) AS person, (SELECT count(*)::int FROM post) AS post, (SELECT count(*)::int FROM term) AS term,
      (SELECT count(*)::int FROM document) AS document,
      (SELECT count(*)::int FROM audit_event WHERE kind = 'export.downloaded' AND details->>'format' = 'pdf') AS pdf_audits,
      (SELECT count(*)::int FROM audit_event WHERE kind = 'roster.imported') AS imports`.execute(h.db);
    return r.rows[0]!;
  } finally {
    await h.close();
  }
}

/** Holds the audit chain's advisory lock on its own connection until released (PostgreSQL). */
async function holdAuditLock() {
  const h = await openData();
  let unlock = () => {};
  const released = new Promise<void>((r) => (unlock = r));
  let locked = () => {};
  const isLocked = new Promise<void>((r) => (locked = r));
  const held = h.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${AUDIT_CHAIN_LOCK})`.execute(conn);
    locked();
    await released;
    await sql`SELECT pg_advisory_unlock(${AUDIT_CHAIN_LOCK})`.execute(conn);
  });
  await isLocked;
  return {
    async release() {
      unlock();
      await held;
      await h.close();
    },
  };
}

async function auditVerify() {
  const r = await runScript('audit-verify.ts', [], env);
  expect(r.code, r.out).toBe(0);
  expect(r.out).toMatch(/OK: \d+ audit events, chain intact/);
  return Number(/OK: (\d+)/.exec(r.out)![1]);
}

async function rosterFile(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(IMPORT_COLUMNS.map((c) => c.header));
  let n = 0;
  for (let v = 1; v <= VILLAGES; v++)
    for (let p = 0; p < PEOPLE_PER_VILLAGE; p++, n++) {
      const birth = `${1970 + Math.floor(n / 500)}-03-01`;
      const row: Record<string, string | number> = {
        village: `故障${v}村`, ordinal: 11, electionDate: '2021-05-10', name: `人员${n}`, gender: '男', idNumber: testIdNumber(birth, 'male', n % 500),
        birthDate: birth, ethnicity: '汉族', politicalStatus: '中共党员', partyJoinDate: '2005-07-01', educationFullTime: '高中', educationHighest: '大学专科',
        phone: '13800000000', isVeteran: '否', committee: '党组织委员会', position: p === 0 ? '书记' : '委员', startDate: '2021-05-10', how: '换届选举',
      };
      ws.addRow(IMPORT_COLUMNS.map((c) => row[c.key] ?? null));
    }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function commit(s: ServerProcess, cookie: string, file: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), 'roster.xlsx');
  return fetch(`${s.base}/api/roster/import/commit`, { method: 'POST', headers: { origin: s.base, cookie }, body: form });
}

/** Reads an NDJSON body line by line until `stop(line)` says so; returns the lines read. */
async function readLines(res: Response, stop: (line: Record<string, unknown>) => boolean | Promise<boolean>) {
  const reader = res.body!.getReader();
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) return lines;
    buf += Buffer.from(value!).toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      buf = buf.slice(i + 1);
      lines.push(line);
      if (await stop(line)) return lines;
    }
  }
}

describe(`faults: kill -9 of the server (${engineLabel()})`, () => {
  let file: Buffer;

  it('during a roster import: nothing of it is written, the chain verifies, and after a restart the import succeeds', async () => {
    file = await rosterFile();
    const before = await counts();
    const baseEvents = await auditVerify();
    const s = await start();
    const cookie = await httpLogin(s.base, 'f_office', TEST_PASSWORD);
    // Where to kill, so that it lands inside the import's transaction:
    // - PostgreSQL: the test holds the audit chain's advisory lock, which the import takes for its audit
    //   event after inserting every row; it kills once the last progress line (all posts inserted) arrives.
    // - PGlite runs inside the server's event loop: while its transaction runs no progress line leaves the
    //   process. The transaction opens right after the file is parsed (when the response headers arrive),
    //   and then re-validates and writes; a preview of the same file (parse + validation) times it, and
    //   the kill comes a quarter of that after the headers: inside the transaction.
    let release = async () => {};
    const lockHolder = usingPostgres() ? await holdAuditLock() : null;
    if (lockHolder) release = lockHolder.release;
    let previewMs = 0;
    if (!lockHolder) {
      const t0 = Date.now();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(file)]), 'roster.xlsx');
      const preview = await fetch(`${s.base}/api/roster/import/preview`, { method: 'POST', headers: { origin: s.base, cookie }, body: form });
      expect(((await preview.json()) as { ok: boolean }).ok).toBe(true);
      previewMs = Date.now() - t0;
    }
    const res = await commit(s, cookie, file);
    expect(res.status).toBe(200);
    let lines: Record<string, unknown>[] = [];
    if (lockHolder) {
      lines = await readLines(res, async (l) => {
        if (l.phase === 'posts' && l.done === l.total && Number(l.total) > 0) {
          await s.kill9();
          return true;
        }
        return false;
      });
      expect(lines.some((l) => 'result' in l || 'error' in l), JSON.stringify(lines)).toBe(false);
      expect(lines.at(-1)).toMatchObject({ phase: 'posts', done: VILLAGES * PEOPLE_PER_VILLAGE });
      await release();
    } else {
      await new Promise((r) => setTimeout(r, previewMs / 4));
      await s.kill9();
      lines = await readLines(res, () => false);
      expect(lines.some((l) => 'result' in l), 'the import finished before the kill').toBe(false);
    }

    console.log(`[faults] import killed ${lockHolder ? 'with every row inserted, before its audit event and commit' : `${Math.round(previewMs / 4)} ms after the headers (preview took ${previewMs} ms)`}; lines seen: ${lines.length}`);
    const after = await counts();
    expect(after).toEqual(before); // not one person, term or post, and no import event
    expect(await auditVerify()).toBe(baseEvents + 1); // only the login's event

    const again = await start();
    const cookie2 = await httpLogin(again.base, 'f_office', TEST_PASSWORD);
    const full = await readLines(await commit(again, cookie2, file), () => false);
    expect(full.at(-1), JSON.stringify(full.at(-1))).toHaveProperty('result');
    await again.stop();
    const done = await counts();
    expect(done).toMatchObject({ person: VILLAGES * PEOPLE_PER_VILLAGE, post: VILLAGES * PEOPLE_PER_VILLAGE, term: VILLAGES, imports: 1 });
    await auditVerify();
  }, 600_000);

  it('during a PDF stream: the download stays registered and audited together, and a restarted server draws it', async () => {
    const before = await counts();
    expect(before.person).toBe(VILLAGES * PEOPLE_PER_VILLAGE);
    const s = await start();
    const cookie = await httpLogin(s.base, 'f_office', TEST_PASSWORD);
    const res = await fetch(`${s.base}/api/orgs/${rootId}/roster.pdf`, { headers: { origin: s.base, cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).subarray(0, 5).toString()).toBe('%PDF-');
    await s.kill9(); // mid-document: 3,000 rows take far longer than the first chunk
    const got = await reader.read().then(
      async (r) => {
        let bytes = first.value!.length + (r.value?.length ?? 0);
        for (;;) {
          const n = await reader.read().catch(() => ({ done: true, value: undefined }));
          if (n.done) return bytes;
          bytes += n.value!.length;
        }
      },
      () => first.value!.length,
    );
    expect(got).toBeGreaterThan(0);

    const after = await counts();
    // The registry row and its audit event were committed together before the first byte, or neither.
    expect(after.document).toBe(after.pdf_audits);
    expect(after.document).toBe(before.document + 1);
    expect({ ...after, document: 0, pdf_audits: 0 }).toEqual({ ...before, document: 0, pdf_audits: 0 });
    await auditVerify();
    const h = await openData();
    try {
      const doc = await h.db.selectFrom('document').select(['file_sha256', 'byte_size']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(doc.file_sha256).toBeNull(); // the stream never ended: no file hash is claimed
    } finally {
      await h.close();
    }

    const again = await start();
    const cookie2 = await httpLogin(again.base, 'f_office', TEST_PASSWORD);
    const full = await fetch(`${again.base}/api/orgs/${rootId}/roster.pdf`, { headers: { origin: again.base, cookie: cookie2 } });
    expect(full.status).toBe(200);
    const pdf = Buffer.from(await full.arrayBuffer());
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    await again.stop();
    await auditVerify();
  }, 600_000);
});

// ---------------------------------------------------------------- PostgreSQL restart

const pgSkip = !usingPostgres()
  ? 'runs in the PostgreSQL pass (TEST_DATABASE_URL set)'
  : !existsSync(join(PG_BIN, 'initdb'))
    ? `PostgreSQL 15 server binaries missing (${PG_BIN}; apt-get install postgresql-15)`
    : userInfo().uid === 0 && !existsSync('/usr/sbin/runuser')
      ? 'running as root without runuser (initdb refuses root)'
      : null;
if (pgSkip) console.log(`[faults] PostgreSQL restart test skipped: ${pgSkip}`);

describe.skipIf(pgSkip !== null)('faults: PostgreSQL restarts while requests run (private cluster)', () => {
  // The scale-out tests' private clusters (ha/clusters.ts: run as the postgres user when root), with fsync on:
  // acknowledged writes must survive the restart for real.
  let pgWork = '';
  let pg: Cluster;

  beforeAll(async () => {
    pgWork = makeWorkDir('qf-faults-pg-');
    pg = startPrimary(pgWork, 'data', await freePort(), 'fsync = on\n');
    cleanups.unshift(async () => {
      pg.stop();
      removeWorkDir(pgWork);
    });
    const h = await createDb({ url: pg.url, max: 2 });
    await migrateToLatest(h.db);
    await seed(h);
    await h.close();
  }, 180_000);

  it('recovers without restarting the API and keeps every acknowledged write (pg_ctl restart -m fast)', async () => {
    const url = pg.url;
    const s = await startServer({ DATABASE_URL: url });
    servers.push(s);
    const cookie = await httpLogin(s.base, 'f_admin', TEST_PASSWORD);
    const acknowledged: string[] = [];
    const statuses = new Map<string, number>();
    let n = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const name = `重启村${++n}`;
        try {
          const res = await fetch(`${s.base}/api/orgs`, {
            method: 'POST',
            headers: { origin: s.base, cookie, 'content-type': 'application/json' },
            body: JSON.stringify({ parentId: rootId, kind: 'village', name }),
            // Bounded: under heavy load a request caught by the restart has been seen to hang (not solved;
            // see ARCHITECTURE.md). It is counted as 'timeout' and the workers go on.
            signal: AbortSignal.timeout(20_000),
          });
          statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
          if (res.status === 201) acknowledged.push(name);
          else expect(((await res.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
        } catch (err) {
          const kind = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network';
          statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
        }
      }
    };
    const workers = [worker(), worker(), worker()];
    const waitFor = async (count: number) => {
      const until = Date.now() + 60_000;
      while (acknowledged.length < count) {
        if (Date.now() > until) throw new Error(`not 10 acknowledged writes within 60 s after the restart; statuses ${JSON.stringify([...statuses])}; API exit ${s.child.exitCode ?? s.child.signalCode ?? 'none'}; output:\n${s.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(10);
    const recovery: Record<string, number> = {};
    const restartMs: Record<string, number> = {};
    for (const mode of ['fast']) {
      const at = acknowledged.length;
      const t0 = Date.now();
      await pgRunAsync(join(PG_BIN, 'pg_ctl'), ['-D', pg.dir, '-l', join(pgWork, 'data.log'), '-w', '-t', '60', '-m', mode, 'restart']);
      const up = Date.now();
      restartMs[mode] = up - t0;
      await waitFor(at + 10);
      recovery[mode] = Date.now() - up;
    }
    running = false;
    await Promise.all(workers);
    // The same API process served throughout.
    expect(s.child.exitCode).toBeNull();
    expect((await fetch(`${s.base}/api/health`)).status).toBe(200);
    await s.stop();

    const h = await createDb({ url, max: 2 });
    try {
      const rows = await h.db.selectFrom('org_unit').select('name').where('name', 'like', '重启村%').execute();
      const stored = new Set(rows.map((r) => r.name));
      expect(acknowledged.filter((name) => !stored.has(name))).toEqual([]);
    } finally {
      await h.close();
    }
    const verify = await runScript('audit-verify.ts', [], { DATABASE_URL: url });
    expect(verify.code, verify.out).toBe(0);
    console.log(`[faults] PostgreSQL restarts: ${acknowledged.length} acknowledged writes all kept; statuses ${JSON.stringify(Object.fromEntries(statuses))}; restart -m fast took ${restartMs.fast} ms; 10 more acknowledged writes ${recovery.fast} ms after PostgreSQL was up`);
  }, 300_000);
});
