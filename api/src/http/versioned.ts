// Optimistic concurrency (security review #11, finding 6). Every record with an edit route carries a
// `version`; a client sends back the version it read, and the write first claims the row with one
// conditional UPDATE … WHERE id = $1 AND version = $2 RETURNING. On PostgreSQL a concurrent writer
// blocks on the row lock and then matches no row (its version is gone), so of N writers holding the
// same version exactly one wins; the losers answer 409 and, the transaction rolled back, write and
// audit nothing. The claim comes before the route's own UPDATE, so the row is locked while it runs.
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@qingfeng/db';
import { AppError } from './errors.ts';
import { registerFieldLabels } from './validate.ts';

registerFieldLabels({ version: '记录版本' });

/** Required in every edit body: a missing version would silently mean "overwrite whatever is there". */
export const versionField = z
  .number({ error: '缺少记录版本，请重新打开页面后再修改' })
  .int('记录版本无效')
  .positive('记录版本无效')
  .max(2_147_483_647, '记录版本无效');

export type VersionedTable =
  | 'org_unit'
  | 'app_user'
  | 'person'
  | 'term'
  | 'post'
  | 'talk'
  | 'sanction'
  | 'decision_meeting'
  | 'decision_item'
  | 'pledge_campaign'
  | 'pledge_template_version';

/** Bumps the version when it is still `expected`; false when another write got there first. */
export async function claimVersion(db: Kysely<Database>, table: VersionedTable, id: number, expected: number): Promise<boolean> {
  const r = await sql<{ version: number }>`
    UPDATE ${sql.table(table)} SET version = version + 1 WHERE id = ${id} AND version = ${expected} RETURNING version`.execute(db);
  return r.rows.length === 1;
}

/** The current version of a row (after a lost claim: what the client must reload). */
export async function currentVersion(db: Kysely<Database>, table: VersionedTable, id: number): Promise<number | undefined> {
  const r = await sql<{ version: number }>`SELECT version FROM ${sql.table(table)} WHERE id = ${id}`.execute(db);
  return r.rows[0]?.version;
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * 409 `conflict`. details.changed: each field the client sent (API names) whose saved value now differs
 * from the value sent, with the saved value — what the form shows next to the user's own input.
 * details.version: the version to send after reviewing them.
 */
export function staleWrite(version: number, current: Record<string, unknown>, sent: Record<string, unknown>): AppError {
  const changed: Record<string, unknown> = {};
  for (const k of Object.keys(sent)) if (k !== 'version' && Object.hasOwn(current, k) && !same(current[k], sent[k])) changed[k] = current[k];
  return new AppError(409, 'conflict', '保存失败：该记录已被他人修改，请核对最新内容后再提交', { version, changed });
}

/**
 * Checks and claims `expected` for a row already read in this transaction (`current`, in API field names,
 * with its version): 409 when it is stale, either at once or because a concurrent write won the claim.
 */
export async function claimOrConflict(
  db: Kysely<Database>,
  table: VersionedTable,
  id: number,
  expected: number,
  current: { version: number } & Record<string, unknown>,
  sent: Record<string, unknown>,
  reread?: () => Promise<({ version: number } & Record<string, unknown>) | undefined>,
): Promise<void> {
  if (current.version !== expected) throw staleWrite(current.version, current, sent);
  if (await claimVersion(db, table, id, expected)) return;
  // Lost the race after reading: report the winner's values (READ COMMITTED sees them now).
  const now = reread ? await reread() : undefined;
  throw staleWrite(now?.version ?? (await currentVersion(db, table, id)) ?? expected, now ?? current, sent);
}

/** A row's columns under their API names (talk_date → talkDate), for staleWrite's comparison. */
export function apiNames(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase()), v]));
}
