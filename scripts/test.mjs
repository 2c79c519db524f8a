#!/usr/bin/env node
// `pnpm test`: every suite, one at a time (the machines have two cores), the way CI runs them.
//   1. typecheck db, api, scripts, tests (tsc) and web (svelte-check)
//   2. db and api on PGlite
//   3. db and api again on PostgreSQL when TEST_DATABASE_URL is set (scratch databases are made from it)
//   4. web unit tests, if web has any
//   5. the browser stories in tests/ (they skip themselves, saying so, when Chromium is missing)
//   6. with QINGFENG_HA=1 (CI sets it): the scale-out tests (api/vitest.ha.config.ts, also `pnpm test:ha`),
//      which start their own PostgreSQL servers — a streaming replica and a pg_auto_failover formation
// Counts come from vitest's JSON reporter. The last line is always `tests: N passed, M failed[, K skipped]`;
// the exit code is non-zero when anything failed or a suite crashed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = mkdtempSync(join(tmpdir(), 'qf-test-'));
const SUITE_TIMEOUT_MS = 30 * 60_000; // the api suite on PGlite grows with each module; CI allows 90 minutes in all

let current = null;
// Suites run in their own process group (so a timeout can stop all of it); pass Ctrl-C on.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(reports, { recursive: true, force: true });
    process.exit(130);
  });
}

/** Runs a command with inherited output; resolves with its exit code (or 'timeout'). */
function run(cmd, args, { cwd, env }) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env, stdio: 'inherit', detached: true });
    current = child;
    const timer = setTimeout(() => {
      console.error(`\n[test] ${cwd}: no end after ${SUITE_TIMEOUT_MS / 60_000} minutes; stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      done('timeout');
    }, SUITE_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      console.error(`[test] could not start ${cmd}: ${err.message}`);
      done(127);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/** The environment for a suite: never the configured production database. */
function suiteEnv(extra) {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

function vitestBin(dir) {
  for (const candidate of [join(dir, 'node_modules/vitest/vitest.mjs'), join(root, 'node_modules/vitest/vitest.mjs')])
    if (existsSync(candidate)) return candidate;
  return null;
}

/** One vitest run; counts from its JSON report. A crash or a file that failed to load counts as a failure. */
async function vitestSuite(name, dir, extraEnv = {}, extraArgs = []) {
  const started = Date.now();
  const bin = vitestBin(dir);
  if (!bin) return { name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'vitest not installed' };
  const out = join(reports, `${name.replace(/\W+/g, '_')}.json`);
  console.log(`\n━━━ ${name} ━━━`);
  const code = await run(process.execPath, [bin, 'run', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile=${out}`], {
    cwd: dir,
    env: suiteEnv(extraEnv),
  });
  const seconds = (Date.now() - started) / 1000;
  if (!existsSync(out)) return { name, passed: 0, failed: 1, skipped: 0, seconds, note: `crashed (exit ${code}), no report` };
  const report = JSON.parse(readFileSync(out, 'utf8'));
  let failed = report.numFailedTests ?? 0;
  // A file that failed outside any test (import error, failing hook) has no failed assertion of its own.
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  failed += brokenFiles.length;
  for (const f of brokenFiles) console.error(`[test] ${name}: ${f.name} failed to run: ${(f.message ?? '').split('\n')[0]}`);
  const result = {
    name,
    passed: report.numPassedTests ?? 0,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    seconds,
  };
  if (code !== 0 && result.failed === 0) {
    result.failed = 1;
    result.note = `exit ${code}`;
  }
  if (result.passed + result.failed + result.skipped === 0) {
    result.failed = 1;
    result.note = 'no tests found';
  }
  return result;
}

/** `tsc` for one package: one check, passed or failed. */
async function typecheck(pkg) {
  const started = Date.now();
  const dir = join(root, pkg);
  const tsc = [join(dir, 'node_modules/typescript/bin/tsc'), join(root, 'node_modules/typescript/bin/tsc')].find(existsSync);
  console.log(`\n━━━ typecheck ${pkg} ━━━`);
  // web's check is svelte-check (its own `typecheck` script), the others plain tsc.
  const code =
    pkg === 'web'
      ? await run('pnpm', ['run', 'typecheck'], { cwd: dir, env: suiteEnv({}) })
      : tsc
        ? await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, env: suiteEnv({}) })
        : 127;
  const ok = code === 0;
  if (ok) console.log(`typecheck ${pkg}: no errors`);
  return { name: `typecheck ${pkg}`, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds: (Date.now() - started) / 1000 };
}

