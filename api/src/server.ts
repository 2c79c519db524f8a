// API-only entry: for deployments that run several API processes over one PostgreSQL.
import { serve } from '@hono/node-server';
import { openApp } from './index.ts';

const port = Number(process.env.PORT ?? 3001);
if (!process.env.DATABASE_URL) console.warn('[api] DATABASE_URL 未设置：使用内嵌 PGlite（仅适合单进程）。');
const { app, handle } = await openApp();
const server = serve({ fetch: app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
  console.log(`[api] 清风 API (${handle.engine}) listening on http://localhost:${info.port}/api`);
});
const stop = async () => {
  server.close();
  await handle.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
