#!/usr/bin/env node
// `pnpm start` / `pnpm demo`: builds the web app if it is missing or stale, then serves web and API
// in one process (`node web/build`, Hono mounted under /api inside SvelteKit).
//
// Environment (see README):
//   PORT (3000), HOST (0.0.0.0), DATABASE_URL, QINGFENG_DATA_DIR (./data; ./data-demo with --demo),
//   QINGFENG_ADMIN_PASSWORD, QINGFENG_TRUST_PROXY=1 behind a reverse proxy (then client IP, scheme and
//   host are read from X-Forwarded-For / -Proto / -Host), ORIGIN (optional: the public URL, e.g.
//   https://qingfeng.example.gov.cn, when the proxy sends no X-Forwarded-Proto), BODY_SIZE_LIMIT (65M).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureWebBuilt, ROOT, WEB_BUILD } from './web-build.mjs';

const args = process.argv.slice(2);
const demo = args.includes('--demo');
const rebuild = args.includes('--rebuild');

const env = { ...process.env };
env.PORT ||= '3000';
env.HOST ||= '0.0.0.0';
if (demo) {
  env.QINGFENG_DEMO = '1';
  env.QINGFENG_DATA_DIR ||= './data-demo';
}
// Relative data directories are relative to the repository root, whatever the caller's cwd.
if (env.QINGFENG_DATA_DIR && env.QINGFENG_DATA_DIR !== 'memory://') env.QINGFENG_DATA_DIR = resolve(ROOT, env.QINGFENG_DATA_DIR);
// Uploads (Excel imports and 三重一大 attachments up to 20 MB, document checks up to 64 MB) pass; the
// API itself refuses anything over its own limits with a 413 naming the limit
// (api/src/http/body-limit.ts), and pages refuse non-file form posts over 1 MB (hooks.server.ts).
// adapter-node's default would be 512 KB.
env.BODY_SIZE_LIMIT ||= '65M';
if (env.QINGFENG_TRUST_PROXY === '1') {
  env.ADDRESS_HEADER ||= 'x-forwarded-for';
  env.XFF_DEPTH ||= '1';
  env.PROTOCOL_HEADER ||= 'x-forwarded-proto';
  env.HOST_HEADER ||= 'x-forwarded-host';
}

try {
  await ensureWebBuilt({ force: rebuild });
} catch (err) {
  console.error(`[qingfeng] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const where = env.DATABASE_URL ? 'PostgreSQL（DATABASE_URL）' : `PGlite ${env.QINGFENG_DATA_DIR ?? resolve(ROOT, 'data')}`;
console.log(`[qingfeng] 启动${demo ? '演示系统' : ''}：http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT} · 数据库 ${where}`);

const child = spawn(process.execPath, [WEB_BUILD], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
