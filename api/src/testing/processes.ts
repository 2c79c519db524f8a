// Child processes for the operations tests (backup/restore, fault tests): the repository's scripts and the
// API server, run exactly as a user runs them (tsx), with their own environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The environment for a child: the caller's minus any configured database, plus `env`. */
function childEnv(env: Record<string, string | undefined>) {
  const out: Record<string, string | undefined> = { ...process.env };
  delete out.DATABASE_URL;
  delete out.QINGFENG_DATA_DIR;
  delete out.QINGFENG_DEMO;
  Object.assign(out, env);
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as NodeJS.ProcessEnv;
}

/** Runs `tsx scripts/<name>` from the repository root; resolves with its exit code and output. */
export function runScript(name: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}`, ...args], { cwd: REPO_ROOT, env: childEnv({ INIT_CWD: REPO_ROOT, ...env }) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code, signal) => done({ code: code ?? (signal ? 128 : 1), out }));
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  output(): string;
  /** kill -9: no shutdown handlers, no flushing. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the server closes its database). */
  stop(): Promise<void>;
}

/** Starts the API alone (api/src/server.ts) and waits until it answers /api/health. */
export async function startServer(env: Record<string, string | undefined>, timeoutMs = 90_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: resolve(REPO_ROOT, 'api'),
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited while starting:\n${out}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    base,
    output: () => out,
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Signs in over HTTP; returns the cookie header value. */
export async function httpLogin(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const m = /session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('no session cookie');
  return `session=${m[1]}`;
}
