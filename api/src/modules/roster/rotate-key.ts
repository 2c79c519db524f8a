// Key rotation for ID numbers at rest (`pnpm rotate-key`, ARCHITECTURE.md "ID numbers at rest").
// Re-encrypts every person's number under the new key and recomputes both blind indexes (they are
// derived from the key too, so a leaked old key stops being useful for them as well), in ONE
// transaction with its audit event: a failure leaves every row under the old key.
import { sql, type Kysely } from 'kysely';
import { dataKeyOf, DataKeyError, decryptWith, sealWith, writeSealed, type Database, type DataKey } from '@qingfeng/db';
import { recordAuditEvent, type AuditActor } from '../../audit/queries.ts';

const BATCH = 1000;
const OPERATOR: AuditActor = { userId: null, username: 'system', displayName: '系统（密钥轮换）', role: null, ip: null, userAgent: null };

export interface RotationResult {
  from: string;
  to: string;
  people: number;
}

/**
 * Moves the database from its current key to `target`, which must be one of the handle's configured
 * keys (the old one must be configured too, to decrypt). Run it with the server stopped: a running
 * server keeps writing under the key it started with.
 */
export async function rotateIdNumberKey(db: Kysely<Database>, target: DataKey, now: Date): Promise<RotationResult> {
  const ring = dataKeyOf(db);
  if (!ring.byId(target.id)) throw new DataKeyError(`新密钥 ${target.id} 须先加入配置的密钥`);
  const result = await db.transaction().execute(async (trx) => {
    const state = await sql<{ key_id: string }>`SELECT key_id FROM data_key_state FOR UPDATE`.execute(trx);
    const from = state.rows[0]?.key_id ?? ring.active.id;
    // PostgreSQL: no person row is written meanwhile (readers go on).
    await sql`LOCK TABLE person IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    let people = 0;
    for (let last = 0; ; ) {
      const { rows } = await sql<{ id: number; enc: Uint8Array }>`
        SELECT id, id_number_enc AS enc FROM person WHERE id > ${last} ORDER BY id LIMIT ${BATCH}`.execute(trx);
      if (rows.length === 0) break;
      const sealed = rows.map((r) => sealWith(target, decryptWith(ring, r.enc)));
      await writeSealed(trx, rows.map((r) => r.id), sealed);
      people += rows.length;
      last = rows[rows.length - 1]!.id;
    }
    await sql`
      INSERT INTO data_key_state (only_row, key_id, changed_at) VALUES (true, ${target.id}, ${now})
      ON CONFLICT (only_row) DO UPDATE SET key_id = EXCLUDED.key_id, changed_at = EXCLUDED.changed_at`.execute(trx);
    // Key ids are fingerprints, never the keys.
    await recordAuditEvent(trx, OPERATOR, now, { kind: 'data_key.rotated', objectType: 'data_key', objectId: target.id, details: { from, to: target.id, people } });
    return { from, to: target.id, people };
  });
  ring.activate(target.id);
  return result;
}
