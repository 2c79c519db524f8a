// pnpm audit:verify — walks the whole audit_event hash chain. Prints OK with the count, or the first
// row that does not fit and exits 1. With PGlite, stop the server first (one process per data dir).
import { createDb } from '@qingfeng/db';
import { verifyAuditChain } from '@qingfeng/api/audit';
import { describeTarget } from './target.ts';

const handle = await createDb();
try {
  console.log(`[audit:verify] ${describeTarget(handle.engine)}`);
  const result = await verifyAuditChain(handle.db);
  if (result.ok) {
    console.log(`OK: ${result.count} audit events, chain intact`);
  } else {
    const row = await handle.db
      .selectFrom('audit_event')
      .select(['id', 'occurred_at', 'kind', 'actor_username', 'object_type', 'object_id'])
      .where('id', '=', result.brokenAt.id)
      .executeTakeFirst();
    const reason = result.brokenAt.reason === 'hash_mismatch' ? 'content does not match its hash (row altered)' : 'prev_hash does not link to the previous row (row removed or inserted)';
    console.log(`BROKEN: audit_event id ${result.brokenAt.id}: ${reason}; ${result.count} events before it are intact`);
    if (row) console.log(`  ${row.occurred_at.toISOString()} ${row.kind} by ${row.actor_username ?? '-'} on ${row.object_type ?? '-'} ${row.object_id ?? ''}`);
    process.exitCode = 1;
  }
} catch (err) {
  console.error('[audit:verify] failed:', err instanceof Error ? err.message : err);
  process.exitCode = 2;
} finally {
  await handle.close();
}
