// Issue 11, item 15: ID numbers encrypted at rest. Adds the ciphertext and the blind indexes,
// encrypts every existing row with the configured data key (createDb's plugin: the migration runner
// has the key exactly when the server would), then drops the plaintext column. One transaction: a
// failure leaves the plaintext schema as it was.
import { sql, type Kysely } from 'kysely';
import { byteaText, dataKeyOf, sealWith } from '../data-key.ts';

const BATCH = 1000;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Before any change: without a key this fails with the message saying what to configure.
  const key = dataKeyOf(db).newest;
  await sql`
    CREATE TABLE data_key_state (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),
      changed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`ALTER TABLE person ADD COLUMN id_number_enc bytea, ADD COLUMN id_number_bidx bytea, ADD COLUMN id_number_tail_bidx bytea`.execute(db);
  for (let last = 0; ; ) {
    const { rows } = await sql<{ id: number; id_number: string }>`
      SELECT id, id_number FROM person WHERE id > ${last} ORDER BY id LIMIT ${BATCH}`.execute(db);
    if (rows.length === 0) break;
    const sealed = rows.map((r) => sealWith(key, r.id_number));
    await sql`
      UPDATE person SET id_number_enc = v.enc, id_number_bidx = v.bidx, id_number_tail_bidx = v.tail
      FROM unnest(${rows.map((r) => r.id)}::int[], ${sealed.map((s) => byteaText(s.id_number_enc))}::text[]::bytea[],
                  ${sealed.map((s) => byteaText(s.id_number_bidx))}::text[]::bytea[], ${sealed.map((s) => byteaText(s.id_number_tail_bidx))}::text[]::bytea[])
        AS v(id, enc, bidx, tail)
      WHERE person.id = v.id`.execute(db);
    last = rows[rows.length - 1]!.id;
  }
  // Dropping the column drops its CHECK and the old unique index; the index name stays the same
  // (http/errors.ts maps person_id_number_idx to the duplicate message).
  await sql`ALTER TABLE person DROP COLUMN id_number`.execute(db);
  await sql`
    ALTER TABLE person
      ALTER COLUMN id_number_enc SET NOT NULL, ALTER COLUMN id_number_bidx SET NOT NULL, ALTER COLUMN id_number_tail_bidx SET NOT NULL,
      ADD CONSTRAINT person_id_number_bidx_len CHECK (octet_length(id_number_bidx) = 32 AND octet_length(id_number_tail_bidx) = 32)`.execute(db);
  await sql`CREATE UNIQUE INDEX person_id_number_idx ON person (id_number_bidx)`.execute(db);
  await sql`CREATE INDEX person_id_number_tail_idx ON person (id_number_tail_bidx)`.execute(db);
  await sql`INSERT INTO data_key_state (key_id) VALUES (${key.id})`.execute(db);
}
