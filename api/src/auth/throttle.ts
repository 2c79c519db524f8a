// Failed-login counters (rules in rules.ts: reserveGuess). A guess is reserved on its three counters
// before the password is checked, with the counter rows locked (SELECT … FOR UPDATE, always in the same
// order, so concurrent attempts queue rather than deadlock): of 50 parallel wrong passwords at most
// `maxFailures` are ever checked; the rest are refused as locked without touching argon2.
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import { reserveGuess, THROTTLE_SCOPES, type LockoutPolicy, type Reservation, type ThrottleScope } from './rules.ts';

export interface ThrottleKey {
  /** The user name as typed, any case. */
  username: string;
  address: string | null;
}

function keyOf(scope: ThrottleScope, k: ThrottleKey) {
  return {
    scope,
    account: scope === 'address' ? '' : k.username.toLowerCase(),
    address: scope === 'account' ? '' : (k.address ?? ''),
  };
}

const sortedKeys = (k: ThrottleKey) =>
  THROTTLE_SCOPES.map((s) => keyOf(s, k)).sort((a, b) => (a.scope + '\0' + a.account + '\0' + a.address < b.scope + '\0' + b.account + '\0' + b.address ? -1 : 1));

export async function reserveLoginGuess(db: Kysely<Database>, k: ThrottleKey, now: Date, policy: LockoutPolicy): Promise<Reservation> {
  const keys = sortedKeys(k);
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('login_throttle')
      .values(keys.map((key) => ({ ...key, failures: 0, window_start: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    const rows = await trx
      .selectFrom('login_throttle')
      .selectAll()
      .where((eb) => eb.or(keys.map((key) => eb.and([eb('scope', '=', key.scope), eb('account', '=', key.account), eb('address', '=', key.address)]))))
      .orderBy('scope')
      .orderBy('account')
      .orderBy('address')
      .forUpdate()
      .execute();
    const reservation = reserveGuess(
      rows.map((r) => ({ scope: r.scope, failures: r.failures, windowStart: r.window_start, lockedUntil: r.locked_until })),
      now,
      policy,
    );
    if (!reservation.refused)
      for (const c of reservation.next) {
        const key = keys.find((x) => x.scope === c.scope)!;
        await trx
          .updateTable('login_throttle')
          .set({ failures: c.failures, window_start: c.windowStart, locked_until: c.lockedUntil })
          .where('scope', '=', key.scope)
          .where('account', '=', key.account)
          .where('address', '=', key.address)
          .execute();
      }
    return reservation;
  });
}

/** After a correct password: the name's counters start over; the address gets its reservation back. */
export async function clearLoginGuesses(db: Kysely<Database>, k: ThrottleKey): Promise<void> {
  const pair = keyOf('pair', k);
  const address = keyOf('address', k);
  await db
    .deleteFrom('login_throttle')
    .where((eb) => eb.or([eb.and([eb('scope', '=', 'pair'), eb('account', '=', pair.account), eb('address', '=', pair.address)]), eb.and([eb('scope', '=', 'account'), eb('account', '=', pair.account)])]))
    .execute();
  await db
    .updateTable('login_throttle')
    .set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
    .where('scope', '=', 'address')
    .where('address', '=', address.address)
    .where('failures', '>', 0)
    .execute();
}

/** An administrator's unlock: every lock and count on this name (from any address). */
export async function unlockAccount(db: Kysely<Database>, username: string): Promise<number> {
  const r = await db.deleteFrom('login_throttle').where('account', '=', username.toLowerCase()).where('scope', 'in', ['pair', 'account']).executeTakeFirst();
  return Number(r.numDeletedRows);
}
