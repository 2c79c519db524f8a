// Settings are read on every signed-in request (session lifetimes) but change a few times a year, so
// each process keeps them per database handle and re-reads only when the version counter moved.
// Across processes: the session lookup reads cache_version in the same statement (see
// findSessionWithUser), so a change made by another API process is seen on its next request with no
// extra query. A version row was chosen over LISTEN/NOTIFY: it works the same on PGlite, needs no
// dedicated listening connection per process (and none through a transaction-pooling proxy), and
// cannot miss a notification while a connection is down during a failover.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { Settings } from './rules.ts';
import { loadSettings, settingsVersion } from './queries.ts';

interface Entry {
  version: number;
  settings: Settings;
}

const cache = new WeakMap<Kysely<Database>, Entry>();

/**
 * The settings, cached for `db`. `knownVersion` is the counter the caller already read (with the
 * session); without it the counter is read first (one small query instead of the whole table).
 */
export async function cachedSettings(db: Kysely<Database>, knownVersion?: number | null): Promise<Settings> {
  const version = knownVersion ?? (await settingsVersion(db));
  const hit = cache.get(db);
  if (hit && hit.version === version) return hit.settings;
  // The counter was read before the rows: a change landing in between is cached under the older
  // number and simply read again on the next request — never a newer number over older rows.
  const settings = await loadSettings(db);
  cache.set(db, { version, settings });
  return settings;
}
