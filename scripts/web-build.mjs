// Builds the web app (which bundles the API) when web/build is missing or older than any source it
// is made from. Used by start.mjs and by the browser tests.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_BUILD = join(ROOT, 'web', 'build');
const BUILD_ENTRY = join(WEB_BUILD, 'index.js');

// What the built server is made of. Tests and data directories are not.
const SOURCES = ['web/src', 'web/static', 'api/src', 'db/src'];
const FILES = ['web/package.json', 'web/svelte.config.js', 'web/vite.config.ts', 'api/package.json', 'db/package.json', 'pnpm-lock.yaml'];
const SKIP = /(^node_modules$|^\.|\.test\.ts$|^testing$)/;

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (SKIP.test(name)) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Why a build is needed, or null when web/build is up to date. */
export function buildReason() {
  if (!existsSync(BUILD_ENTRY)) return 'web/build 不存在';
  const built = statSync(BUILD_ENTRY).mtimeMs;
  for (const p of [...SOURCES, ...FILES]) {
    if (newestMtime(join(ROOT, p)) > built) return `${p} 在上次构建之后有改动`;
  }
  return null;
}

// Two builds at once in one web/ (two test runs, a test run and `pnpm start`) trample each other's
// .svelte-kit/output. A lock directory (mkdir is atomic) makes the second wait for the first.
const LOCK = join(ROOT, 'web', '.build-lock');
const LOCK_STALE_MS = 15 * 60_000;

function lockIsStale() {
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!pid) return false;
    process.kill(pid, 0); // throws when that process is gone
    return false;
  } catch (err) {
    // ESRCH: the holder died without cleaning up. ENOENT: the pid file is not written yet.
    return err.code === 'ESRCH';
  }
}

async function withBuildLock(fn) {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Runs `pnpm --filter @qingfeng/web build` if needed. Resolves when web/build is current. */
export async function ensureWebBuilt({ log = console.log, force = false } = {}) {
  if (!force && !buildReason()) return false;
  return withBuildLock(() => buildNow({ log, force }));
}

/**
 * Builds if needed and copies web/build to a fresh directory inside web/ (so that the copy still
 * resolves web/node_modules), for a server that must not be disturbed by a rebuild while it runs
 * (tests). Returns the copy's path; delete it when done.
 */
export async function snapshotWebBuild({ log = console.log } = {}) {
  return withBuildLock(async () => {
    await buildNow({ log, force: false });
    const dir = mkdtempSync(join(ROOT, 'web', '.test-build-'));
    cpSync(WEB_BUILD, dir, { recursive: true });
    return dir;
  });
}

async function buildNow({ log, force }) {
  // Another process may have built while we waited for the lock.
  const reason = force ? '要求重新构建' : buildReason();
  if (!reason) return false;
  if (!existsSync(join(ROOT, 'web', 'node_modules'))) {
    throw new Error('缺少依赖：请先在仓库根目录运行 `pnpm install`。');
  }
  log(`[qingfeng] 正在构建网页应用（${reason}）…`);
  const started = Date.now();
  await new Promise((resolve, reject) => {
    // A production build even when called from a test runner (vitest sets NODE_ENV=test, which made
    // $app/environment's `dev` true in the built server).
    const child = spawn('pnpm', ['--filter', '@qingfeng/web', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`无法运行 pnpm（${err.message}）。请安装 pnpm 12.4.2：npm i -g pnpm@12.4.2`)));
    child.on('exit', (code) => {
      if (code === 0) resolve(undefined);
      else reject(new Error(`网页应用构建失败（退出码 ${code}）：\n${output}`));
    });
  });
  log(`[qingfeng] 构建完成，用时 ${Math.round((Date.now() - started) / 1000)} 秒`);
  return true;
}
