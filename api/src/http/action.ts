import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '@qingfeng/db';
import type { AppEnv } from '../context.ts';
import { recordAuditEvent, type AuditActor, type AuditInput } from '../audit/queries.ts';

export function actorOf(c: Context<AppEnv>): AuditActor {
  const user = c.get('user');
  return {
    userId: user?.id ?? null,
    username: user?.username ?? null,
    displayName: user?.displayName ?? null,
    role: user?.role ?? null,
    ip: c.get('ip'),
    userAgent: c.get('userAgent'),
  };
}

export type Audit = (input: AuditInput) => Promise<void>;

/**
 * One user action = one transaction: the change and its audit event commit together or not at all.
 */
export async function inTransaction<T>(c: Context<AppEnv>, fn: (trx: Kysely<Database>, audit: Audit, now: Date) => Promise<T>): Promise<T> {
  const now = c.get('clock').now();
  const actor = actorOf(c);
  return c
    .get('db')
    .transaction()
    .execute(async (trx) => {
      const audit: Audit = async (input) => {
        await recordAuditEvent(trx, actor, now, input);
      };
      return fn(trx, audit, now);
    });
}
