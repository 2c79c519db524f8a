// PGlite only (one process owns the database): validated session rows kept in memory, valid while the
// database's cache generation (db/src/client.ts localCacheGeneration) has not moved — it moves on any
// write to session, app_user, org_unit or setting, so a logout, a disabled user, a role change, a
// deactivated org or a changed setting is seen by the very next request. The secret is still checked
// on every request. On PostgreSQL nothing is cached here: the one session query is the check.
import type { Kysely } from 'kysely';
import { localCacheGeneration, type Database } from '@qingfeng/db';
import type { SessionRow } from './queries.ts';

/** Enough for every signed-in user of a county; past it the map starts over (the rows reload). */
const MAX_ENTRIES = 10_000;

const caches = new WeakMap<Kysely<Database>, { generation: number; rows: Map<string, SessionRow> }>();

/** Looks the session up in memory, or loads it with `load` (and keeps it when the engine allows). */
export async function sessionRow(db: Kysely<Database>, sessionId: string, load: () => Promise<SessionRow | undefined>): Promise<SessionRow | undefined> {
  // Read before loading: a change landing during the load moves the counter past what we store.
  const generation = localCacheGeneration(db);
  if (generation === null) return load();
  let cache = caches.get(db);
  if (!cache || cache.generation !== generation) {
    cache = { generation, rows: new Map() };
    caches.set(db, cache);
  }
  const hit = cache.rows.get(sessionId);
  if (hit) return hit;
  const row = await load();
  if (row && localCacheGeneration(db) === generation) {
    if (cache.rows.size >= MAX_ENTRIES) cache.rows.clear();
    cache.rows.set(sessionId, row);
  }
  return row;
}
