#!/usr/bin/env node
// `pnpm fuzz [-- --runs N] [-- --seed S]`: the write-route fuzz (api/src/http/fuzz.test.ts) for a long run.
// CI runs it with a fixed seed and a few hundred runs; this picks a random seed (printed first, so a
// failure can be replayed with --seed) and 3,000 runs by default. PGlite, or PostgreSQL when
// TEST_DATABASE_URL is set.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';

const args = process.argv.slice(2).filter((a) => a !== '--');
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(opt('seed') ?? randomInt(1, 2 ** 31 - 1));
const runs = Number(opt('runs') ?? 3000);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1) {
  console.error('usage: pnpm fuzz [-- --runs N] [-- --seed S]');
  process.exit(2);
}
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL (TEST_DATABASE_URL)' : 'PGlite';
console.log(`[fuzz] seed ${seed}, ${runs} runs, ${engine} — replay with: pnpm fuzz -- --seed ${seed} --runs ${runs}`);
const api = resolve(import.meta.dirname, '../api');
const env = { ...process.env, QF_FUZZ_SEED: String(seed), QF_FUZZ_RUNS: String(runs) };
delete env.DATABASE_URL; // never the configured database
const child = spawn(process.execPath, [resolve(api, 'node_modules/vitest/vitest.mjs'), 'run', 'src/http/fuzz.test.ts'], {
  cwd: api,
  env,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  console.log(`[fuzz] seed ${seed}: ${code === 0 ? 'passed' : 'FAILED'}`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
