import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { SessionUser } from '../context.ts';

export async function findUserForLogin(db: Kysely<Database>, username: string) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
    .selectAll('u')
    .select('o.active as org_active')
    .where((eb) => eb(eb.fn('lower', ['u.username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

export async function recordLoginSuccess(db: Kysely<Database>, userId: number, now: Date) {
  await db.updateTable('app_user').set({ updated_at: now }).where('id', '=', userId).execute();
}

export async function insertSession(
  db: Kysely<Database>,
  s: { id: string; userId: number; secretHash: Uint8Array; now: Date; ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto('session')
    .values({ id: s.id, user_id: s.userId, secret_hash: s.secretHash, created_at: s.now, last_verified_at: s.now, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

function sessionQuery(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
    .select([
      's.id as session_id',
      's.secret_hash',
      's.created_at',
      's.last_verified_at',
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.org_unit_id',
      'u.person_id',
      'u.must_change_password',
      'u.disabled',
      'o.path as org_path',
      'o.name as org_name',
      'o.active as org_active',
    ])
    // Issue 12: the settings' cache counter in the same round trip (primary-key lookup).
    .select((eb) => eb.selectFrom('cache_version').select('version').where('name', '=', 'setting').as('settings_version'))
    .where('s.id', '=', sessionId);
}

type SessionQueryRow = Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirstOrThrow']>>;
// Every signed-in request runs this statement: built and compiled once per database handle, then
// executed with the id as its only parameter (building it each time cost as much as running it).
const SESSION_ID_MARK = '\u0000session-id';
const compiledSessionQueries = new WeakMap<Kysely<Database>, CompiledQuery<SessionQueryRow>>();

/** The session with its user, or undefined. Disabled users have no valid sessions. */
export async function findSessionWithUser(db: Kysely<Database>, sessionId: string): Promise<SessionQueryRow | undefined> {
  let template = compiledSessionQueries.get(db);
  if (!template) {
    template = sessionQuery(db, SESSION_ID_MARK).compile();
    if (template.parameters.filter((p) => p === SESSION_ID_MARK).length !== 1) throw new Error('session query: the id must be bound exactly once');
    compiledSessionQueries.set(db, template);
  }
  const parameters = template.parameters.map((p) => (p === SESSION_ID_MARK ? sessionId : p));
  return (await db.executeQuery<SessionQueryRow>({ ...template, parameters })).rows[0];
}

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSessionWithUser>>>;

export function toSessionUser(r: SessionRow): SessionUser {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    orgUnitId: r.org_unit_id,
    orgPath: r.org_path,
    orgName: r.org_name,
    personId: r.person_id,
    mustChangePassword: r.must_change_password,
  };
}

export async function touchSession(db: Kysely<Database>, sessionId: string, now: Date) {
  await db.updateTable('session').set({ last_verified_at: now }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Kysely<Database>, sessionId: string) {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

export async function deleteUserSessions(db: Kysely<Database>, userId: number, exceptSessionId?: string) {
  let q = db.deleteFrom('session').where('user_id', '=', userId);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}

export async function listUserSessions(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('session')
    .select(['id', 'created_at', 'last_verified_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('last_verified_at', 'desc')
    .execute();
}

export async function setPassword(db: Kysely<Database>, userId: number, passwordHash: string, mustChange: boolean, now: Date) {
  await db
    .updateTable('app_user')
    .set({ password_hash: passwordHash, must_change_password: mustChange, password_changed_at: now, updated_at: now })
    .where('id', '=', userId)
    .execute();
}