/** Any *.test.* / *.spec.* file under dir/src (web unit tests). */
function hasTestFiles(dir) {
  const walk = (d) => {
    if (!existsSync(d)) return false;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory() ? walk(p) : /\.(test|spec)\.[cm]?[jt]s$/.test(e.name)) return true;
    }
    return false;
  };
  return walk(join(dir, 'src'));
}

/** The browser stories: vitest directly when the package uses it, otherwise its `test` script (pass/fail). */
async function browserSuite() {
  const dir = join(root, 'tests');
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) {
    console.log('\n[test] tests/ has no package.json: no browser stories to run');
    return null;
  }
  const script = JSON.parse(readFileSync(pkgFile, 'utf8')).scripts?.test;
  if (!script) {
    console.log('\n[test] tests/package.json has no "test" script: no browser stories to run');
    return null;
  }
  const extra = {};
  if (/^\s*vitest(\s+run)?(\s|$)/.test(script) && vitestBin(dir)) return vitestSuite('browser (tests/)', dir, extra);
  const started = Date.now();
  console.log('\n━━━ browser (tests/) ━━━');
  const code = await run('pnpm', ['run', 'test'], { cwd: dir, env: suiteEnv(extra) });
  const ok = code === 0;
  return { name: 'browser (tests/)', passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds: (Date.now() - started) / 1000, note: 'counted as one check' };
}

/** The scale-out tests: their own servers on loopback ports, never TEST_DATABASE_URL's. */
function haSuite() {
  return vitestSuite('api scale-out (replica, failover)', join(root, 'api'), { TEST_DATABASE_URL: undefined, DATABASE_READ_URL: undefined }, ['-c', 'vitest.ha.config.ts']);
}

// `node scripts/test.mjs --ha` (`pnpm test:ha`): only the scale-out suite, with the same summary line.
const haOnly = process.argv.includes('--ha');

const results = [];
const started = Date.now();
try {
  if (haOnly) {
    results.push(await haSuite());
  } else {
    for (const pkg of ['db', 'api', 'scripts', 'tests', 'web']) if (existsSync(join(root, pkg, 'tsconfig.json'))) results.push(await typecheck(pkg));

    // PGlite: TEST_DATABASE_URL removed so the suites use the embedded engine.
    results.push(await vitestSuite('db (pglite)', join(root, 'db'), { TEST_DATABASE_URL: undefined }));
    results.push(await vitestSuite('api (pglite)', join(root, 'api'), { TEST_DATABASE_URL: undefined }));
    if (process.env.TEST_DATABASE_URL) {
      results.push(await vitestSuite('db (postgresql)', join(root, 'db')));
      results.push(await vitestSuite('api (postgresql)', join(root, 'api')));
    } else {
      console.log('\n[test] TEST_DATABASE_URL not set: the PostgreSQL runs of the db and api suites are skipped');
    }

    const web = join(root, 'web');
    if (hasTestFiles(web)) results.push(await vitestSuite('web', web, { TEST_DATABASE_URL: undefined }));
    else console.log('\n[test] web has no unit tests');

    const browser = await browserSuite();
    if (browser) results.push(browser);

    if (process.env.QINGFENG_HA === '1') results.push(await haSuite());
    else console.log('\n[test] QINGFENG_HA not set: the scale-out tests (replica, failover) are skipped; `pnpm test:ha` runs them');
  }
} catch (err) {
  console.error('[test] runner error:', err);
  results.push({ name: 'runner', passed: 0, failed: 1, skipped: 0, seconds: 0, note: String(err) });
} finally {
  rmSync(reports, { recursive: true, force: true });
}

const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log('\n━━━ summary ━━━');
const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
  const mark = r.failed ? '✗' : '✓';
  const counts = `${String(r.passed).padStart(4)} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  console.log(`${mark} ${r.name.padEnd(width)}  ${counts}  (${r.seconds.toFixed(1)} s)${r.note ? `  — ${r.note}` : ''}`);
}
console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 ? 1 : 0;
