// Private PostgreSQL clusters for the scale-out tests (issue 12, must-have 6b/6c): each test starts
// its own servers on free loopback ports in a temporary directory and removes them at the end. The
// shared server on 127.0.0.1:5432 is never touched. PostgreSQL refuses to run as root, so when the
// tests run as root every server command runs as the `postgres` user (runuser) in a directory it owns.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Database, type Kysely } from '@qingfeng/db';

export const PG_BIN = process.env.QINGFENG_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const PG_AUTOCTL = process.env.QINGFENG_PG_AUTOCTL ?? '/usr/bin/pg_autoctl';

/** Why these tests cannot run here, or null when they can. */
export function haUnavailable(needAutoctl = false): string | null {
  if (!existsSync(join(PG_BIN, 'initdb'))) return `${PG_BIN}/initdb missing (apt-get install postgresql-15)`;
  if (needAutoctl && !existsSync(PG_AUTOCTL)) return `${PG_AUTOCTL} missing (apt-get install postgresql-15-auto-failover)`;
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0 && process.env.USER !== 'postgres') return 'must run as root (servers then run as postgres) or as the postgres user';
  return null;
}

const asRoot = () => process.getuid?.() === 0;

/** argv that runs a command as the postgres user with the given environment. */
function asPostgres(cmd: string, args: string[], env: Record<string, string> = {}): [string, string[]] {
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', 'env', ...envArgs, cmd, ...args]] : ['env', [...envArgs, cmd, ...args]];
}

/** Runs a server command to completion (as postgres); throws with its output on failure. */
export function pgRun(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const [c, a] = asPostgres(cmd, args, env);
  try {
    return execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** `pgRun` without blocking the event loop (a restart while the test's own requests keep going). */
export async function pgRunAsync(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const [c, a] = asPostgres(cmd, args, env);
  try {
    return (await promisify(execFile)(c, a, { encoding: 'utf8', timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Starts a long-running command (as postgres) in its own process group, so it can be killed whole. */
export function pgSpawn(cmd: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const [c, a] = asPostgres(cmd, args, env);
  const child = spawn('sh', ['-c', `exec "$@" >>'${logFile}' 2>&1`, 'sh', c, ...a], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/** SIGKILL to a whole process group: the supervisor, its postgres and every backend, as a dead machine. */
export function killGroup(child: ChildProcess) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/** A directory for the servers, owned by postgres. */
export function makeWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}

export function removeWorkDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

// One free-port helper for every test that starts servers.
export { freePort } from '../testing/processes.ts';

export const urlFor = (port: number, db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;

/** A throwaway connection for checks and set-up. */
export async function withDb<T>(url: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const h = await createDb({ url, max: 1 });
  try {
    return await fn(h.db);
  } finally {
    await h.close();
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Cluster {
  dir: string;
  port: number;
  url: string;
  stop(): void;
}

const SERVER_CONF = (port: number, socketDir: string) => `
port = ${port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${socketDir}'
max_connections = 50
shared_buffers = 16MB
fsync = off
`;

/**
 * initdb + pg_ctl start: a primary that accepts streaming replication from loopback (trust). `extraConf`
 * lines are appended to the defaults (the last setting wins).
 */
export function startPrimary(work: string, name: string, port: number, extraConf = ''): Cluster {
  const dir = join(work, name);
  pgRun(join(PG_BIN, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  pgRun('sh', ['-c', `printf '%s' "$1" >> "$2"`, 'sh', SERVER_CONF(port, work) + extraConf, join(dir, 'postgresql.conf')]);
  pgRun(join(PG_BIN, 'pg_ctl'), ['-D', dir, '-l', join(work, `${name}.log`), '-w', '-t', '60', 'start']);
  return cluster(work, dir, port);
}

/** pg_basebackup of a running primary into a hot standby (-R writes primary_conninfo), started on its own port. */
export function startStandby(work: string, name: string, primary: Cluster, port: number): Cluster {
  const dir = join(work, name);
  pgRun(join(PG_BIN, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '--no-sync']);
  // The copied postgresql.conf names the primary's port: the last setting wins.
  pgRun('sh', ['-c', `printf '%s' "$1" >> "$2"`, 'sh', SERVER_CONF(port, work), join(dir, 'postgresql.conf')]);
  pgRun(join(PG_BIN, 'pg_ctl'), ['-D', dir, '-l', join(work, `${name}.log`), '-w', '-t', '60', 'start']);
  return cluster(work, dir, port);
}

function cluster(work: string, dir: string, port: number): Cluster {
  return {
    dir,
    port,
    url: urlFor(port),
    stop() {
      try {
        pgRun(join(PG_BIN, 'pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop']);
      } catch {}
    },
  };
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
