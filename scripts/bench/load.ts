// `pnpm bench --only http` (issue 12, must-have 2): autocannon (programmatic API) against the server
// started by http-server.ts in another process, each route class against its baselines measured in
// the same run and alternated round by round (so that load from other processes hits both alike).
import autocannon, { type Options, type Result } from 'autocannon';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ROOT, snapshotWebBuild } from '../web-build.mjs';
import type { HttpTargets } from './http-server.ts';
import { fmtRatio, median, type Figure } from './measure.ts';

export interface HttpOptions {
  villages: number;
  runs: number;
  seconds: number;
  connections: number;
}

interface Target {
  label: string;
  opts: Omit<Options, 'duration' | 'connections'>;
}

function startServer(engine: 'pglite' | 'postgresql', villages: number, pgServer: string | null): Promise<{ proc: ChildProcess; targets: HttpTargets }> {
  const file = fileURLToPath(new URL('./http-server.ts', import.meta.url));
  const proc = fork(file, [engine, String(villages), pgServer ?? ''], { stdio: 'inherit', execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    proc.once('message', (m: { targets?: HttpTargets }) => (m.targets ? resolve({ proc, targets: m.targets }) : reject(new Error('bad message'))));
    proc.once('exit', (code) => reject(new Error(`http server (${engine}) exited with ${code}`)));
    proc.once('error', reject);
  });
}

function stopServer(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 30_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.send('stop');
  });
}

/**
 * The single-process server (`node web/build`: SvelteKit with the API mounted under /api, as `pnpm
 * start` runs it) on the bench's PostgreSQL database, from a snapshot of the build (built when stale).
 */
