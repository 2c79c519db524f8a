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
  /**
   * Where reports and exports read: a second pool on the streaming replica when a read URL is given
   * (DATABASE_READ_URL), otherwise the same handle as `db`. Never write through it.
   */
  read: Kysely<Database>;
  /** True when `read` is a pool of its own (a replica). */
  hasReplica: boolean;
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
  /**
   * A streaming replica for reports and exports (issue 12). Omitted: DATABASE_READ_URL, but only when
   * `url` was omitted too (so a test's explicit URL never picks up an operator's replica). PostgreSQL only.
   */
  readUrl?: string | undefined;
  /** PGlite data directory; defaults to QINGFENG_DATA_DIR or ./data. Use 'memory://' for a throwaway database. */
  dataDir?: string | undefined;
  /** A PGlite snapshot (from dumpDataDir) to start from: in memory, or unpacked into an explicit empty `dataDir`. */
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
  if (!url) return createPglite(options);
  const keys = keyPlugin(options, 'postgresql', undefined);
  const readUrl = 'readUrl' in options ? options.readUrl : 'url' in options ? undefined : process.env.DATABASE_READ_URL;
  const primary = createPostgres(url, options.max ?? 10, options.log, 'qingfeng', keys);
  if (!readUrl) return primary;
  const replica = createPostgres(readUrl, options.max ?? 10, options.log, 'qingfeng-read', keys);
  return {
    ...primary,
    read: replica.db,
    hasReplica: true,
    async close() {
      await Promise.all([primary.close(), replica.close()]);
    },
  };
}

async function createPglite(options: CreateDbOptions): Promise<DbHandle> {
  let dataDir = options.dataDir ?? process.env.QINGFENG_DATA_DIR ?? './data';
  // A snapshot alone opens in memory; a snapshot with an explicit data directory is unpacked into it
  // (pnpm restore, the fault tests). PGlite refuses to load into a directory that holds a database.
  const persist = !options.loadDataDir || (options.dataDir !== undefined && options.dataDir !== 'memory://');
  if (dataDir !== 'memory://' && persist) {
    dataDir = resolve(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create({
    ...(options.loadDataDir && { loadDataDir: options.loadDataDir }),
    ...(persist && { dataDir }),
    parsers: {
      [INT8]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
      [NUMERIC]: (v: string) => Number(v),
    },
  });
  const keys = keyPlugin(options, 'pglite', dataDir !== 'memory://' && persist ? dataDir : undefined);
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
    read: db,
    hasReplica: false,
    engine: 'pglite',
    pglite,
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

// A multi-host URL (`postgres://h1:p1,h2:p2/db?target_session_attrs=read-write`) is handled by
// postgres.js itself: each new connection tries the hosts in turn and keeps the first that accepts
// writes, so after a failover the pool's next connections reach the new primary.
function createPostgres(url: string, max: number, log: LogConfig | undefined, applicationName: string, keys: DataKeyPlugin): DbHandle {
  const sql = postgres(url, {
    max,
    // Names the pool in pg_stat_activity (a URL's own application_name wins).
    connection: { application_name: applicationName },
    // Seconds before a connection that failed tries again. postgres.js grows this to 20 s after a few
    // failures, so after a failover some connections sat out 20 s with the new primary already up
    // (seen in api/src/ha/failover.ha.test.ts); ten connections retrying each second cost nothing.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
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
    read: db,
    hasReplica: false,
    engine: 'postgresql',
    async close() {
      await db.destroy();
    },
  };
}
