import { sql, type Kysely } from 'kysely';
import type { Database, AuditEvent } from '@qingfeng/db';
import type { AuditEventKind } from './events.ts';
import { chainHash, GENESIS_HASH, type ChainedContent } from './chain.ts';

export interface AuditActor {
  userId: number | null;
  username: string | null;
  displayName: string | null;
  role: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditInput {
  kind: AuditEventKind;
  objectType?: string;
  objectId?: string | number;
  orgUnitId?: number | null;
  details?: Record<string, unknown>;
}

// Any constant works; it only has to be the same for every process writing the chain.
export const AUDIT_CHAIN_LOCK = 741_301;

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so the
 * event exists exactly when the change does. The advisory lock serialises writers across
 * processes; UNIQUE(prev_hash) is the backstop that makes a fork impossible.
 */
export async function recordAuditEvent(trx: Kysely<Database>, actor: AuditActor, at: Date, input: AuditInput): Promise<AuditEvent> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_event').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const row: ChainedContent = {
    occurred_at: at,
    kind: input.kind,
    actor_user_id: actor.userId,
    actor_username: actor.username,
    actor_display_name: actor.displayName,
    actor_role: actor.role,
    ip: actor.ip,
    user_agent: actor.userAgent,
    object_type: input.objectType ?? null,
    object_id: input.objectId === undefined ? null : String(input.objectId),
    org_unit_id: input.orgUnitId ?? null,
    details: input.details ?? {},
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  return trx
    .insertInto('audit_event')
    .values({ ...row, prev_hash: prevHash, hash: chainHash(prevHash, row) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type ChainVerification =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenAt: { id: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' } };

/** Walks the whole chain in id order, in pages, and names the first row that does not fit. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 5000): Promise<ChainVerification> {
  let prev = GENESIS_HASH;
  let afterId = 0;
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_event').selectAll().where('id', '>', afterId).orderBy('id').limit(pageSize).execute();
    for (const row of rows) {
      if (row.prev_hash !== prev) return { ok: false, count, brokenAt: { id: row.id, reason: 'prev_hash_mismatch' } };
      if (chainHash(prev, row) !== row.hash) return { ok: false, count, brokenAt: { id: row.id, reason: 'hash_mismatch' } };
      prev = row.hash;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count };
    afterId = rows[rows.length - 1]!.id;
  }
}

export interface AuditFilter {
  scopePath: string;
  /** Also events with neither an org nor an actor user (for users at the root of the tree). */
  includeUnattributed?: boolean;
  actorUserId?: number | undefined;
  kind?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  pageSize: number;
}

/** Events in the caller's scope: those tied to an org in the subtree, or done by a user of the subtree. */
export async function listAuditEvents(db: Kysely<Database>, f: AuditFilter) {
  const q = auditEventsQuery(db, f);
  const [items, total] = await Promise.all([
    q
      .select(AUDIT_LIST_COLUMNS)
      .orderBy('e.id', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n, page: f.page, pageSize: f.pageSize };
}

const AUDIT_LIST_COLUMNS = [
  'e.id',
  'e.occurred_at',
  'e.kind',
  'e.actor_user_id',
  'e.actor_username',
  'e.actor_display_name',
  'e.actor_role',
  'e.ip',
  'e.user_agent',
  'e.object_type',
  'e.object_id',
  'e.org_unit_id',
  'o.name as org_name',
  'o.kind as org_kind',
  'e.details',
  'e.hash',
] as const;

/** The first `limit` events of a filter, newest first (for the Excel export), and how many match. */
export async function exportAuditEvents(db: Kysely<Database>, f: Omit<AuditFilter, 'page' | 'pageSize'>, limit: number) {
  const q = auditEventsQuery(db, f);
  const [items, total] = await Promise.all([
    q.select(AUDIT_LIST_COLUMNS).orderBy('e.id', 'desc').limit(limit).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: total.n };
}

/** Who acted in the scope (for the operator filter): each user once, by name. */
export async function auditActors(db: Kysely<Database>, f: Pick<AuditFilter, 'scopePath' | 'includeUnattributed'>) {
  return auditEventsQuery(db, f)
    .where('e.actor_user_id', 'is not', null)
    .select(['e.actor_user_id as id', sql<string>`max(coalesce(e.actor_display_name, e.actor_username, ''))`.as('name'), sql<string>`max(coalesce(e.actor_username, ''))`.as('username')])
    .groupBy('e.actor_user_id')
    .orderBy('name')
    .limit(500)
    .execute();
}

function auditEventsQuery(db: Kysely<Database>, f: Omit<AuditFilter, 'page' | 'pageSize'>) {
  let q = db
    .selectFrom('audit_event as e')
    .leftJoin('org_unit as o', 'o.id', 'e.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .leftJoin('org_unit as uo', 'uo.id', 'u.org_unit_id')
    .where((eb) => {
      const visible = [
        eb('o.path', 'like', `${f.scopePath}%`),
        eb.and([eb('e.org_unit_id', 'is', null), eb('uo.path', 'like', `${f.scopePath}%`)]),
      ];
      if (f.includeUnattributed) visible.push(eb.and([eb('e.org_unit_id', 'is', null), eb('e.actor_user_id', 'is', null)]));
      return eb.or(visible);
    });
  if (f.actorUserId) q = q.where('e.actor_user_id', '=', f.actorUserId);
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  if (f.objectType) q = q.where('e.object_type', '=', f.objectType);
  if (f.objectId) q = q.where('e.object_id', '=', f.objectId);
  if (f.from) q = q.where('e.occurred_at', '>=', f.from);
  if (f.to) q = q.where('e.occurred_at', '<', f.to);
  return q;
}
