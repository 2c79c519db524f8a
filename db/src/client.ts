import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, type LogConfig } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import type { Database } from './schema.ts';
import { DataKeyError, DataKeyPlugin, resolveDataKeys, type DataKeyRing } from './data-key.ts';

export type Engine = 'pglite' | 'postgresql';

export interface DbHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** The embedded instance, when the engine is PGlite (for snapshots in tests). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /**
   * PostgreSQL connection string. Omitted: DATABASE_URL. Given as undefined or '': PGlite, even when
   * DATABASE_URL is set (tests must never reach the configured database by accident).
   */
  url?: string | undefined;
  /** PGlite data directory; defaults to QINGFENG_DATA_DIR or ./data. Use 'memory://' for a throwaway database. */
  dataDir?: string | undefined;
  /** A PGlite snapshot (from dumpDataDir) to start from, to skip initdb in tests. */
  loadDataDir?: Blob | undefined;
  /** Pool size for PostgreSQL. */
  max?: number | undefined;
  /** Kysely's log hook (tests count the queries a request makes with it). */
  log?: LogConfig | undefined;
  /**
   * The keys for ID numbers at rest (data-key.ts). Omitted: QINGFENG_DATA_KEY, QINGFENG_DATA_KEY_FILE,
   * or the key file beside PGlite's data directory. A missing key fails when first needed (the
   * start-up check in migrateToLatest), so tools that never touch ID numbers still open the database.
   */
  dataKey?: DataKeyRing | undefined;
}

function keyPlugin(options: CreateDbOptions, engine: Engine, dataDir: string | undefined): DataKeyPlugin {
  if (options.dataKey) return new DataKeyPlugin(options.dataKey);
  try {
    return new DataKeyPlugin(resolveDataKeys({ engine, dataDir }));
  } catch (e) {
    if (e instanceof DataKeyError) return new DataKeyPlugin(e);
    throw e;
  }
}

// OIDs whose default parsing differs between postgres.js and PGlite. We want the same JS
// values from both engines: int8 as number, date as 'YYYY-MM-DD' (no time-zone shifts),
// numeric as number.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

const localGenerations = new WeakMap<Kysely<Database>, { value: number }>();

/**
 * For an embedded (PGlite) database: a counter that moves whenever a session, user, org unit or
 * setting row changes, so in-process caches of them stay exact. null on PostgreSQL, where other
 * processes write too (there the session query carries cache_version instead).
 */
export function localCacheGeneration(db: Kysely<Database>): number | null {
  return localGenerations.get(db)?.value ?? null;
}

export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  const url = 'url' in options ? options.url : process.env.DATABASE_URL;
  if (url) return createPostgres(url, options.max ?? 10, options.log, keyPlugin(options, 'postgresql', undefined));
  return createPglite(options);
}

async function createPglite(options: CreateDbOptions): Promise<DbHandle> {
  let dataDir = options.dataDir ?? process.env.QINGFENG_DATA_DIR ?? './data';
  if (dataDir !== 'memory://' && !options.loadDataDir) {
    dataDir = resolve(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create({
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : { dataDir }),
    parsers: {
      [INT8]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
      [NUMERIC]: (v: string) => Number(v),
    },
  });
  const keys = keyPlugin(options, 'pglite', dataDir !== 'memory://' && !options.loadDataDir ? dataDir : undefined);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), plugins: [keys], ...(options.log && { log: options.log }) });
  // Issue 12: the triggers of 2026-12-02-120 notify this channel when rows the API caches change (only
  // on a connection that sets qingfeng.cache_notify); PGlite delivers it to this same process.
  const generation = { value: 0 };
  await pglite.exec(`SET qingfeng.cache_notify = 'on'`);
  await pglite.listen('qingfeng_cache', () => {
    generation.value++;
  });
  localGenerations.set(db, generation);
  return {
    db,
    engine: 'pglite',
    pglite,
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

function createPostgres(url: string, max: number, log: LogConfig | undefined, keys: DataKeyPlugin): DbHandle {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    types: {
      bigint: { to: INT8, from: [INT8], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
      date: { to: DATE, from: [DATE], serialize: (v: string) => v, parse: (v: string) => v },
      numeric: { to: NUMERIC, from: [NUMERIC], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
  });
  // kysely-postgres-js calls unsafe() without options, and postgres.js then skips
  // prepared statements (an extra round trip per query). Ask for them explicitly.
  const preparing = {
    end: () => sql.end(),
    async reserve() {
      const reserved = await sql.reserve();
      return {
        release: () => reserved.release(),
        unsafe: (query: string, parameters?: unknown[], queryOptions?: Record<string, unknown>) =>
          reserved.unsafe(query, parameters as never[], { prepare: true, ...queryOptions }),
      };
    },
  };
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: () => preparing }), plugins: [keys], ...(log && { log }) });
  return {
    db,
    engine: 'postgresql',
    async close() {
      await db.destroy();
    },
  };
}
