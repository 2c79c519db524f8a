// Timing and memory helpers, and the result rows the benchmark prints.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/**
 * `warmup` unmeasured rounds, then `runs` rounds alternating ours and the baseline (so that load
 * from other processes hits both alike); returns the median of each.
 */
export async function paired(opts: {
  warmup: number;
  runs: number;
  ours: (i: number) => Promise<unknown>;
  baseline: (i: number) => Promise<unknown>;
  /** Stop after the first measured round once this much time has gone by (big data sets on a slow machine). */
  budgetMs?: number;
}) {
  for (let i = 0; i < opts.warmup; i++) {
    await opts.ours(-1 - i);
    await opts.baseline(-1 - i);
  }
  const ours: number[] = [];
  const base: number[] = [];
  // This process's CPU time per call as well: on a loaded machine it moves far less than wall-clock
  // (it leaves out a PostgreSQL server's work, so it speaks for in-process work such as PDF drawing).
  const oursCpu: number[] = [];
  const baseCpu: number[] = [];
  const started = performance.now();
  for (let i = 0; i < opts.runs; i++) {
    if (i > 0 && opts.budgetMs !== undefined && performance.now() - started > opts.budgetMs) break;
    // A full GC before each timed call, so that neither pays for the other's garbage; the order
    // alternates, so neither always runs right after the other.
    const measure = async (fn: (i: number) => Promise<unknown>, wall: number[], cpu: number[]) => {
      collectGarbage();
      const c = process.cpuUsage();
      wall.push((await time(() => fn(i))).ms);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    };
    const first = i % 2 === 0;
    if (first) await measure(opts.ours, ours, oursCpu);
    await measure(opts.baseline, base, baseCpu);
    if (!first) await measure(opts.ours, ours, oursCpu);
  }
  return { oursMs: median(ours), baselineMs: median(base), ours, base, oursCpuMs: median(oursCpu), baselineCpuMs: median(baseCpu) };
}

let gcFn: (() => void) | null | undefined;
/** A full garbage collection, when V8 lets us (the flag is set at run time, no node option needed). */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

export interface RssPeak {
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  samples: number;
}

// The sampler runs in a worker thread: process RSS is shared by all threads, and a worker keeps
// sampling while the main thread is busy (a PDF being drawn does not have to yield for us to see it).
const SAMPLER = `
const { workerData } = require('node:worker_threads');
const view = new Float64Array(workerData.buffer);
const flag = new Int32Array(workerData.flag);
const every = workerData.everyMs;
const tick = () => {
  const rss = process.memoryUsage.rss();
  if (rss > view[0]) view[0] = rss;
  view[1] += 1;
  if (Atomics.load(flag, 0) === 0) setTimeout(tick, every);
  else Atomics.store(flag, 1, 1);
};
tick();
`;

/** Samples the process's RSS every `everyMs` from a worker thread until stop(); peak and growth over the RSS at start. */
export async function sampleRss(everyMs = 5): Promise<{ stop(): Promise<RssPeak> }> {
  const { Worker } = await import('node:worker_threads');
  const buffer = new SharedArrayBuffer(16);
  const flag = new SharedArrayBuffer(8);
  const view = new Float64Array(buffer);
  const worker = new Worker(SAMPLER, { eval: true, workerData: { buffer, flag, everyMs } });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });
  // The baseline includes the sampler thread itself: only what comes after is growth.
  await new Promise((resolve) => setTimeout(resolve, 4 * everyMs));
  const baseline = process.memoryUsage.rss();
  view[0] = baseline;
  return {
    async stop() {
      const rss = process.memoryUsage.rss();
      if (rss > view[0]!) view[0] = rss;
      Atomics.store(new Int32Array(flag), 0, 1);
      await worker.terminate();
      const mb = (b: number) => b / 1048576;
      return { baselineMb: mb(baseline), peakMb: mb(view[0]!), growthMb: mb(view[0]! - baseline), samples: view[1]! };
    },
  };
}

export type Direction = 'max' | 'min';

/** One line of the results table. `target` null = information only. */
export interface Figure {
  name: string;
  ours: string;
  baseline: string;
  /** The compared value: a ratio, or MB for the memory figure. */
  value: number;
  valueText: string;
  /** `strict`: the value must stay strictly below/above the limit. */
  target: { direction: Direction; limit: number; text: string; strict?: boolean } | null;
  note?: string;
}

export function passes(f: Figure): boolean | null {
  if (!f.target) return null;
  const { direction, limit, strict } = f.target;
  if (direction === 'max') return strict ? f.value < limit : f.value <= limit;
  return strict ? f.value > limit : f.value >= limit;
}

export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const fmtRatio = (r: number) => `${r.toFixed(2)}×`;
