// The browser bundle must hold no server code: importing `@qingfeng/db` (rather than
// `@qingfeng/db/schema`) or an API module with database access from a page drags PGlite, postgres.js
// and node built-ins into it, which breaks in the browser ("Buffer is not defined"). Run after build.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../build/client', import.meta.url));
const MARKERS = [/electric-sql|PGlite/, /postgres\.js|PostgresJSDialect/, /@node-rs\/argon2/, /\bpdfkit\b/, /kysely-pglite/];
const found = [];
function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.js')) {
      const text = readFileSync(p, 'utf8');
      for (const m of MARKERS) if (m.test(text)) found.push(`${p.slice(dir.length + 1)}: ${m}`);
    }
  }
}
walk(dir);
if (found.length) {
  console.error('[web] Server code found in the browser bundle:\n  ' + found.join('\n  '));
  console.error('Import types and constants from `@qingfeng/db/schema` / `@qingfeng/api/rules/*` in pages, never `@qingfeng/db` or API modules.');
  process.exit(1);
}
console.log('[web] browser bundle holds no server code');
