// Starts the BUILT single-process server (`node web/build`) the way `pnpm start` does, on a free
// port with a fresh PGlite data directory, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, snapshotWebBuild } from '../../../scripts/web-build.mjs';

export interface RunningServer {
  url: string;
  adminPassword: string;
  dataDir: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer /api/health within ${timeoutMs} ms:\n${output()}`);
}

export async function startServer(options: { adminPassword?: string; env?: Record<string, string> } = {}): Promise<RunningServer> {
  // A private copy of the build: a rebuild in web/ while the tests run cannot pull files from under it.
  const buildDir: string = await snapshotWebBuild({ log: (line: string) => console.log(line) });
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'qingfeng-e2e-'));
  const adminPassword = options.adminPassword ?? 'Qf-Start#2026x';
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', QINGFENG_DATA_DIR: dataDir, QINGFENG_ADMIN_PASSWORD: adminPassword };
  // Always the embedded database: a browser test must never touch a configured PostgreSQL.
  delete env.DATABASE_URL;
  delete env.ORIGIN;
  delete env.QINGFENG_DEMO;
  // What the test itself asks for (e.g. QINGFENG_DEMO=1 for the demo subdistrict) comes last.
  Object.assign(env, options.env);
  let log = '';
  const child = spawn(process.execPath, [buildDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log = (log + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-50_000)));
  const url = `http://127.0.0.1:${port}`;
  const output = () => log;
  try {
    await waitForHealth(url, child, output, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.key`, { force: true });
    rmSync(buildDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    adminPassword,
    dataDir,
    output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}.key`, { force: true }); // the data key created beside it (ID numbers at rest)
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}
