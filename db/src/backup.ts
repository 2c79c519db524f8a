// Backup and restore of a whole database (issue 11, item 14), for `pnpm backup` / `pnpm restore`:
// - PGlite: the data directory as PGlite's own gzip tarball (`dumpDataDir`), unpacked again through
//   `loadDataDir` into an empty directory. The server must be stopped (one process per data directory).
// - PostgreSQL: `pg_dump -Fc` inside an exported snapshot (the counts written beside it are of exactly what
//   was dumped, while the server keeps running), restored with `pg_restore --single-transaction`.
// Beside each backup a manifest `<file>.json` holds the row count of every table and the audit chain's
// length and head hash, so a restore can prove it brought back exactly that.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, closeSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import postgres from 'postgres';
import { createDb, type Engine } from './client.ts';
import type { Database } from './schema.ts';

export interface DatabaseFacts {
  /** Rows per table of the public schema, by name. */
  tables: Record<string, number>;
  /** The audit chain: number of events and the hash of the last one (null when empty). */
  audit: { count: number; head: string | null };
}

export interface BackupManifest extends DatabaseFacts {
  format: 'qingfeng-backup-1';
  engine: Engine;
  createdAt: string;
}

export class RestoreRefused extends Error {}

type Run = (query: string) => Promise<Record<string, unknown>[]>;

const TABLES_SQL = `SELECT table_name AS name FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
const AUDIT_SQL = `SELECT count(*)::int AS n, (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) AS head FROM audit_event`;

async function factsWith(run: Run): Promise<DatabaseFacts> {
  const names = (await run(TABLES_SQL)).map((r) => String(r.name));
  const tables: Record<string, number> = {};
  if (names.length) {
    // One statement: a count per table (names come from the catalogue; quoted as identifiers).
    const rows = await run(names.map((n) => `SELECT '${n.replace(/'/g, "''")}' AS t, count(*)::int AS n FROM "${n.replace(/"/g, '""')}"`).join(' UNION ALL '));
    for (const r of rows) tables[String(r.t)] = Number(r.n);
  }
  let audit: DatabaseFacts['audit'] = { count: 0, head: null };
  if (names.includes('audit_event')) {
    const [row] = await run(AUDIT_SQL);
    audit = { count: Number(row!.n), head: (row!.head as string | null) ?? null };
  }
  return { tables, audit };
}

/** Row counts of every table and the audit chain's head, in a few statements. */
export function databaseFacts(db: Kysely<Database>): Promise<DatabaseFacts> {
  return factsWith(async (q) => (await sql.raw<Record<string, unknown>>(q).execute(db)).rows);
}

/** What differs between the facts a backup recorded and those of a restored database (empty = same). */
export function compareFacts(expected: DatabaseFacts, actual: DatabaseFacts): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])) {
    const a = expected.tables[name];
    const b = actual.tables[name];
    if (a !== b) out.push(`${name}: ${a ?? '(无此表)'} → ${b ?? '(无此表)'}`);
  }
  if (expected.audit.count !== actual.audit.count) out.push(`audit chain length: ${expected.audit.count} → ${actual.audit.count}`);
  if (expected.audit.head !== actual.audit.head) out.push(`audit chain head: ${expected.audit.head} → ${actual.audit.head}`);
  return out;
}

export const manifestPath = (file: string) => `${file}.json`;

export function readManifest(file: string): BackupManifest | null {
  const p = manifestPath(file);
  if (!existsSync(p)) return null;
  const m = JSON.parse(readFileSync(p, 'utf8')) as BackupManifest;
  if (m.format !== 'qingfeng-backup-1') throw new Error(`${p}: unknown manifest format`);
  return m;
}

