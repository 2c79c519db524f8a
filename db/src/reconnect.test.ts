// Issue 12, 6c: a pool must outlive the death of its server connections (a failover, a restart, an
// operator's pg_terminate_backend). postgres.js 3.4.9 put a connection that died while Kysely held it
// reserved back into its open pool, and every later query on it failed with CONNECTION_CLOSED (or the
// process died on a TypeError in nextWrite); patches/postgres@3.4.9.patch fixes both. PostgreSQL only.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb } from './client.ts';
import { createScratchDatabase } from './scratch.ts';

const serverUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!serverUrl)('a pool whose server connection dies (PostgreSQL only; PGlite has no server)', () => {
  it('fails the statements that were running and serves the next ones on a new connection', async () => {
    const scratch = await createScratchDatabase(serverUrl!, 'qf_reconnect');
    const h = await createDb({ url: scratch.url, max: 1 });
    const killer = await createDb({ url: scratch.url, max: 1 });
    try {
      const pid = async () => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(h.db)).rows[0]!.pid;
      const first = await pid();
      // Killed inside a transaction: the connection dies while it is reserved.
      await expect(
        h.db.transaction().execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          await sql`SELECT pg_terminate_backend(${first})`.execute(killer.db);
          await new Promise((r) => setTimeout(r, 100));
          await sql`SELECT 2`.execute(trx);
        }),
      ).rejects.toThrow();
      // The pool has one connection: the next statements must get a new one, not the dead one.
      for (let i = 0; i < 3; i++) expect(await pid()).not.toBe(first);
      const n = await h.db.transaction().execute(async (trx) => (await sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(trx)).rows[0]!.n);
      expect(n).toBe(42);
    } finally {
      await h.close();
      await killer.close();
      await scratch.drop();
    }
  });
});