async function startSingleProcess(databaseUrl: string, log: (s: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const build = await snapshotWebBuild({ log });
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', BODY_SIZE_LIMIT: '65M' };
  delete env.DATABASE_READ_URL;
  delete env.QINGFENG_DEMO;
  const proc = spawn(process.execPath, [build], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          proc.kill('SIGKILL');
          r(null);
        }, 10_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          r(null);
        });
      });
    }
    rmSync(build, { recursive: true, force: true });
  };
  for (let waited = 0; ; waited += 250) {
    if (proc.exitCode !== null || waited > 120_000) {
      await stop();
      throw new Error(`single-process server did not start (exit ${proc.exitCode})`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function load(t: Target, o: HttpOptions, warmup = false): Promise<Result> {
  // timeout: a PDF on a busy machine may take longer than autocannon's default 10 s.
  const r = await autocannon({ ...t.opts, connections: o.connections, duration: o.seconds, timeout: 120 });
  if (warmup) return r;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${t.label}: ${r.non2xx} non-2xx answers, ${r.errors} errors in ${r.requests.total} requests`);
  return r;
}

/** Rounds alternating the order of the targets; median req/s and p99 of each. */
async function measure(targets: Target[], o: HttpOptions) {
  const rps: number[][] = targets.map(() => []);
  const p99: number[][] = targets.map(() => []);
  // One short unmeasured round (JIT, plan caches, connection pools).
  for (const t of targets) await load(t, { ...o, seconds: Math.max(1, Math.round(o.seconds / 2)) }, true);
  for (let round = 0; round < o.runs; round++) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const r = await load(targets[i]!, o);
      rps[i]!.push(r.requests.average);
      p99[i]!.push(r.latency.p99);
    }
  }
  return targets.map((t, i) => ({ label: t.label, rps: median(rps[i]!), p99: median(p99[i]!) }));
}

const fmtRps = (m: { rps: number; p99: number }) => `${Math.round(m.rps).toLocaleString('en')} req/s (p99 ${Math.round(m.p99)} ms)`;

function ratioFigure(name: string, ours: { rps: number; p99: number }, base: { label: string; rps: number; p99: number }, limit: number | null, note?: string): Figure {
  const value = ours.rps / base.rps;
  return {
    name,
    ours: fmtRps(ours),
    baseline: `${fmtRps(base)} ${base.label}`,
    value,
    valueText: fmtRatio(value),
    target: limit === null ? null : { direction: 'min', limit, text: `≥ ${limit.toFixed(2)}×` },
    ...(note && { note }),
  };
}

export async function benchHttp(engine: 'pglite' | 'postgresql', pgServer: string | null, o: HttpOptions, log: (s: string) => void): Promise<Figure[]> {
  log(`${engine}: http — starting the server process (${o.villages.toLocaleString('en')} villages) …`);
  const { proc, targets: t } = await startServer(engine, o.villages, pgServer);
  try {
    const app = `http://127.0.0.1:${t.ports.app}`;
    const raw = `http://127.0.0.1:${t.ports.raw}`;
    const signedIn = { cookie: t.cookie };
    const get = (label: string, url: string, headers: Record<string, string> = {}): Target => ({ label, opts: { url, headers } });
    const figures: Figure[] = [];
    log(`${engine}: http — ${o.connections} connections, ${o.seconds} s a round, ${o.runs} rounds; cheap route …`);

    const cheap = await measure(
      [
        get('signed-in /health', `${app}/api/health`, signedIn),
        get('signed-in /auth/me', `${app}/api/auth/me`, signedIn),
        get('/health, no session', `${app}/api/health`),
        get('bare Hono', `http://127.0.0.1:${t.ports.bare}/hello`),
      ],
      o,
    );
    const [health, me, noSession, bare] = cheap as [(typeof cheap)[0], (typeof cheap)[0], (typeof cheap)[0], (typeof cheap)[0]];
    figures.push(ratioFigure('H1. cheap: GET /api/health signed in', health, noSession, 0.7, 'same route, same SELECT 1; the difference is the session check'));
    figures.push(ratioFigure('H1. cheap: GET /api/auth/me signed in', me, noSession, 0.7, 'the issue’s pairing: /me (session query only) vs /health without a session'));
    figures.push(ratioFigure('    /api/health, no session vs bare Hono', noSession, bare, null));

    for (const [cls, name] of [
      ['list', 'H2. list: GET /api/people (one subdistrict, 50 a page)'],
      ['roster', 'H3. roster: GET /api/orgs/:village/roster'],
      ['report', 'H4. report: committee-structure of one subdistrict'],
    ] as const) {
      log(`${engine}: http — ${cls} …`);
      const [ours, base] = (await measure([get('ours', `${app}${t.paths[cls]}`, signedIn), get('raw queries', `${raw}${t.rawPaths[cls]}`)], o)) as [
        { label: string; rps: number; p99: number },
        { label: string; rps: number; p99: number },
      ];
      figures.push(ratioFigure(name, ours, base, 0.5));
    }

    log(`${engine}: http — pdf …`);
    // A PDF takes ~1 s of CPU on this machine: fewer connections and longer rounds, or none completes.
    const pdfOpts = { ...o, connections: 2, seconds: Math.max(10, o.seconds) };
    const [pdf, pdfRaw] = (await measure([get('ours', `${app}${t.paths.pdf}`, signedIn), get('raw queries', `${raw}${t.rawPaths.pdf}`)], pdfOpts)) as [
      { label: string; rps: number; p99: number },
      { label: string; rps: number; p99: number },
    ];
    figures.push(ratioFigure('H5. PDF: GET /api/orgs/:village/roster.pdf', pdf, pdfRaw, null, 'information, 2 connections: drawing, hashing and registering the document dominate (figure 3 holds the PDF kit to bare pdfkit)'));

    // Single process (SvelteKit + API) vs the API alone, same routes, same database, same cookie.
    // PostgreSQL only: a PGlite database belongs to the one process that opened it.
    if (t.databaseUrl) {
      log(`${engine}: http — single process (SvelteKit + API) vs API alone …`);
      const single = await startSingleProcess(t.databaseUrl, log);
      try {
        for (const [label, path] of [
          ['GET /api/auth/me signed in', '/api/auth/me'],
          ['list GET /api/people', t.paths.list],
        ] as const) {
          const [sp, alone] = (await measure([get('single process', `${single.url}${path}`, signedIn), get('API alone', `${app}${path}`, signedIn)], o)) as [
            { label: string; rps: number; p99: number },
            { label: string; rps: number; p99: number },
          ];
          const value = alone.rps / sp.rps;
          figures.push({
            name: `H7. single process vs API alone: ${label}`,
            ours: fmtRps(sp),
            baseline: `${fmtRps(alone)} API alone`,
            value,
            valueText: fmtRatio(value),
            target: { direction: 'max', limit: 1.2, text: '≤ 1.20×' },
            note: 'API alone req/s ÷ single-process req/s: the cost of SvelteKit in front of the same Hono app',
          });
        }
      } finally {
        await single.stop();
      }
    } else log(`${engine}: http — single process vs API alone: PostgreSQL only (a PGlite database has one process)`);

    log(`${engine}: http — write …`);
    let n = 0;
    // Ours round-robins over many people, each PATCH naming the version it expects (one more per
    // write sent; with more people than connections no two requests in flight share a person).
    const versions = new Map<number, number>();
    const phoneBody = () => ({ phone: `139${String(n++ % 1e8).padStart(8, '0')}` });
    const versionedWrite = (req: { path?: string }) => {
      const id = t.writePeople[n % t.writePeople.length]!;
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      return { ...req, path: `/api/people/${id}`, body: JSON.stringify({ ...phoneBody(), version }) };
    };
    const write = (label: string, url: string, headers: Record<string, string>, versioned: boolean): Target => ({
      label,
      opts: {
        url,
        requests: [
          {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', origin: url.replace(/(https?:\/\/[^/]+).*/, '$1'), ...headers },
            setupRequest: (req) => (versioned ? versionedWrite(req) : { ...req, body: JSON.stringify(phoneBody()) }),
          },
        ],
      },
    });
    const [w, wRaw] = (await measure([write('ours', `${app}${t.paths.write}`, signedIn, true), write('raw UPDATE + audit', `${raw}${t.rawPaths.write}`, {}, false)], o)) as [
      { label: string; rps: number; p99: number },
      { label: string; rps: number; p99: number },
    ];
    figures.push(ratioFigure('H6. write: PATCH /api/people/:id (phone)', w, wRaw, null, 'information: one audit chain serialises every write (advisory lock)'));
    return figures;
  } finally {
    await stopServer(proc);
  }
}
