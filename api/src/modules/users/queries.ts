import { sql, type Kysely } from 'kysely';
import type { Database, Role } from '@qingfeng/db';

const userColumns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.role',
  'u.org_unit_id',
  'o.name as org_name',
  'u.person_id',
  'u.must_change_password',
  'u.disabled',
  'u.created_at',
  'u.version',
] as const;

/** The latest login lock on the user's name from any address (auth/throttle.ts), or null. */
const lockedUntil = sql<Date | null>`(SELECT max(t.locked_until) FROM login_throttle t WHERE t.account = lower(u.username) AND t.scope IN ('pair', 'account'))`.as('locked_until');

export async function listUsersInScope(db: Kysely<Database>, scopePath: string, f: { search?: string | undefined; page: number; pageSize: number }) {
  let q = db.selectFrom('app_user as u').innerJoin('org_unit as o', 'o.id', 'u.org_unit_id').where('o.path', 'like', `${scopePath}%`);
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like)]));
  }
  const [items, total] = await Promise.all([
    q.select(userColumns).select(lockedUntil).orderBy('u.username').limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n, page: f.page, pageSize: f.pageSize };
}

export async function findUserInScope(db: Kysely<Database>, scopePath: string, id: number) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
    .select([...userColumns, 'o.path as org_path'])
    .select(lockedUntil)
    .where('u.id', '=', id)
    .where('o.path', 'like', `${scopePath}%`)
    .executeTakeFirst();
}

export async function usernameTaken(db: Kysely<Database>, username: string) {
  const r = await db
    .selectFrom('app_user')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertUser(
  db: Kysely<Database>,
  u: { username: string; displayName: string; role: Role; orgUnitId: number; personId: number | null; passwordHash: string; mustChangePassword: boolean; now: Date },
) {
  return db
    .insertInto('app_user')
    .values({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      org_unit_id: u.orgUnitId,
      person_id: u.personId,
      password_hash: u.passwordHash,
      must_change_password: u.mustChangePassword,
      updated_at: u.now,
    })
    .returning(['id', 'username'])
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Kysely<Database>,
  id: number,
  patch: { displayName?: string | undefined; role?: Role | undefined; orgUnitId?: number | undefined; personId?: number | null | undefined },
  now: Date,
) {
  await db
    .updateTable('app_user')
    .set({
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.orgUnitId !== undefined && { org_unit_id: patch.orgUnitId }),
      ...(patch.personId !== undefined && { person_id: patch.personId }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function setUserDisabled(db: Kysely<Database>, id: number, disabled: boolean, now: Date) {
  await db.updateTable('app_user').set({ disabled, updated_at: now }).where('id', '=', id).execute();
}

export async function countUsers(db: Kysely<Database>) {
  const r = await db.selectFrom('app_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return r.n;
}