function writeManifest(file: string, engine: Engine, facts: DatabaseFacts): BackupManifest {
  const manifest: BackupManifest = { format: 'qingfeng-backup-1', engine, createdAt: new Date().toISOString(), ...facts };
  writeFileSync(manifestPath(file), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Which engine a backup file is for, by its first bytes: PGlite's gzip tarball or pg_dump's custom format. */
export function backupFileEngine(file: string): Engine | null {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(5);
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.toString('latin1') === 'PGDMP') return 'postgresql';
  return null;
}

// ---------------------------------------------------------------- PGlite

const hasPgliteDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Dumps the PGlite data directory `dataDir` into `file` (gzip tarball) and writes its manifest. */
export async function backupPglite(dataDir: string, file: string): Promise<BackupManifest> {
  const dir = resolve(dataDir);
  if (!hasPgliteDatabase(dir)) throw new Error(`${dir} 中没有 PGlite 数据库 (no database in this directory)`);
  const handle = await createDb({ url: undefined, dataDir: dir });
  try {
    const facts = await databaseFacts(handle.db);
    await handle.pglite!.exec('CHECKPOINT');
    const blob = await handle.pglite!.dumpDataDir('gzip');
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    return writeManifest(file, 'pglite', facts);
  } finally {
    await handle.close();
  }
}

/**
 * Unpacks a PGlite backup into `dataDir`. A directory that holds anything is refused unless `force`;
 * then it is kept, renamed to `<dataDir>.before-restore-<time>` (returned), never deleted.
 */
export async function restorePglite(file: string, dataDir: string, options: { force?: boolean } = {}): Promise<{ movedAside: string | null }> {
  const dir = resolve(dataDir);
  let movedAside: string | null = null;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!options.force) throw new RestoreRefused(`${dir} 不是空目录 (not empty): 加 --force 则先将其改名保留再恢复`);
    movedAside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dir, movedAside);
  }
  const handle = await createDb({ url: undefined, dataDir: dir, loadDataDir: new Blob([readFileSync(file)]) });
  await handle.close();
  return { movedAside };
}

// ---------------------------------------------------------------- PostgreSQL

/** Runs a PostgreSQL client program (pg_dump, pg_restore) from PATH or QINGFENG_PG_BIN. */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  const bin = process.env.QINGFENG_PG_BIN ? join(process.env.QINGFENG_PG_BIN, tool) : tool;
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) =>
      fail(new Error(`${tool} 无法运行 (could not run): ${err.message} — 请安装 PostgreSQL 客户端工具 (postgresql-client)，或设置 QINGFENG_PG_BIN`)),
    );
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${tool} 退出码 ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

/**
 * `pg_dump -Fc` of the database at `url` into `file`. The counts are taken in the transaction whose
 * snapshot pg_dump uses, so the manifest describes exactly the dumped data even while the API writes.
 */
export async function backupPostgres(url: string, file: string): Promise<BackupManifest> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const conn = await client.reserve();
  try {
    await conn.unsafe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ id }] = (await conn.unsafe('SELECT pg_export_snapshot() AS id')) as unknown as [{ id: string }];
    const facts = await factsWith(async (q) => (await conn.unsafe(q)) as unknown as Record<string, unknown>[]);
    mkdirSync(dirname(resolve(file)), { recursive: true });
    await runTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${id}`, '--file', file, '--dbname', url]);
    await conn.unsafe('COMMIT');
    return writeManifest(file, 'postgresql', facts);
  } finally {
    conn.release();
    await client.end();
  }
}

/** Whether the database at `url` has any table, view or sequence in its public schema. */
export async function postgresIsEmpty(url: string): Promise<boolean> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client.unsafe(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public'`);
    return Number(row!.n) === 0;
  } finally {
    await client.end();
  }
}

/**
 * `pg_restore` of `file` into the database at `url`, in one transaction (all or nothing). A database
 * that already has tables is refused unless `force`; then its objects are dropped first (--clean).
 */
export async function restorePostgres(url: string, file: string, options: { force?: boolean } = {}): Promise<void> {
  const empty = await postgresIsEmpty(url);
  if (!empty && !options.force) throw new RestoreRefused('目标数据库不是空的 (not empty): 请恢复到新建的空数据库 (createdb)，或加 --force 覆盖其中的表');
  await runTool('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', ...(empty ? [] : ['--clean', '--if-exists']), '--dbname', url, file]);
}
